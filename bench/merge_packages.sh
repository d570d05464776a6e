#!/usr/bin/env bash
# Work packages out and back, as a county runs a round:
#
#   bench/merge_packages.sh [HOUSEHOLDS]
#
# Makes a demo county of HOUSEHOLDS households (default 20,718, linked to
# about 4,938 cadres as the county is), closes its round and opens the
# next, writes one package per cadre with `minqing package --all-cadres`
# (timed), then does each cadre's fieldwork in its package: every
# household's questionnaires answered again in the new round, as new
# interviews from the cadre's laptop. Then times `minqing merge` of all
# the packages into the county file in one call, and says the time per
# package.
set -euo pipefail
cd "$(dirname "$0")/.."
households=${1:-20718}
cargo build --release --quiet
bin=$PWD/target/release/minqing
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/county.db"
"$bin" --db "$db" demo --households "$households" >/dev/null 2>&1
"$bin" --db "$db" round close >/dev/null 2>&1
"$bin" --db "$db" round open 2027-spring >/dev/null 2>&1
start=$(date +%s.%N)
"$bin" --db "$db" package --all-cadres --out "$work/packages" >/dev/null 2>&1
end=$(date +%s.%N)
packages=$(ls "$work/packages" | wc -l)
python3 -c "t = $end - $start; print(f'package --all-cadres: {$packages} packages in {t:.1f} s, {t / $packages * 1000:.1f} ms a package')"
python3 - "$work/packages" <<'PY'
import os, sqlite3, sys
folder = sys.argv[1]
for name in os.listdir(folder):
    c = sqlite3.connect(os.path.join(folder, name))
    c.execute(
        """INSERT INTO interview (uuid, household_id, snapshot_id, interviewer, device, status,
               started_at, updated_at, completed_at, answers, hits, stamp, round_id)
           SELECT randomblob(16), household_id, snapshot_id, interviewer, 'field-laptop', status,
               started_at + 86400000, updated_at + 86400000, completed_at + 86400000, answers,
               hits, stamp + (86400000 << 16), (SELECT id FROM round WHERE closed_at IS NULL)
           FROM interview WHERE round_id = (SELECT min(id) FROM round)""")
    c.commit()
    c.close()
PY
start=$(date +%s.%N)
"$bin" --db "$db" merge "$work"/packages/*.db >"$work/merge.out" 2>&1 || true
end=$(date +%s.%N)
merged=$(grep -c '^merged' "$work/merge.out" || true)
added=$(python3 -c "import sqlite3; print(sqlite3.connect('$db').execute(\"SELECT count(*) FROM interview WHERE round_id = (SELECT id FROM round WHERE name = '2027-spring')\").fetchone()[0])")
python3 -c "t = $end - $start; print(f'merge of {$packages} packages into a county of $households: {t:.1f} s, {t / $packages * 1000:.1f} ms a package, {$merged} merged, {$added} interviews of the new round')"
