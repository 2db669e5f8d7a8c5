"""ICEWS coded event data: tab-separated with a header, ISO-8859-1, 20 columns.

Columns: Event ID, Event Date, Source Name, Source Sectors, Source Country, Event Text, CAMEO
Code, Intensity, Target Name, Target Sectors, Target Country, Story ID, Sentence Number,
Publisher, City, District, Province, Country, Latitude, Longitude. Countries are full names.
ICEWS event ids are not unique, so the de-duplication key is a hash of the whole row.
"""

from __future__ import annotations

from detente.monitor.normalise import class_sql, quad_sql, region_sql

__all__ = ["REQUIRED", "event_sql"]

REQUIRED = (
    "event_id",
    "event_date",
    "source_name",
    "source_country",
    "cameo_code",
    "target_name",
    "target_country",
    "publisher",
    "province",
    "country",
    # also read by the normalising SELECT (all 20 columns of the ICEWS files)
    "event_text",
    "story_id",
    "sentence_number",
    "city",
    "district",
    "latitude",
    "longitude",
)


def event_sql(reliability: float) -> str:
    """Normalising SELECT over ``raw`` (header names lower-cased, spaces -> ``_``)."""
    q = quad_sql("c.code")
    return f"""
WITH p AS (
  SELECT *, try_strptime(event_date, '%Y-%m-%d')::DATE AS d,
    lpad(nullif(trim(cameo_code), ''), greatest(3, length(trim(cameo_code)))::INTEGER, '0') AS code
  FROM raw
)
SELECT
  'icews:' || md5(concat_ws(chr(9), event_id, event_date, source_name, source_country,
    event_text, cameo_code, target_name, target_country, story_id, sentence_number))
    AS event_key,
  'icews' AS source_format, event_id,
  d AS date, d AS date_end, 'day' AS date_precision,
  coalesce(nullif(source_country, ''), nullif(source_name, '')) AS actor1_code,
  nullif(source_name, '') AS actor1_name,
  coalesce(nullif(target_country, ''), nullif(target_name, '')) AS actor2_code,
  nullif(target_name, '') AS actor2_name,
  {class_sql(q)} AS event_class, {q} AS quad_class, p.code AS cameo_code,
  c.goldstein AS goldstein,
  NULL::DOUBLE AS fatalities_best, NULL::DOUBLE AS fatalities_low,
  NULL::DOUBLE AS fatalities_high,
  nullif(province, '') AS admin1, nullif(district, '') AS admin2,
  {region_sql("province")} AS region,
  nullif(concat_ws(', ', nullif(city, ''), nullif(province, ''), nullif(country, '')), '')
    AS place,
  try_cast(latitude AS DOUBLE) AS latitude, try_cast(longitude AS DOUBLE) AS longitude,
  CASE WHEN nullif(city, '') IS NOT NULL THEN 'city' WHEN nullif(province, '') IS NOT NULL
    THEN 'province' ELSE 'country' END AS geo_precision,
  nullif(publisher, '') AS source, {reliability} AS reliability,
  NULL::VARCHAR AS indicator, 1.0 AS count, _line AS line,
  CASE
    WHEN _err IS NOT NULL THEN _err
    WHEN d IS NULL THEN 'bad date (Event Date, expected YYYY-MM-DD)'
    WHEN p.code IS NULL THEN 'missing CAMEO code'
    WHEN c.code IS NULL THEN 'unknown CAMEO code'
  END AS reject_reason
FROM p LEFT JOIN cameo c ON c.code = p.code
"""
