#!/usr/bin/env bash
# Install the Python drivers the engine tests use (tests/engines) into the current Python env.
#
#   scripts/install-test-deps.sh            # uses $PYTHON, else the active venv's python, else python3
#   PYTHON=.venv/bin/python scripts/install-test-deps.sh
#
# DuckDB and SQLite need nothing extra (duckdb is a runtime dependency, sqlite3 is stdlib).
# PostgreSQL and MariaDB also need running servers: see scripts/start-engines.sh.
# Spark needs Java 17 (start-engines.sh installs openjdk-17-jre-headless when no Java 17 is found,
# and writes its JAVA_HOME to the env file that test.sh sources).
set -euo pipefail

if [[ -n "${PYTHON:-}" ]]; then
    py=$PYTHON
elif [[ -n "${VIRTUAL_ENV:-}" && -x "$VIRTUAL_ENV/bin/python" ]]; then
    py=$VIRTUAL_ENV/bin/python
else
    py=$(command -v python3 || command -v python)
fi

# One major version each: these projects break their APIs between majors.
packages=(
    "psycopg[binary]>=3.2,<4"   # PostgreSQL
    "pymysql>=1.1,<2"           # MariaDB
    "chdb-core>=26,<27"         # ClickHouse, in-process (import name: chdb)
    "datafusion>=55,<56"        # Apache DataFusion, in-process
    "pyarrow>=18,<27"           # tables for DataFusion
    "pyspark>=4.0,<5"           # Spark, local[1] (needs Java 17)
    "SQLAlchemy>=2.0,<3"        # the generic SQLAlchemy runner
    "pandas>=2.2,<3"            # chdb-core pulls pandas in; PySpark 4 warns about pandas 3
)

start=${EPOCHREALTIME/[.,]/}
"$py" -m pip install --disable-pip-version-check "${packages[@]}"
elapsed=$(( (${EPOCHREALTIME/[.,]/} - start) / 100000 ))
echo "[install-test-deps] pip install took $((elapsed / 10)).$((elapsed % 10)) s ($py)"
