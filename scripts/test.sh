#!/usr/bin/env bash
# Install segdsl with its test extras, start the test databases, then lint, type-check
# and run the whole test suite. The servers are always stopped again, even on failure.
# Pass pytest arguments through: ./scripts/test.sh -k execution
# With CI=true (as .ci/run sets it) an engine that cannot run fails the tests instead of
# skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[test] $*"; }

venv_works() {  # Debian's python3 needs python3-venv (ensurepip) to create a venv
    local probe
    probe=$(mktemp -d)
    python3 -m venv "$probe/venv" >/dev/null 2>&1
    local rc=$?
    rm -rf "$probe"
    return $rc
}

if [ ! -x .venv/bin/python ]; then
  if ! venv_works; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      log "python3 -m venv does not work here: installing python3-venv"
      DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv >/dev/null
    else
      echo "[test] error: python3 -m venv does not work; install python3-venv (Debian/Ubuntu)" >&2
      exit 1
    fi
  fi
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
PYTHON=.venv/bin/python bash scripts/install-test-deps.sh

trap 'bash scripts/stop-engines.sh' EXIT
bash scripts/start-engines.sh
# The servers' addresses and JAVA_HOME (Java 17, for Spark), for this shell and pytest.
# shellcheck source=/dev/null
source "${SEGDSL_ENGINES_DIR:-/tmp/segdsl-engines}/env.sh"

.venv/bin/ruff check segdsl tests
.venv/bin/mypy --strict segdsl
.venv/bin/python -m pytest "$@"
