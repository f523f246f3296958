#!/usr/bin/env bash
# Regenerate docs/report.png (the README screenshot): the demo database at 100,000 customers,
# every example segment, `segdsl report`, and headless Chromium (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ln -s "$PWD/examples" "$work/examples"
python=${PYTHON:-.venv/bin/python}
segdsl() { (cd "$work" && "$OLDPWD/$python" -m segdsl "$@"); }
segdsl demo --db demo.duckdb --customers 100000 --anchor-date 2026-06-30
segdsl report examples/segments --db demo.duckdb --as-of 2026-06-30 --out report.html
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile" \
  --screenshot="$work/report.png" --window-size=1280,1900 "file://$work/report.html" 2>/dev/null
cp "$work/report.png" docs/report.png
echo "wrote docs/report.png"
