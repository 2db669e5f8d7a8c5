"""Generic daily counts: CSV ``date, actor, region, indicator, value, source``.

For monitoring reports such as a mission's daily cease-fire-violation counts. ``value`` is a
non-negative number of events on ``date`` attributed to ``actor`` in ``region``. Indicators are
*material conflict* counts unless the indicator name starts with an explicit class prefix:
``verbal_cooperation:``, ``material_cooperation:``, ``verbal_conflict:`` or
``material_conflict:`` (e.g. ``material_cooperation:prisoners_exchanged``). The indicator
``territory_gain`` is not an event count but the area (e.g. km²) ``actor`` took that day in
``region``: its rows get class ``other`` (never counted as fighting) and are read only by the
peace-offensive flag's ground test. A second row with
the same date, actor, region, indicator and source is a duplicate (the first is kept).
``actor`` is a scenario actor id; it is passed through the actor mapping first (so a name such
as ``Russia`` also works), and kept as written when the mapping does not know it.
"""

from __future__ import annotations

from detente.monitor.normalise import class_sql, region_sql

__all__ = ["GROUND_INDICATOR", "REQUIRED", "event_sql"]

REQUIRED = ("date", "actor", "region", "indicator", "value", "source")
GROUND_INDICATOR = "territory_gain"
"""Not an event count: the area ``actor`` took that day in ``region`` (class ``other``)."""


def event_sql(reliability: float) -> str:
    """Normalising SELECT over ``raw``."""
    quad = (
        f"(CASE WHEN lower(trim(indicator)) = '{GROUND_INDICATOR}' THEN NULL "
        "ELSE (CASE split_part(indicator, ':', 1) WHEN 'verbal_cooperation' THEN 1 "
        "WHEN 'material_cooperation' THEN 2 WHEN 'verbal_conflict' THEN 3 ELSE 4 END) END)"
    )
    return f"""
WITH p AS (
  SELECT *, try_strptime(trim(date), '%Y-%m-%d')::DATE AS d,
    try_cast(trim(value) AS DOUBLE) AS v, trim(indicator) AS ind
  FROM raw
)
SELECT
  'counts:' || concat_ws('|', d, trim(actor), trim(region), ind, trim(source)) AS event_key,
  'counts' AS source_format, NULL::VARCHAR AS event_id,
  d AS date, d AS date_end, 'day' AS date_precision,
  nullif(trim(actor), '') AS actor1_code, nullif(trim(actor), '') AS actor1_name,
  NULL::VARCHAR AS actor2_code, NULL::VARCHAR AS actor2_name,
  {class_sql(quad)} AS event_class, {quad}::TINYINT AS quad_class, NULL::VARCHAR AS cameo_code,
  NULL::DOUBLE AS goldstein, NULL::DOUBLE AS fatalities_best, NULL::DOUBLE AS fatalities_low,
  NULL::DOUBLE AS fatalities_high,
  nullif(trim(region), '') AS admin1, NULL::VARCHAR AS admin2, {region_sql("trim(region)")}
    AS region, nullif(trim(region), '') AS place, NULL::DOUBLE AS latitude,
  NULL::DOUBLE AS longitude, 'admin1' AS geo_precision,
  nullif(trim(source), '') AS source, {reliability} AS reliability,
  ind AS indicator, v AS count, _line AS line,
  CASE
    WHEN _err IS NOT NULL THEN _err
    WHEN d IS NULL THEN 'bad date (expected YYYY-MM-DD)'
    WHEN nullif(trim(actor), '') IS NULL THEN 'missing actor'
    WHEN nullif(ind, '') IS NULL THEN 'missing indicator'
    WHEN v IS NULL OR v < 0 OR isnan(v) OR isinf(v) THEN 'bad value (expected a number >= 0)'
  END AS reject_reason
FROM p
"""
