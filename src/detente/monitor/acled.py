"""ACLED events: CSV with header (~31 columns; exports may add ``id``, ``actor_dyad``).

Dates come in three styles: ISO ``2020-08-14``, ``14/08/2020 00:00:00`` and ``14 August 2020``.
``inter1``/``inter2`` are numbers (1 state forces ... 8 external/other forces) or their text
labels. ACLED's terms forbid redistributing its rows: detente ships none, tests use synthetic
rows in its format.

Event-type mapping to CAMEO (documented in ``docs/reference/event-formats.md``):
Battles -> 190, Explosions/Remote violence -> 195, Violence against civilians -> 180 (material
conflict); Protests -> 141, Riots -> 145 (CAMEO root 14: verbal conflict); Strategic
developments: Agreement -> 057 (verbal cooperation), Arrests -> 173, Looting/property
destruction -> 171, Non-violent transfer of territory -> 150 (material conflict); other
strategic developments -> class ``other``.
"""

from __future__ import annotations

from detente.monitor.normalise import class_sql, quad_sql, region_sql

__all__ = ["INTER_LABELS", "REQUIRED", "event_sql"]

REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "actor2", "admin1", "fatalities")

INTER_LABELS = {
    "state forces": 1,
    "rebel groups": 2,
    "political militias": 3,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
}


def _inter(col: str, columns: set[str]) -> str:
    if col not in columns:
        return "NULL::INTEGER"
    cases = " ".join(f"WHEN '{k}' THEN {v}" for k, v in INTER_LABELS.items())
    return (
        f"coalesce(try_cast(nullif(trim({col}), '') AS INTEGER), "
        f"CASE lower(trim({col})) {cases} END)"
    )


def event_sql(reliability: float, columns: set[str]) -> str:
    """Normalising SELECT over ``raw``; optional columns are used when present."""

    def opt(c: str) -> str:
        return c if c in columns else "NULL::VARCHAR"

    q = quad_sql("p.code")
    return f"""
WITH p AS (
  SELECT *,
    coalesce(try_strptime(event_date, '%Y-%m-%d')::DATE,
             try_strptime(event_date, '%d/%m/%Y %H:%M:%S')::DATE,
             try_strptime(event_date, '%d/%m/%Y')::DATE,
             try_strptime(event_date, '%d %B %Y')::DATE) AS d,
    CASE
      WHEN event_type = 'Battles' THEN '190'
      WHEN event_type = 'Explosions/Remote violence' THEN '195'
      WHEN event_type = 'Violence against civilians' THEN '180'
      WHEN event_type = 'Protests' THEN '141'
      WHEN event_type = 'Riots' THEN '145'
      WHEN {opt("sub_event_type")} = 'Agreement' THEN '057'
      WHEN {opt("sub_event_type")} = 'Arrests' THEN '173'
      WHEN {opt("sub_event_type")} = 'Looting/property destruction' THEN '171'
      WHEN {opt("sub_event_type")} = 'Non-violent transfer of territory' THEN '150'
    END AS code,
    try_cast(fatalities AS DOUBLE) AS fat,
    {_inter("inter1", columns)} AS i1, {_inter("inter2", columns)} AS i2
  FROM raw
)
SELECT
  'acled:' || trim(event_id_cnty) AS event_key, 'acled' AS source_format,
  trim(event_id_cnty) AS event_id, d AS date, d AS date_end,
  CASE trim({opt("time_precision")}) WHEN '1' THEN 'day' WHEN '2' THEN 'week'
    WHEN '3' THEN 'month' ELSE 'unknown' END AS date_precision,
  nullif(actor1, '') AS actor1_code, nullif(actor1, '') AS actor1_name,
  nullif(actor2, '') AS actor2_code, nullif(actor2, '') AS actor2_name,
  {class_sql(q)} AS event_class, {q} AS quad_class, p.code AS cameo_code,
  c.goldstein AS goldstein, fat AS fatalities_best, fat AS fatalities_low,
  fat AS fatalities_high,
  nullif(admin1, '') AS admin1, nullif({opt("admin2")}, '') AS admin2,
  {region_sql("admin1")} AS region, nullif({opt("location")}, '') AS place,
  try_cast({opt("latitude")} AS DOUBLE) AS latitude,
  try_cast({opt("longitude")} AS DOUBLE) AS longitude,
  nullif({opt("geo_precision")}, '') AS geo_precision,
  nullif({opt("source")}, '') AS source, {reliability} AS reliability,
  concat_ws('; ', event_type, nullif({opt("sub_event_type")}, ''),
    'inter1=' || i1, 'inter2=' || i2) AS indicator,
  1.0 AS count, _line AS line,
  CASE
    WHEN _err IS NOT NULL THEN _err
    WHEN nullif(trim(event_id_cnty), '') IS NULL THEN 'missing event_id_cnty'
    WHEN d IS NULL THEN 'bad date (event_date)'
    WHEN nullif(event_type, '') IS NULL THEN 'missing event_type'
    WHEN fat IS NULL OR fat < 0 THEN 'bad fatalities'
    WHEN nullif(trim({opt("inter1")}), '') IS NOT NULL AND i1 IS NULL THEN 'bad inter1 code'
    WHEN nullif(trim({opt("inter2")}), '') IS NOT NULL AND i2 IS NULL THEN 'bad inter2 code'
  END AS reject_reason
FROM p LEFT JOIN cameo c ON c.code = p.code
"""
