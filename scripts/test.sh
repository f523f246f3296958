#!/usr/bin/env bash
# Install segdsl with its test extras, start the test databases, then lint, type-check
# and run the whole test suite. The servers are always stopped again, even on failure.
# Pass pytest arguments through: ./scripts/test.sh -k execution
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
PYTHON=.venv/bin/python bash scripts/install-test-deps.sh

trap 'bash scripts/stop-engines.sh' EXIT
bash scripts/start-engines.sh

.venv/bin/ruff check segdsl tests
.venv/bin/mypy --strict segdsl
.venv/bin/python -m pytest "$@"
