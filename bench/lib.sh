# What the benchmark scripts share, sourced by them from the project's
# folder: the release build, the demo databases' folder, a temporary
# folder removed on exit, and the figures of a hyperfine run.

# need COMMAND PACKAGE: installs PACKAGE from Debian's packages when
# COMMAND is missing.
need() { command -v "$1" >/dev/null 2>&1 || { apt-get install -y -qq "$2" >/dev/null 2>&1 || sudo apt-get install -y -qq "$2" >/dev/null; }; }
need hyperfine hyperfine
cargo build --release --quiet
bin=$PWD/target/release/minqing
data=target/bench-data
mkdir -p "$data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median and spread (min-max) of a hyperfine run, in seconds
stats() { python3 - "$1" <<'PY'
import json, sys, statistics
t = json.load(open(sys.argv[1]))["results"][0]["times"]
print(f'{statistics.median(t):.3f} s (min {min(t):.3f}, max {max(t):.3f}, {len(t)} runs)')
PY
}
median() { python3 -c 'import json,sys,statistics; print(statistics.median(json.load(open(sys.argv[1]))["results"][0]["times"]))' "$1"; }
# peak memory of a command, in MB
peak_mb() { /usr/bin/time -f "%M" -o "$tmp/rss" "$@" >/dev/null 2>&1; echo $(( $(cat "$tmp/rss") / 1024 )); }
