#!/usr/bin/env bash
# Stop the servers started by scripts/start-engines.sh and delete their data. Idempotent.
set -euo pipefail

BASE=${SEGDSL_ENGINES_DIR:-/tmp/segdsl-engines}
WAIT_SECONDS=${SEGDSL_ENGINES_WAIT:-30}

log() { echo "[stop-engines] $*"; }
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
since() {
    local tenths=$(( ($(now_us) - $1) / 100000 ))
    echo "$((tenths / 10)).$((tenths % 10)) s"
}

case "$BASE" in
    "" | / | /tmp | /tmp/) echo "[stop-engines] refusing to delete SEGDSL_ENGINES_DIR=$BASE" >&2; exit 1 ;;
esac

wait_gone() {  # wait_gone PID SECONDS -> 0 once the process is gone
    local pid=$1 deadline=$(( $(now_us) + $2 * 1000000 ))
    while kill -0 "$pid" 2>/dev/null; do
        (( $(now_us) < deadline )) || return 1
        sleep 0.2
    done
}

stop_postgres() {
    local dir="$BASE/postgres/data" bin pid t0
    [[ -f "$dir/postmaster.pid" ]] || { log "postgres: not running"; return; }
    pid=$(head -n 1 "$dir/postmaster.pid")
    t0=$(now_us)
    bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [[ -n "$bin" ]] && runuser -u postgres -- "$bin/pg_ctl" -D "$dir" -m fast -w -t "$WAIT_SECONDS" stop >/dev/null 2>&1; then
        log "postgres: stopped in $(since "$t0")"
        return
    fi
    # pg_ctl could not do it (binaries gone, stale pid file …): signal the postmaster itself.
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill -INT "$pid" 2>/dev/null || true  # "fast" shutdown
        wait_gone "$pid" "$WAIT_SECONDS" || { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 5 || true; }
        log "postgres: stopped pid $pid by signal in $(since "$t0")"
    else
        log "postgres: stale pid file, nothing running"
    fi
}

stop_mariadb() {
    local dir="$BASE/mariadb" pid t0 admin
    [[ -s "$dir/mariadbd.pid" ]] || { log "mariadb: not running"; return; }
    pid=$(cat "$dir/mariadbd.pid")
    if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then
        log "mariadb: stale pid file, nothing running"
        return
    fi
    t0=$(now_us)
    admin=$(command -v mariadb-admin || command -v mysqladmin || true)
    if [[ -n "$admin" ]]; then
        "$admin" --no-defaults --socket="$dir/mariadbd.sock" -u root shutdown >/dev/null 2>&1 || true
    fi
    if ! wait_gone "$pid" "$WAIT_SECONDS"; then
        kill -TERM "$pid" 2>/dev/null || true
        wait_gone "$pid" "$WAIT_SECONDS" || { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 5 || true; }
    fi
    log "mariadb: stopped pid $pid in $(since "$t0")"
}

stop_postgres
stop_mariadb
if [[ -d "$BASE" ]]; then
    rm -rf "$BASE"
    log "removed $BASE"
fi
