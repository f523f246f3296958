#!/usr/bin/env bash
# The main job on a fresh machine: install segdsl, build the demo database, check the
# example segments, compile one for two dialects, and run them with member counts.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/segdsl ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e .
fi
seg=.venv/bin/segdsl

set -x
$seg demo --db demo.duckdb
$seg check examples/segments
$seg compile examples/segments --segment uk_frequent --dialect postgres
$seg compile examples/segments --segment uk_frequent --dialect snowflake
$seg run examples/segments --segment uk_frequent --db demo.duckdb
$seg run examples/segments --segment cart_abandoners --db demo.duckdb
$seg run examples/segments --segment vip_keep_warm --db demo.duckdb
