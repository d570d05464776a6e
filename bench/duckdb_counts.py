"""The DuckDB way an analyst takes at province scale: from the exported
responses (`minqing export responses --plain`), count per village the
households where the water survey's eight need rules hold, and those
surveyed. Usage: python3 bench/duckdb_counts.py responses.csv"""
import sys

import duckdb

QUERY = """
WITH water AS (
    SELECT township, village,
           "water.main_source" AS source,
           TRY_CAST("water.fetch_minutes" AS DOUBLE) AS minutes,
           TRY_CAST("water.fetch_climb_m" AS DOUBLE) AS climb,
           TRY_CAST("water.shortage_days" AS DOUBLE) AS shortage,
           string_split(coalesce("water.quality_problems", ''), ' ') AS quality,
           "water.toilet" AS toilet,
           "water.handwashing" AS handwashing
    FROM read_csv(?, all_varchar = true, header = true)
    WHERE survey = 'water' AND status = 'complete'
)
SELECT township, village, count(*) AS surveyed,
       count(*) FILTER (WHERE source = 'surface') AS surface_water,
       count(*) FILTER (WHERE source = 'unprotected') AS unprotected_source,
       count(*) FILTER (WHERE minutes > 20 OR climb > 80) AS water_far,
       count(*) FILTER (WHERE shortage > 36) AS water_shortage,
       count(*) FILTER (WHERE list_contains(quality, 'illness')) AS water_illness,
       count(*) FILTER (WHERE list_has_any(quality, ['turbid', 'colour', 'smell', 'salty'])) AS water_quality,
       count(*) FILTER (WHERE toilet IN ('none', 'open_pit')) AS no_toilet,
       count(*) FILTER (WHERE handwashing = 'none') AS no_handwashing
FROM water GROUP BY township, village ORDER BY township, village
"""

rows = duckdb.execute(QUERY, [sys.argv[1]]).fetchall()
print(len(rows), "villages")
