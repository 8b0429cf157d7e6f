#!/usr/bin/env bash
# Installs (or re-applies) the edge gateway on a Raspberry Pi OS / Debian 12 machine:
#   system user `edge`, Mosquitto configured from `edge provision init site`, the gateway as the systemd
#   service edge-gateway.service (Type=notify, watchdog, restart on failure, hardening), daily database
#   backups (edge-backup.timer), journald limits, the ESPA serial adapter's udev rule, and a time-sync check.
#
# Safe to re-run: every file is compared first and only written when it differs; services are only
# restarted when something they read changed. With --root DIR it installs into a scratch root instead
# of this machine (no apt, no systemctl except `systemctl --root` for enabling, nothing started).
#
#   sudo hardware/install/install.sh --site-dir /srv/edge/oakhouse --publish-dir ./publish/gateway-linux-arm64 \
#        [--site-file site-registry.json] [--model-dir models/fall-model] [--version 2026.11.1]
#
# See hardware/README.md (the technician's guide) for the whole afternoon.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

usage() {
  cat <<EOF
usage: install.sh --site-dir DIR --publish-dir DIR [options]

  --site-dir DIR       the site folder written by 'edge provision init site' (broker/, ca/, gateway/, ...)
  --publish-dir DIR    the gateway release: ./edge publish --arch arm64 (./edge install defaults it to publish/gateway-linux-ARCH)
  --model-dir DIR      the fall model folder (default: $REPO/models/fall-model)
  --site-file FILE     the gateway's site file (residents, rooms, devices, staff; edge-gateway/README.md);
                       imported at every gateway start (Registry:SeedFile)
  --version NAME       release name under /opt/edge/releases (default: build-<content hash>)
  --http-port N        loopback port of the gateway's status endpoint, used by upgrade health checks (default 8787)
  --root DIR           install into DIR instead of / (a scratch root for tests; nothing is started)
  --no-apt             do not install Debian packages (they must already be there)
  --no-start           install and enable, but do not start or restart anything
EOF
}

SITE_DIR="" PUBLISH_DIR="" MODEL_DIR="$REPO/models/fall-model" SITE_FILE="" VERSION="" HTTP_PORT=8787
NO_APT=0 NO_START=0
while [ $# -gt 0 ]; do
  case "$1" in
    --site-dir) SITE_DIR="$2"; shift 2 ;;
    --publish-dir) PUBLISH_DIR="$2"; shift 2 ;;
    --model-dir) MODEL_DIR="$2"; shift 2 ;;
    --site-file) SITE_FILE="$2"; shift 2 ;;
    --version) VERSION="$2"; shift 2 ;;
    --http-port) HTTP_PORT="$2"; shift 2 ;;
    --root) ROOT="$(cd "$2" && pwd)"; [ "$ROOT" != / ] || ROOT=""; shift 2 ;;
    --no-apt) NO_APT=1; shift ;;
    --no-start) NO_START=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run as root (sudo): it creates a system user and writes /etc, /opt and /var/lib"
[ -n "$SITE_DIR" ] && [ -n "$PUBLISH_DIR" ] || { usage >&2; die "--site-dir and --publish-dir are required"; }
SITE_DIR="$(cd "$SITE_DIR" && pwd)"; PUBLISH_DIR="$(cd "$PUBLISH_DIR" && pwd)"; MODEL_DIR="$(cd "$MODEL_DIR" && pwd)"
is_scratch && say "installing into the scratch root $ROOT (nothing on this machine is touched)"

# --- 1. Check the inputs before changing anything --------------------------------------------------
for f in broker/mosquitto.conf broker/passwd broker/acl broker/server.crt broker/server.key ca/ca.crt \
         gateway/gateway-settings.json staff/staff.json policy/escalation.json site.json; do
  [ -f "$SITE_DIR/$f" ] || die "$SITE_DIR/$f is missing: is $SITE_DIR a site folder from 'edge provision init site'?"
done
check_model_dir "$MODEL_DIR"
[ -z "$SITE_FILE" ] || [ -f "$SITE_FILE" ] || die "--site-file $SITE_FILE does not exist"
SITE_ID="$(sed -n 's/^ *"Id": *"\([A-Za-z0-9_-]\{1,32\}\)".*/\1/p' "$SITE_DIR/gateway/gateway-settings.json" | head -1)"
[ -n "$SITE_ID" ] || die "no Site.Id in $SITE_DIR/gateway/gateway-settings.json"
case "$HTTP_PORT" in ''|*[!0-9]*) die "--http-port must be a number" ;; esac

if [ -x "$PUBLISH_DIR/Edge.Gateway" ]; then
  ARCH="$(elf_machine "$PUBLISH_DIR/Edge.Gateway")"
  if ! is_scratch && [ "$ARCH" != "$(uname -m)" ]; then
    die "$PUBLISH_DIR was built for $ARCH but this machine is $(uname -m): publish with -r linux-arm64 for a Raspberry Pi"
  fi
  say "gateway build: $ARCH, $([ -f "$PUBLISH_DIR/libcoreclr.so" ] && echo self-contained || echo framework-dependent)"
fi
if [ ! -f "$PUBLISH_DIR/libcoreclr.so" ] && ! is_scratch; then
  # Framework-dependent: the .NET and ASP.NET Core runtimes must be on the machine.
  command -v dotnet >/dev/null 2>&1 && dotnet --list-runtimes 2>/dev/null | grep -q '^Microsoft.AspNetCore.App 10\.' \
    || die "a framework-dependent build needs the .NET 10 runtimes (Microsoft.NETCore.App and Microsoft.AspNetCore.App); install them or publish --self-contained"
fi

# --- 2. Debian packages -----------------------------------------------------------------------------
APT=(mosquitto)
if ! is_scratch && [ "$NO_APT" -eq 0 ]; then
  missing=()
  for p in "${APT[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi
[ -f "$(r /etc/mosquitto/mosquitto.conf)" ] || die "$(r /etc/mosquitto/mosquitto.conf) is missing: install the mosquitto package (${APT[*]})"
grep -q '^include_dir /etc/mosquitto/conf.d' "$(r /etc/mosquitto/mosquitto.conf)" \
  || die "$(r /etc/mosquitto/mosquitto.conf) has no 'include_dir /etc/mosquitto/conf.d' (Debian's default has it): the site's broker settings would not be read"
has_user mosquitto || die "no 'mosquitto' user in $(r /etc/passwd): install the mosquitto package"

# --- 3. The system user (systemd-sysusers, from files/sysusers.d/edge.conf) ------------------------------
put_file "$HERE/files/sysusers.d/edge.conf" /usr/lib/sysusers.d/edge.conf 0644 root root
if ! has_user edge; then
  if is_scratch; then systemd-sysusers --root="$ROOT" "$ROOT/usr/lib/sysusers.d/edge.conf"; else systemd-sysusers /usr/lib/sysusers.d/edge.conf; fi
  has_user edge || die "systemd-sysusers did not create the 'edge' user"
  mark_changed "user edge"
fi
put_file "$HERE/files/tmpfiles.d/edge.conf" /usr/lib/tmpfiles.d/edge.conf 0644 root root
put_dir /var/lib/edge 0750 edge edge
put_dir /var/lib/edge/backups 0750 edge edge

# --- 4. Mosquitto from the site folder ---------------------------------------------------------------
BROKER_BEFORE=$CHANGED
put_dir /etc/mosquitto/edge 0750 mosquitto mosquitto
put_file "$SITE_DIR/ca/ca.crt"         /etc/mosquitto/edge/ca.crt     0644 root root
put_file "$SITE_DIR/broker/server.crt" /etc/mosquitto/edge/server.crt 0644 root root
put_file "$SITE_DIR/broker/server.key" /etc/mosquitto/edge/server.key 0600 mosquitto mosquitto
put_file "$SITE_DIR/broker/passwd"     /etc/mosquitto/edge/passwd     0600 mosquitto mosquitto
put_file "$SITE_DIR/broker/acl"        /etc/mosquitto/edge/acl        0600 mosquitto mosquitto
# The provisioned mosquitto.conf names files in the site folder; the installed copy names the copies
# above. Debian's main file already sets persistence and its location (/var/lib/mosquitto/).
{
  echo "# Site '$SITE_ID' broker settings, written by hardware/install/install.sh from"
  echo "# $SITE_DIR/broker/mosquitto.conf (paths rewritten to /etc/mosquitto/edge/). Do not edit: re-run install.sh"
  echo "# after 'edge provision add/replace/retire device'. Persistence comes from /etc/mosquitto/mosquitto.conf."
  sed -e 's#^password_file .*#password_file /etc/mosquitto/edge/passwd#' \
      -e 's#^acl_file .*#acl_file /etc/mosquitto/edge/acl#' \
      -e 's#^cafile .*#cafile /etc/mosquitto/edge/ca.crt#' \
      -e 's#^certfile .*#certfile /etc/mosquitto/edge/server.crt#' \
      -e 's#^keyfile .*#keyfile /etc/mosquitto/edge/server.key#' \
      -e '/^persistence_location /d' -e '/^persistence true/d' \
      "$SITE_DIR/broker/mosquitto.conf"
} | put_text /etc/mosquitto/conf.d/edge.conf 0644 root root
BROKER_CHANGED=$((CHANGED - BROKER_BEFORE))
if [ -f "$(r /etc/systemd/system/mosquitto.service.d/override.conf)" ] && grep -q 'ExecStart=.*mosquitto -c' "$(r /etc/systemd/system/mosquitto.service.d/override.conf)"; then
  warn "mosquitto.service has an ExecStart override (the provision README's manual step); remove it ('systemctl revert mosquitto') so the broker uses /etc/mosquitto/conf.d/edge.conf"
fi

# --- 5. The gateway release and its configuration -----------------------------------------------------
GW_BEFORE=$CHANGED
[ -n "$VERSION" ] || VERSION="build-$( { tree_hash "$PUBLISH_DIR"; tree_hash "$MODEL_DIR"; } | sha256sum | cut -c1-12)"
case "$VERSION" in *[!A-Za-z0-9._-]*|'') die "--version may only use A-Z a-z 0-9 . _ -" ;; esac
put_dir /opt/edge 0755 root root
put_dir "$RELEASES" 0755 root root
stage_release "$PUBLISH_DIR" "$MODEL_DIR" "$VERSION"
now_current="$(current_release || true)"
if [ -z "$now_current" ]; then
  put_link "$RELEASES/$VERSION" "$CURRENT"
elif [ "$now_current" != "$VERSION" ]; then
  warn "release $now_current is current; $VERSION was staged but not switched to: use hardware/install/upgrade.sh to change releases (backup, health check, rollback)"
fi

put_dir /etc/edge 0750 root edge
put_file "$SITE_DIR/gateway/gateway-settings.json" /etc/edge/gateway-settings.json 0640 root edge
put_file "$SITE_DIR/ca/ca.crt"                      /etc/edge/ca.crt                0644 root root
put_file "$SITE_DIR/staff/staff.json"               /etc/edge/staff.json            0640 root edge
put_file "$SITE_DIR/policy/escalation.json"         /etc/edge/escalation.json       0644 root root
put_file "$SITE_DIR/site.json"                      /etc/edge/site.json             0640 root edge
[ -z "$SITE_FILE" ] || put_file "$SITE_FILE"        /etc/edge/site-registry.json    0640 root edge
{
  echo "# Written by hardware/install/install.sh; re-running it rewrites this file. Local settings go in"
  echo "# /etc/edge/gateway.local.env (read after this one). Secrets are in gateway-settings.json (--config)."
  echo "EDGE_Ingest__SiteId=$SITE_ID"
  echo "EDGE_Storage__DatabasePath=/var/lib/edge/edge-gateway.db"
  echo "EDGE_Detection__ModelDirectory=$CURRENT/model"
  echo "EDGE_Mqtt__Tls__CaFile=/etc/edge/ca.crt"
  echo "EDGE_Diagnostics__HttpPort=$HTTP_PORT"
  echo "EDGE_Site__Directory=/etc/edge"
  echo "EDGE_Site__StaffStore=/etc/edge/staff.json"
  echo "EDGE_Site__EscalationPolicy=/etc/edge/escalation.json"
  echo "EDGE_Site__Inventory=/etc/edge/site.json"
  echo "EDGE_Commissioning__SelfTestEnabled=true"
  [ -z "$SITE_FILE" ] || echo "EDGE_Registry__SeedFile=/etc/edge/site-registry.json"
} | put_text /etc/edge/gateway.env 0644 root root

for unit in edge-gateway.service edge-backup.service edge-backup.timer; do
  put_file "$HERE/files/systemd/$unit" "/etc/systemd/system/$unit" 0644 root root
done
GW_CHANGED=$((CHANGED - GW_BEFORE))

# --- 6. journald limits and the ESPA adapter's udev rule ---------------------------------------------
J_BEFORE=$CHANGED
put_file "$HERE/files/journald/edge.conf" /etc/systemd/journald.conf.d/edge.conf 0644 root root
J_CHANGED=$((CHANGED - J_BEFORE))
U_BEFORE=$CHANGED
put_file "$HERE/files/udev/99-edge-espa.rules" /etc/udev/rules.d/99-edge-espa.rules 0644 root root
U_CHANGED=$((CHANGED - U_BEFORE))

# --- 7. Time sync: incidents carry wall-clock times -------------------------------------------------
if is_scratch; then
  if [ -e "$(r /etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service)" ] \
     || [ -e "$(r /etc/systemd/system/multi-user.target.wants/chrony.service)" ]; then
    say "time sync: enabled in the root (systemd-timesyncd or chrony)"
  elif [ -e "$(r /lib/systemd/system/systemd-timesyncd.service)" ] || [ -e "$(r /usr/lib/systemd/system/systemd-timesyncd.service)" ] \
       || [ -e "$(r /lib/systemd/system/chrony.service)" ] || [ -e "$(r /usr/lib/systemd/system/chrony.service)" ]; then
    warn "time sync is installed in the root but not enabled: systemctl enable systemd-timesyncd (or chrony)"
  else
    warn "no time sync in the root (systemd-timesyncd or chrony): install one; a Pi has no battery-backed clock"
  fi
else
  synced="$(timedatectl show -p NTPSynchronized --value 2>/dev/null || echo unknown)"
  ntp="$(timedatectl show -p NTP --value 2>/dev/null || echo unknown)"
  if [ "$synced" = yes ]; then
    say "time sync: synchronised"
  else
    warn "the clock is not synchronised (NTPSynchronized=$synced, NTP=$ntp): check 'timedatectl timesync-status' and that the gateway reaches an NTP server; a Pi has no battery-backed clock"
  fi
fi

# --- 8. Apply: enable, (re)start what changed ---------------------------------------------------------
if is_scratch; then
  systemctl --root="$ROOT" enable edge-gateway.service edge-backup.timer >/dev/null 2>&1 \
    || die "systemctl --root=$ROOT enable failed"
else
  systemctl daemon-reload
  systemd-tmpfiles --create /usr/lib/tmpfiles.d/edge.conf
  [ "$U_CHANGED" -eq 0 ] || { udevadm control --reload; udevadm trigger --subsystem-match=tty --action=add; }
  [ "$J_CHANGED" -eq 0 ] || systemctl restart systemd-journald
  systemctl enable --quiet mosquitto.service edge-gateway.service edge-backup.timer
  if [ "$NO_START" -eq 0 ]; then
    if [ "$BROKER_CHANGED" -gt 0 ]; then systemctl restart mosquitto.service; else systemctl start mosquitto.service; fi
    if [ "$GW_CHANGED" -gt 0 ] || [ "$BROKER_CHANGED" -gt 0 ]; then systemctl restart edge-gateway.service; else systemctl start edge-gateway.service; fi
    systemctl start edge-backup.timer
    if wait_healthy 90; then say "edge-gateway is running and answering on 127.0.0.1:$HTTP_PORT"
    else warn "edge-gateway did not become healthy in 90 s: journalctl -u edge-gateway -n 50"; exit 1; fi
  fi
fi

say "site $SITE_ID, release $(current_release): $CHANGED change(s)"
