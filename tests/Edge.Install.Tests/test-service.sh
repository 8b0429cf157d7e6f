#!/usr/bin/env bash
# Stands in for systemctl in a scratch root (upgrade.sh --service-cmd): runs the gateway of the release
# /opt/edge/current points at, from inside $ROOT, with the installed configuration and the target paths
# mapped into $ROOT. Called as: test-service.sh stop|start|health.
#
# EDGE_TEST_MIGRATE_MARKER: if the started release holds this file, the script bumps the database's
# schema version before starting it (with the sqlite3 shell), standing in for a release whose forward-only
# migration ran and which then failed its health check; the rollback must then restore the backup.
set -euo pipefail
: "${ROOT:?}"
PIDFILE="$ROOT/run/edge-gateway-test.pid"
LOG="$ROOT/var/log/edge-gateway-test.log"
mkdir -p "$ROOT/run" "$ROOT/var/log"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "$1" in
  start)
    version="$(basename "$(readlink "$ROOT/opt/edge/current")")"
    rel="$ROOT/opt/edge/releases/$version"
    if [ -n "${EDGE_TEST_MIGRATE_MARKER:-}" ] && [ -f "$rel/gateway/$EDGE_TEST_MIGRATE_MARKER" ]; then
      sqlite3 "$ROOT/var/lib/edge/edge-gateway.db" 'PRAGMA user_version = 99;'
    fi
    # The installed environment, with absolute target paths mapped into the scratch root.
    set -a
    # shellcheck disable=SC1091
    . <(sed -e "s#=/#=$ROOT/#" -e "s#$ROOT/opt/edge/current/#$rel/#" "$ROOT/etc/edge/gateway.env")
    set +a
    cd "$ROOT/var/lib/edge"
    "$rel/gateway/Edge.Gateway" --config "$ROOT/etc/edge/gateway-settings.json" >>"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
    ;;
  stop)
    if running; then
      pid="$(cat "$PIDFILE")"
      kill -TERM "$pid"
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$PIDFILE"
    ;;
  health)
    running || exit 1
    port="$(sed -n 's/^EDGE_Diagnostics__HttpPort=//p' "$ROOT/etc/edge/gateway.env")"
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET /api/devices HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    IFS= read -r -t 5 line <&3 || exit 1
    case "$line" in "HTTP/1."?" 200"*) exit 0 ;; *) exit 1 ;; esac
    ;;
  *) echo "usage: $0 stop|start|health" >&2; exit 2 ;;
esac
