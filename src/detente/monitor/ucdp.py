"""UCDP Georeferenced Event Dataset (GED): CSV with header, 49 columns.

Credit: UCDP Georeferenced Event Dataset (Sundberg & Melander 2013, Journal of Peace Research
50(4)), CC BY 4.0. Every GED event is organised violence with at least one death, so it is
*material conflict* (CAMEO 190 "use conventional military force", Goldstein −10). Dates are ISO
(``2015-02-15``) or US style (``1/22/2014 12:00:00 AM``) depending on the release; ``date_prec``
(1 day, 2 two-to-six days, 3 week, 4 month, 5 year) is kept as the date precision.
"""

from __future__ import annotations

from detente.monitor.normalise import region_sql

__all__ = ["REQUIRED", "event_sql"]

REQUIRED = (
    "id",
    "side_a",
    "side_b",
    "date_start",
    "date_end",
    "date_prec",
    "best",
    "low",
    "high",
    "adm_1",
)


def _date(col: str) -> str:
    return (
        f"coalesce(try_strptime({col}, '%Y-%m-%d')::DATE, "
        f"try_strptime({col}, '%Y-%m-%d %H:%M:%S')::DATE, "
        f"try_strptime({col}, '%m/%d/%Y %I:%M:%S %p')::DATE, "
        f"try_strptime({col}, '%m/%d/%Y')::DATE)"
    )


def event_sql(reliability: float, columns: set[str]) -> str:
    """Normalising SELECT over ``raw``; optional columns are used when present."""

    def opt(c: str) -> str:
        return c if c in columns else "NULL::VARCHAR"

    return f"""
WITH p AS (
  SELECT *, {_date("date_start")} AS d0, {_date("date_end")} AS d1,
    try_cast(best AS DOUBLE) AS fb, try_cast(low AS DOUBLE) AS fl, try_cast(high AS DOUBLE) AS fh
  FROM raw
)
SELECT
  'ucdp:' || trim(id) AS event_key, 'ucdp' AS source_format, trim(id) AS event_id,
  d0 AS date, greatest(d0, coalesce(d1, d0)) AS date_end,
  CASE trim(date_prec) WHEN '1' THEN 'day' WHEN '2' THEN 'days' WHEN '3' THEN 'week'
    WHEN '4' THEN 'month' WHEN '5' THEN 'year' ELSE 'unknown' END AS date_precision,
  nullif(side_a, '') AS actor1_code, nullif(side_a, '') AS actor1_name,
  nullif(side_b, '') AS actor2_code, nullif(side_b, '') AS actor2_name,
  'material_conflict' AS event_class, 4::TINYINT AS quad_class, '190' AS cameo_code,
  -10.0 AS goldstein, fb AS fatalities_best, fl AS fatalities_low, fh AS fatalities_high,
  nullif(adm_1, '') AS admin1, nullif({opt("adm_2")}, '') AS admin2,
  {region_sql("adm_1")} AS region, nullif({opt("where_coordinates")}, '') AS place,
  try_cast({opt("latitude")} AS DOUBLE) AS latitude,
  try_cast({opt("longitude")} AS DOUBLE) AS longitude,
  nullif({opt("where_prec")}, '') AS geo_precision,
  nullif({opt("source_office")}, '') AS source, {reliability} AS reliability,
  'type_of_violence=' || coalesce({opt("type_of_violence")}, '') AS indicator,
  1.0 AS count, _line AS line,
  CASE
    WHEN _err IS NOT NULL THEN _err
    WHEN nullif(trim(id), '') IS NULL THEN 'missing id'
    WHEN d0 IS NULL THEN 'bad date (date_start)'
    WHEN nullif(date_end, '') IS NOT NULL AND d1 IS NULL THEN 'bad date (date_end)'
    WHEN d1 < d0 THEN 'date_end before date_start'
    WHEN fb IS NULL OR fb < 0 THEN 'bad fatalities (best)'
    WHEN (nullif(low, '') IS NOT NULL AND fl IS NULL)
      OR (nullif(high, '') IS NOT NULL AND fh IS NULL) THEN 'bad fatalities (low/high)'
  END AS reject_reason
FROM p
"""
