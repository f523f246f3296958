#!/usr/bin/env bash
# Start throwaway PostgreSQL and MariaDB servers for the engine tests (tests/engines).
#
#   sudo scripts/start-engines.sh      # as root on Debian 12; idempotent
#   scripts/stop-engines.sh            # stops both and deletes their data
#
# - Installs only what is missing (postgresql, mariadb-server, Java 17 for Spark), with
#   service start-up disabled during the install so no system-wide server starts. Spark 4
#   needs Java 17: another Java on PATH does not count (openjdk-17-jre-headless is installed
#   next to it), and env.sh exports JAVA_HOME of the Java 17 found.
# - Data lives under $SEGDSL_ENGINES_DIR (default /tmp/segdsl-engines); nothing durable:
#   PostgreSQL runs with fsync=off, both servers listen on 127.0.0.1 only.
# - Writes $SEGDSL_ENGINES_DIR/env.sh (SEGDSL_PG_DSN, SEGDSL_MYSQL_HOST/PORT/USER, JAVA_HOME);
#   the test harness reads it when those variables are not set, or `source` it yourself.
#
# Environment: SEGDSL_ENGINES_DIR, SEGDSL_PG_PORT (54329), SEGDSL_MYSQL_PORT (33069),
# SEGDSL_SKIP_INSTALL=1 (never call apt-get), SEGDSL_SKIP_JAVA=1 (don't install Java).
set -euo pipefail

BASE=${SEGDSL_ENGINES_DIR:-/tmp/segdsl-engines}
PG_PORT=${SEGDSL_PG_PORT:-54329}
MY_PORT=${SEGDSL_MYSQL_PORT:-33069}
WAIT_SECONDS=${SEGDSL_ENGINES_WAIT:-60}

log() { echo "[start-engines] $*"; }
die() { echo "[start-engines] error: $*" >&2; exit 1; }
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
since() {  # since START_US -> "1.2 s"
    local tenths=$(( ($(now_us) - $1) / 100000 ))
    echo "$((tenths / 10)).$((tenths % 10)) s"
}

[[ $EUID -eq 0 ]] || die "run as root (it installs packages and runs servers as postgres/mysql)"

# -- 1. install what is missing -------------------------------------------------------------

java_major() {  # java_major JAVA -> 17 (or 8 for "1.8.0_…"), nothing when it does not run
    local line
    line=$("$1" -version 2>&1 | head -n 1) || return 0
    [[ $line =~ \"1\.([0-9]+) ]] && { echo "${BASH_REMATCH[1]}"; return; }
    [[ $line =~ \"([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

java17_home() {  # the JAVA_HOME of a Java 17: $JAVA_HOME, java on PATH, or under /usr/lib/jvm
    local candidate java
    for candidate in "${JAVA_HOME:-}" \
        "$(dirname "$(dirname "$(readlink -f "$(command -v java || echo /nonexistent)")")")" \
        /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/*17*; do
        java="$candidate/bin/java"
        if [[ -n "$candidate" && -x "$java" && "$(java_major "$java")" == 17 ]]; then
            echo "$candidate"
            return
        fi
    done
}

install_missing() {
    local missing=() pkg
    for pkg in postgresql mariadb-server chromium; do  # chromium: the HTML report test
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [[ -z "${SEGDSL_SKIP_JAVA:-}" && -z "$(java17_home)" ]]; then
        missing+=(openjdk-17-jre-headless)  # also when another Java is installed: Spark 4 wants 17
    fi
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "packages: all present"
        return
    fi
    [[ -z "${SEGDSL_SKIP_INSTALL:-}" ]] || die "missing packages: ${missing[*]} (SEGDSL_SKIP_INSTALL is set)"
    local t0 created_policy=""
    t0=$(now_us)
    # Debian starts (and enables) a system-wide server when postgresql/mariadb-server is
    # installed; a policy-rc.d that answers 101 stops that. Only remove it if we made it.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        created_policy=1
    fi
    local rc=0 apt_log="$BASE/apt.log"
    log "installing ${missing[*]} (apt-get output in $apt_log)"
    {
        DEBIAN_FRONTEND=noninteractive apt-get update &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
                "${missing[@]}"
    } >"$apt_log" 2>&1 || rc=$?
    [[ -z "$created_policy" ]] || rm -f /usr/sbin/policy-rc.d
    if [[ $rc -ne 0 ]]; then
        tail -n 30 "$apt_log" >&2
        die "apt-get install ${missing[*]} failed ($rc)"
    fi
    log "installed ${missing[*]} in $(since "$t0")"
}

# -- 2. PostgreSQL --------------------------------------------------------------------------

pg_bindir() {
    local dir
    dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    [[ -n "$dir" && -x "$dir/pg_ctl" ]] || die "PostgreSQL binaries not found under /usr/lib/postgresql"
    echo "$dir"
}

as_postgres() { runuser -u postgres -- "$@"; }

start_postgres() {
    local bin dir="$BASE/postgres" t0
    bin=$(pg_bindir)
    t0=$(now_us)
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    if as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        log "postgres: already running on 127.0.0.1:$PG_PORT"
        return
    fi
    if [[ ! -s "$dir/data/PG_VERSION" ]]; then
        rm -rf "$dir/data"
        as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 \
            --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
        log "postgres: initdb in $(since "$t0")"
        t0=$(now_us)
    fi
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$WAIT_SECONDS" \
        -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { tail -n 20 "$dir/server.log" >&2; die "postgres did not start"; }
    log "postgres: started on 127.0.0.1:$PG_PORT in $(since "$t0")"
}

# -- 3. MariaDB -----------------------------------------------------------------------------

my_admin() {  # mariadb-admin (or mysqladmin on older packages) over TCP as root
    local admin
    admin=$(command -v mariadb-admin || command -v mysqladmin) || die "mariadb-admin not found"
    "$admin" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$MY_PORT" -u root --connect-timeout=2 "$@"
}

start_mariadb() {
    local dir="$BASE/mariadb" t0 server installdb pid
    t0=$(now_us)
    server=$(command -v mariadbd || ls /usr/sbin/mariadbd 2>/dev/null) || die "mariadbd not found"
    installdb=$(command -v mariadb-install-db || command -v mysql_install_db) || die "mariadb-install-db not found"
    mkdir -p "$dir"
    chown mysql:mysql "$dir"
    chmod 700 "$dir"
    if [[ -s "$dir/mariadbd.pid" ]] && kill -0 "$(cat "$dir/mariadbd.pid")" 2>/dev/null &&
        my_admin ping >/dev/null 2>&1; then
        log "mariadb: already running on 127.0.0.1:$MY_PORT"
        return
    fi
    if [[ ! -d "$dir/data/mysql" ]]; then
        rm -rf "$dir/data"
        "$installdb" --no-defaults --user=mysql --datadir="$dir/data" \
            --auth-root-authentication-method=normal --skip-test-db \
            >"$dir/install-db.log" 2>&1 || { cat "$dir/install-db.log" >&2; die "mariadb-install-db failed"; }
        log "mariadb: install-db in $(since "$t0")"
        t0=$(now_us)
    fi
    # setsid + redirected fds: the server outlives this script and holds none of its pipes.
    setsid "$server" --no-defaults --user=mysql --datadir="$dir/data" \
        --port="$MY_PORT" --bind-address=127.0.0.1 --socket="$dir/mariadbd.sock" \
        --pid-file="$dir/mariadbd.pid" --log-error="$dir/server.log" --skip-log-bin \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --skip-name-resolve \
        </dev/null >>"$dir/server.out" 2>&1 &
    pid=$!
    local deadline=$(( $(now_us) + WAIT_SECONDS * 1000000 ))
    until my_admin ping >/dev/null 2>&1; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$dir/server.log" >&2 || true
            die "mariadbd exited during start-up"
        fi
        if (( $(now_us) > deadline )); then
            tail -n 20 "$dir/server.log" >&2 || true
            die "mariadb did not accept connections within ${WAIT_SECONDS}s (pid $pid left running)"
        fi
        sleep 0.2
    done
    # `ping` succeeds even when the login is refused: check that root can log in over TCP.
    my_admin status >/dev/null 2>&1 || die "mariadb is up but root cannot log in over TCP"
    log "mariadb: started on 127.0.0.1:$MY_PORT in $(since "$t0") (pid $pid)"
}

# -- main -----------------------------------------------------------------------------------

total=$(now_us)
mkdir -p "$BASE"
chmod 755 "$BASE"  # postgres and mysql must be able to traverse it
install_missing
start_postgres
start_mariadb
java_home=""
if [[ -z "${SEGDSL_SKIP_JAVA:-}" ]]; then
    java_home=$(java17_home)
    [[ -n "$java_home" ]] || die "no Java 17 found after installing openjdk-17-jre-headless"
    log "java: Java 17 at $java_home"
fi

cat >"$BASE/env.sh" <<ENV
# Written by scripts/start-engines.sh; the engine tests read this when the variables are unset.
export SEGDSL_PG_DSN='host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres'
export SEGDSL_MYSQL_HOST=127.0.0.1
export SEGDSL_MYSQL_PORT=$MY_PORT
export SEGDSL_MYSQL_USER=root
ENV
if [[ -n "$java_home" ]]; then
    echo "export JAVA_HOME='$java_home'  # Java 17, for Spark" >>"$BASE/env.sh"
fi
chmod 644 "$BASE/env.sh"
log "wrote $BASE/env.sh; total $(since "$total")"
