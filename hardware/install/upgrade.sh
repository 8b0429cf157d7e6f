#!/usr/bin/env bash
# Upgrade and rollback of the gateway release (run install.sh once first).
#
#   upgrade.sh --publish-dir DIR --version NAME [--model-dir DIR] [--health-timeout 90]
#   upgrade.sh rollback          back to the release before the last upgrade
#   upgrade.sh list              releases, and which one is current
#
# Releases live in /opt/edge/releases/<version>; /opt/edge/current points at one. An upgrade: stages the
# new release, stops the gateway, takes an online backup of the database with the running release's own
# `db backup` (label pre-upgrade-<version>), switches the symlink, starts, and waits for the gateway to be
# healthy (systemd active after READY=1, and the loopback status endpoint answering). If it is not healthy
# in time it rolls back by itself: the previous release comes back, and if the new release had changed the
# database schema (a forward-only migration ran) the pre-upgrade backup is restored first, because the old
# release cannot read a newer schema. Incidents raised between the backup and the rollback are then lost
# from the live database (they remain in the file kept as edge-gateway.db.before-restore-<time>).
# The database and its open incidents are otherwise never touched: /var/lib/edge is not part of a release.
#
# --root DIR works as in install.sh; there --service-cmd PROG (called as PROG stop|start|health with ROOT
# in its environment) stands in for systemctl, so the tests can run a real gateway from the scratch root.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

VERB=upgrade PUBLISH_DIR="" MODEL_DIR="$REPO/models/fall-model" VERSION="" HEALTH_TIMEOUT=90
while [ $# -gt 0 ]; do
  case "$1" in
    upgrade|rollback|list) VERB="$1"; shift ;;
    --publish-dir) PUBLISH_DIR="$2"; shift 2 ;;
    --model-dir) MODEL_DIR="$2"; shift 2 ;;
    --version) VERSION="$2"; shift 2 ;;
    --health-timeout) HEALTH_TIMEOUT="$2"; shift 2 ;;
    --root) ROOT="$(cd "$2" && pwd)"; [ "$ROOT" != / ] || ROOT=""; shift 2 ;;
    --service-cmd) SERVICE_CMD="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
export ROOT

STATE=/opt/edge/upgrade-state
DB=/var/lib/edge/edge-gateway.db
BACKUPS=/var/lib/edge/backups

# Runs a release's gateway binary for a `db` command against the target root's database.
release_db() {
  local version="$1"; shift
  local dir; dir="$(r "$RELEASES/$version/gateway")"
  local cmd=("$dir/Edge.Gateway")
  [ -x "$dir/Edge.Gateway" ] || cmd=(dotnet "$dir/Edge.Gateway.dll")
  EDGE_Storage__DatabasePath="$(r "$DB")" "${cmd[@]}" db "$@" --config "$(r /etc/edge/gateway-settings.json)"
}

schema_version() { [ -f "$(r "$DB")" ] && release_db "$1" version || echo none; }

list_releases() {
  local cur; cur="$(current_release || true)"
  for d in "$(r "$RELEASES")"/*/; do
    [ -d "$d" ] || continue
    local v; v="$(basename "$d")"
    case "$v" in *.partial.*) continue ;; esac
    if [ "$v" = "$cur" ]; then echo "* $v"; else echo "  $v"; fi
  done
}

# switch_back PREVIOUS SCHEMA_BEFORE BACKUP: stop, restore the backup if the schema moved, point current back, start.
switch_back() {
  local prev="$1" schema_before="$2" backup="$3"
  svc stop || true
  local schema_now; schema_now="$(schema_version "$prev")"
  if [ -n "$backup" ] && [ "$schema_now" != "$schema_before" ]; then
    warn "the database schema changed ($schema_before -> $schema_now): restoring the pre-upgrade backup $backup"
    release_db "$prev" restore "$(r "$backup")"
    chown -R "$(uid_of edge):$(gid_of edge)" "$(r /var/lib/edge)"
  fi
  put_link "$RELEASES/$prev" "$CURRENT"
  svc start
}

case "$VERB" in
  list) list_releases; exit 0 ;;

  rollback)
    [ "$(id -u)" -eq 0 ] || die "run as root"
    [ -f "$(r "$STATE")" ] || die "no upgrade recorded in $STATE: nothing to roll back to"
    # shellcheck disable=SC1090
    . "$(r "$STATE")"
    [ "$(current_release)" = "$UPGRADED_TO" ] || die "current release is $(current_release), not $UPGRADED_TO (the last upgrade): roll back by hand"
    say "rolling back $UPGRADED_TO -> $UPGRADED_FROM"
    switch_back "$UPGRADED_FROM" "$SCHEMA_BEFORE" "$BACKUP"
    if wait_healthy "$HEALTH_TIMEOUT"; then say "rolled back to $UPGRADED_FROM; it is healthy"; rm -f "$(r "$STATE")"; exit 0; fi
    die "rolled back to $UPGRADED_FROM but it is not healthy either: journalctl -u edge-gateway -n 100"
    ;;
esac

# --- upgrade ---
[ "$(id -u)" -eq 0 ] || die "run as root"
[ -n "$PUBLISH_DIR" ] && [ -n "$VERSION" ] || die "--publish-dir and --version are required"
case "$VERSION" in *[!A-Za-z0-9._-]*) die "--version may only use A-Z a-z 0-9 . _ -" ;; esac
PUBLISH_DIR="$(cd "$PUBLISH_DIR" && pwd)"; MODEL_DIR="$(cd "$MODEL_DIR" && pwd)"
check_model_dir "$MODEL_DIR"
PREV="$(current_release || true)"
[ -n "$PREV" ] || die "no current release: run install.sh first"
if [ "$PREV" = "$VERSION" ]; then say "$VERSION is already current"; exit 0; fi

stage_release "$PUBLISH_DIR" "$MODEL_DIR" "$VERSION"
say "upgrading $PREV -> $VERSION"
svc stop

SCHEMA_BEFORE="$(schema_version "$PREV")"
BACKUP=""
if [ "$SCHEMA_BEFORE" != none ]; then
  out="$(release_db "$PREV" backup --to "$(r "$BACKUPS")" --label "pre-upgrade-to-$VERSION" --keep-days 14)" \
    || { svc start || true; die "the pre-upgrade backup failed; nothing was changed (the gateway was started again)"; }
  say "$out"
  written="$(printf '%s\n' "$out" | sed -n 's/^backup written: \(.*\) (schema.*/\1/p' | head -1)"
  BACKUP="${written#"$ROOT"}"
  chown -R "$(uid_of edge):$(gid_of edge)" "$(r "$BACKUPS")"
fi
printf 'UPGRADED_FROM=%q\nUPGRADED_TO=%q\nSCHEMA_BEFORE=%q\nBACKUP=%q\n' "$PREV" "$VERSION" "$SCHEMA_BEFORE" "$BACKUP" \
  | put_text "$STATE" 0644 root root

put_link "$RELEASES/$VERSION" "$CURRENT"
svc start || true
if wait_healthy "$HEALTH_TIMEOUT"; then
  say "upgraded to $VERSION (schema $SCHEMA_BEFORE -> $(schema_version "$VERSION")); pre-upgrade backup: ${BACKUP:-none}"
  say "to go back: hardware/install/upgrade.sh rollback"
  exit 0
fi

warn "$VERSION did not become healthy within $HEALTH_TIMEOUT s: rolling back to $PREV"
switch_back "$PREV" "$SCHEMA_BEFORE" "$BACKUP"
rm -f "$(r "$STATE")"
if wait_healthy "$HEALTH_TIMEOUT"; then
  warn "rolled back: $PREV is running again. The failed release stays in $RELEASES/$VERSION for diagnosis."
  exit 1
fi
die "rolled back to $PREV, but it is not healthy either: journalctl -u edge-gateway -n 100"
