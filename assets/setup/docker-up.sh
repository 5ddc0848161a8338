#!/usr/bin/env bash
# Makes a working Docker engine for kind: installs what is missing from
# Debian's packages, starts dockerd in the background when `docker info` does
# not answer, and waits for it. Idempotent; a no-op when dockerd already runs.
#
# On machines whose capability bounding set lacks CAP_SYS_RESOURCE (some
# sandboxes), `docker run --privileged` fails with "unable to apply caps".
# kind always runs nodes privileged, so there dockerd gets a runc wrapper as
# its default runtime that drops that one capability from every OCI spec.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

# What the engine and the node-image build need.
need=(docker.io jq debootstrap gcc libc6-dev iptables ca-certificates)
# An engine installed some other way counts.
command -v dockerd >/dev/null 2>&1 && need=("${need[@]:1}")
if [ "$(id -u)" = 0 ]; then apt_install "${need[@]}"; fi

mkdir -p "$KUBELAB_CACHE/bin"

# CAP_SYS_RESOURCE is capability 24.
lacks_sys_resource() {
  local bnd
  bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  (( (16#$bnd >> 24 & 1) == 0 ))
}

# Outside the cache: dockerd keeps using it after the cache is deleted.
wrapper_dir=/usr/local/libexec/kubelab

write_runc_wrapper() {
  local wrapper=$wrapper_dir/runc-no-sys-resource real
  mkdir -p "$wrapper_dir"
  real=$(command -v runc) || die "runc is not installed"
  cat > "$wrapper.tmp" <<WRAPPER
#!/bin/bash
# Written by kubelab setup (assets/setup/docker-up.sh). Drops CAP_SYS_RESOURCE from
# the OCI spec (create/run) or the exec process spec, since this machine's
# capability bounding set does not have it, then runs the real runc.
real=$real
WRAPPER
  cat >> "$wrapper.tmp" <<'WRAPPER'
drop='map(select(. != "CAP_SYS_RESOURCE"))'
rewrite() { # FILE JQ-FILTER
  local tmp="$1.kubelab.$$"
  /usr/bin/jq -c "$2" "$1" > "$tmp" && mv "$tmp" "$1" || rm -f "$tmp"
}
cmd= bundle=. process=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[i]}
  case $a in
    --bundle|-b) bundle=${args[i+1]} ;;
    --bundle=*) bundle=${a#*=} ;;
    --process|-p) process=${args[i+1]} ;;
    --process=*) process=${a#*=} ;;
    create|run|exec) [ -z "$cmd" ] && cmd=$a ;;
  esac
done
case $cmd in
  create|run)
    [ -f "$bundle/config.json" ] &&
      rewrite "$bundle/config.json" "if .process.capabilities then .process.capabilities |= with_entries(.value |= (if type == \"array\" then $drop else . end)) else . end" ;;
  exec)
    [ -n "$process" ] && [ -f "$process" ] &&
      rewrite "$process" "if .capabilities then .capabilities |= with_entries(.value |= (if type == \"array\" then $drop else . end)) else . end" ;;
esac
exec "$real" "$@"
WRAPPER
  chmod 755 "$wrapper.tmp" && mv "$wrapper.tmp" "$wrapper"
  printf '%s\n' "$wrapper"
}

if docker info >/dev/null 2>&1; then
  log "dockerd already answers"
  exit 0
fi
[ "$(id -u)" = 0 ] || die "dockerd is not running and starting it needs root"

args=()
if lacks_sys_resource; then
  wrapper=$(write_runc_wrapper)
  log "CAP_SYS_RESOURCE is not in the bounding set: dockerd gets the runc wrapper $wrapper"
  args+=(--add-runtime "kubelab-runc=$wrapper" --default-runtime kubelab-runc)
fi

log "starting dockerd (log: $KUBELAB_CACHE/dockerd.log)"
# dockerd must outlive this script, and gets only fds 0-2: an inherited lock
# or pipe would stay held for as long as dockerd runs.
(
  for fd in /proc/self/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec setsid nohup dockerd "${args[@]}" >> "$KUBELAB_CACHE/dockerd.log" 2>&1 < /dev/null
) &

for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then
    log "dockerd answers ($(docker info --format '{{.Driver}}, cgroup v{{.CgroupVersion}}, {{.CgroupDriver}}'))"
    exit 0
  fi
  sleep 0.5
done
tail -n 20 "$KUBELAB_CACHE/dockerd.log" >&2
die "dockerd did not answer within 60 s"
