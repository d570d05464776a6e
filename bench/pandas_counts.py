"""What a planner would do without Minqing: read the exported responses
and count, per village, the households where the water survey's need rules
hold, with pandas. Usage: python3 bench/pandas_counts.py responses.csv"""
import sys

import pandas as pd

COLUMNS = ["code", "village", "survey", "status", "water.main_source", "water.fetch_minutes",
           "water.fetch_climb_m", "water.shortage_days", "water.quality_problems", "water.toilet",
           "water.handwashing"]

frame = pd.read_csv(sys.argv[1], usecols=COLUMNS, dtype=str, keep_default_na=False)
water = frame[(frame["survey"] == "water") & (frame["status"] == "complete")].copy()
num = lambda c: pd.to_numeric(water[c], errors="coerce")
has = lambda c, v: water[c].str.split().apply(lambda names: v in names)
rules = {
    "surface_water": water["water.main_source"] == "surface",
    "unprotected_source": water["water.main_source"] == "unprotected",
    "water_far": (num("water.fetch_minutes") > 20) | (num("water.fetch_climb_m") > 80),
    "water_shortage": num("water.shortage_days") > 36,
    "water_illness": has("water.quality_problems", "illness"),
    "water_quality": has("water.quality_problems", "turbid") | has("water.quality_problems", "colour")
    | has("water.quality_problems", "smell") | has("water.quality_problems", "salty"),
    "no_toilet": water["water.toilet"].isin(["none", "open_pit"]),
    "no_handwashing": water["water.handwashing"] == "none",
}
counts = pd.DataFrame({name: hits.astype(int) for name, hits in rules.items()})
counts["village"] = water["village"]
table = counts.groupby("village").sum()
table["surveyed"] = water.groupby("village").size()
print(len(table), "villages")
