"""What an analyst does with a province's Parquet: read the responses,
partitioned by township, with DuckDB and count per village the households
two need rules of the water survey affect (one on typed numbers, one on a
choice), each household by its latest complete interview; then compare
with Minqing's ranked list (`minqing export priorities --plain`).

Usage: python3 duckdb_affected.py RESPONSES_FOLDER PRIORITIES_CSV
Exits 1 naming every village where the two disagree."""
import csv
import sys

import duckdb

QUERY = """
WITH latest AS (
    SELECT * FROM read_parquet(? || '/*/*.parquet', hive_partitioning = true,
                               hive_types = {'township': VARCHAR})
    WHERE survey = 'water' AND status = 'complete'
    QUALIFY row_number() OVER (PARTITION BY code ORDER BY completed DESC) = 1
)
SELECT township, village, rule, affected FROM (
    SELECT township, village, 'water.water_far' AS rule,
           count(*) FILTER (WHERE "water.fetch_minutes" > 20
                               OR "water.fetch_climb_m" > 80) AS affected
    FROM latest GROUP BY township, village
    UNION ALL
    SELECT township, village, 'water.surface_water',
           count(*) FILTER (WHERE "water.main_source" = 'surface')
    FROM latest GROUP BY township, village
) WHERE affected > 0
"""

responses, priorities = sys.argv[1], sys.argv[2]
counted = {(t, v, r): n for t, v, r, n in duckdb.execute(QUERY, [responses]).fetchall()}
ranked = {}
with open(priorities, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["rule"] in ("water.water_far", "water.surface_water"):
            key = (row["township"], row["village"], row["rule"])
            ranked[key] = int(row["households affected"])
wrong = sorted(k for k in counted.keys() | ranked.keys() if counted.get(k) != ranked.get(k))
for key in wrong:
    print(f"{key}: DuckDB {counted.get(key)}, minqing {ranked.get(key)}")
rules = {r for _, _, r in counted}
if wrong or len(rules) != 2:
    sys.exit(1)
print(f"{len(counted)} villages and rules agree")
