# Shared helpers for install.sh and upgrade.sh (sourced, not run).
#
# Every write goes through put_file / put_text / put_dir / put_link, which compare content, mode and
# numeric owner with what is there and only write when something differs. That is what makes the
# scripts safe to re-run: a second run with the same inputs changes nothing (tests/Edge.Install.Tests
# checks it with a manifest of the whole root).
#
# ROOT is the target root ("" for the real system, or a scratch directory). Owners are resolved in the
# target root's /etc/passwd and /etc/group, never the host's, so a scratch root gets the ids its own
# account database gives them.

ROOT="${ROOT:-}"
CHANGED=0
declare -a CHANGED_PATHS=()

say()  { printf '[edge-install] %s\n' "$*"; }
warn() { printf '[edge-install] WARNING: %s\n' "$*" >&2; }
die()  { printf '[edge-install] error: %s\n' "$*" >&2; exit 1; }

is_scratch() { [ -n "$ROOT" ]; }

# The path inside the target root.
r() { printf '%s%s' "$ROOT" "$1"; }

# Numeric id of a user or group in the target root.
uid_of() {
  local id
  id="$(awk -F: -v n="$1" '$1 == n { print $3; exit }' "$(r /etc/passwd)" 2>/dev/null)"
  [ -n "$id" ] || die "user '$1' does not exist in $(r /etc/passwd)"
  printf '%s' "$id"
}
gid_of() {
  local id
  id="$(awk -F: -v n="$1" '$1 == n { print $3; exit }' "$(r /etc/group)" 2>/dev/null)"
  [ -n "$id" ] || die "group '$1' does not exist in $(r /etc/group)"
  printf '%s' "$id"
}
has_user() { awk -F: -v n="$1" '$1 == n { f = 1 } END { exit !f }' "$(r /etc/passwd)" 2>/dev/null; }

mark_changed() {
  CHANGED=$((CHANGED + 1))
  CHANGED_PATHS+=("$1")
  say "changed: $1"
}

# put_file SRC DEST MODE OWNER GROUP  (DEST is a target path like /etc/edge/x)
put_file() {
  local src="$1" dest="$2" mode="$3" owner="$4" group="$5" full
  full="$(r "$dest")"
  local uid gid
  uid="$(uid_of "$owner")"; gid="$(gid_of "$group")"
  if [ -f "$full" ] && [ ! -L "$full" ] && cmp -s "$src" "$full" \
     && [ "$(stat -c '%a %u %g' "$full")" = "$(printf '%o' "0$mode") $uid $gid" ]; then
    return 0
  fi
  mkdir -p "$(dirname "$full")"
  # Write beside it and rename: a reader never sees half a file, and the mode is right from the start.
  local tmp="$full.edge-install.$$"
  install -m "$mode" -o "$uid" -g "$gid" "$src" "$tmp"
  mv -f "$tmp" "$full"
  mark_changed "$dest"
}

# put_text DEST MODE OWNER GROUP < content
put_text() {
  local tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  put_file "$tmp" "$@"
  rm -f "$tmp"
}

# put_dir DEST MODE OWNER GROUP
put_dir() {
  local dest="$1" mode="$2" full uid gid
  full="$(r "$dest")"
  uid="$(uid_of "$3")"; gid="$(gid_of "$4")"
  if [ -d "$full" ] && [ "$(stat -c '%a %u %g' "$full")" = "$(printf '%o' "0$mode") $uid $gid" ]; then
    return 0
  fi
  mkdir -p "$full"
  chown "$uid:$gid" "$full"
  chmod "$mode" "$full"
  mark_changed "$dest/"
}

# put_link TARGET LINK  (both target paths; the link is replaced atomically)
put_link() {
  local target="$1" link="$2" full
  full="$(r "$link")"
  if [ -L "$full" ] && [ "$(readlink "$full")" = "$target" ]; then
    return 0
  fi
  mkdir -p "$(dirname "$full")"
  ln -sfn "$target" "$full.edge-install.$$"
  mv -Tf "$full.edge-install.$$" "$full"
  mark_changed "$link -> $target"
}

# Content hash of a folder (paths and bytes), for release names and for "is this the same release?".
tree_hash() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-64
}

# ELF machine of a file: aarch64, x86_64, arm or unknown.
elf_machine() {
  local m
  m="$(od -An -t x1 -j 18 -N 2 "$1" 2>/dev/null | tr -d ' \n')"
  case "$m" in
    b700) echo aarch64 ;; 3e00) echo x86_64 ;; 2800) echo arm ;; *) echo unknown ;;
  esac
}

RELEASES=/opt/edge/releases
CURRENT=/opt/edge/current

# stage_release PUBLISH_DIR MODEL_DIR VERSION: /opt/edge/releases/VERSION with gateway/, model/ and the
# edge-gateway launcher. An existing release with the same content is left alone; one with different
# content under the same name is refused (a version names one build, forever).
stage_release() {
  local publish="$1" model="$2" version="$3"
  local dest; dest="$(r "$RELEASES/$version")"
  local hash
  hash="$( { tree_hash "$publish"; tree_hash "$model"; } | sha256sum | cut -c1-64)"
  if [ -d "$dest" ]; then
    [ "$(cat "$dest/.content-sha256" 2>/dev/null)" = "$hash" ] \
      || die "release $version already exists with different content; give this build another --version"
    return 0
  fi

  local exe launcher
  if [ -x "$publish/Edge.Gateway" ]; then
    exe="$RELEASES/$version/gateway/Edge.Gateway"
    launcher="exec \"$exe\" \"\$@\""
  elif [ -f "$publish/Edge.Gateway.dll" ]; then
    # A portable framework-dependent build has no apphost: run it with the shared runtime.
    launcher="exec /usr/bin/dotnet \"$RELEASES/$version/gateway/Edge.Gateway.dll\" \"\$@\""
  else
    die "$publish holds no Edge.Gateway (apphost) or Edge.Gateway.dll: is it a 'dotnet publish' output of edge-gateway/src/Edge.Gateway?"
  fi

  local partial="$dest.partial.$$"
  rm -rf "$partial"
  mkdir -p "$partial/gateway" "$partial/model"
  cp -R "$publish/." "$partial/gateway/"
  local f
  for f in manifest.json MODEL-CARD.md $(model_files "$model"); do
    [ -f "$model/$f" ] && cp "$model/$f" "$partial/model/"
  done
  cat >"$partial/edge-gateway" <<EOF
#!/bin/sh
# Starts the gateway of release $version (written by hardware/install). exec: the gateway itself is
# systemd's main process, so its sd_notify messages (READY, WATCHDOG) are accepted.
$launcher
EOF
  printf '%s\n' "$hash" >"$partial/.content-sha256"
  chmod 0755 "$partial/edge-gateway"
  chown -R 0:0 "$partial"
  chmod -R u+rwX,go+rX,go-w "$partial"
  mv -T "$partial" "$dest"
  mark_changed "$RELEASES/$version/"
}

# The model files a fall-model folder's manifest names ("modelFile": one per detection path).
model_files() {
  sed -n 's/.*"modelFile": *"\([A-Za-z0-9._-]\{1,64\}\)".*/\1/p' "$1/manifest.json"
}

# Dies unless DIR is a fall-model folder: manifest.json and every model file it names.
check_model_dir() {
  local dir="$1" f names
  [ -f "$dir/manifest.json" ] || die "$dir is not a model folder (no manifest.json)"
  names="$(model_files "$dir")"
  [ -n "$names" ] || die "$dir/manifest.json names no model file (\"modelFile\"): is it a model folder from './edge train'?"
  for f in $names; do
    [ -f "$dir/$f" ] || die "$dir is not a complete model folder: $f, named in its manifest.json, is missing"
  done
}

# The release `current` points at, or "" (just the version name).
current_release() {
  local t
  t="$(readlink "$(r "$CURRENT")" 2>/dev/null || true)"
  [ -n "$t" ] && basename "$t"
}

# Service control: on the real system systemctl; in a scratch root the --service-cmd program (tests),
# else nothing (a scratch root has no running services).
SERVICE_CMD="${SERVICE_CMD:-}"
svc() {
  local action="$1"
  if ! is_scratch; then
    case "$action" in
      stop)   systemctl stop edge-gateway.service ;;
      start)  systemctl start edge-gateway.service ;;
      health) gateway_healthy ;;
    esac
  elif [ -n "$SERVICE_CMD" ]; then
    "$SERVICE_CMD" "$action"
  else
    [ "$action" != health ] || { warn "scratch root without --service-cmd: no health check possible"; return 0; }
  fi
}

# The gateway is healthy when systemd says active (after READY=1) and the loopback status endpoint answers.
gateway_healthy() {
  systemctl is-active --quiet edge-gateway.service || return 1
  local port
  port="$(sed -n 's/^EDGE_Diagnostics__HttpPort=//p' /etc/edge/gateway.local.env /etc/edge/gateway.env 2>/dev/null | head -1)"
  [ -n "$port" ] && [ "$port" != 0 ] || return 0
  http_ok 127.0.0.1 "$port" /api/devices
}

# http_ok HOST PORT PATH: a GET that returns 200, with bash's /dev/tcp (no curl needed).
http_ok() {
  local line
  exec 3<>"/dev/tcp/$1/$2" 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$3" "$1" >&3
  IFS= read -r -t 5 line <&3 || line=""
  exec 3<&- 3>&-
  case "$line" in "HTTP/1."?" 200"*) return 0 ;; *) return 1 ;; esac
}

# Polls `svc health` every second for up to $1 seconds.
wait_healthy() {
  local deadline=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if svc health >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  return 1
}
