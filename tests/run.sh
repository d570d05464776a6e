#!/usr/bin/env bash
# Runs every test. The print test of the meeting brief prints it in a real
# browser: Chromium, poppler's pdfinfo and pdftotext, and Chinese fonts are
# installed first from Debian's packages when missing (elsewhere install
# them by hand: Chromium as /usr/bin/chromium or /usr/bin/chromium-browser).
# The Parquet test reads an export with DuckDB, installed with pip.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c "import duckdb" 2>/dev/null || python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
if ((${#need[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c "import duckdb" 2>/dev/null ||
    python3 -m pip install -q duckdb ||
    python3 -m pip install -q --break-system-packages duckdb
cargo test "$@"
