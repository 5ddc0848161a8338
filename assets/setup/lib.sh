# Shared helpers for the test-cluster scripts. Sourced, never run.
# shellcheck shell=bash

KUBELAB_CACHE=${KUBELAB_CACHE:-$HOME/.cache/kubelab}
export KUBELAB_CACHE

log() { printf '[kubelab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# now_s: seconds since the epoch, for part timings.
now_s() { date +%s; }

# fmt_duration SECONDS -> "3m07s"
fmt_duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# apt_install PKG...: installs the packages that are not installed yet.
# Waits for other apt users instead of failing on the dpkg lock.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing from Debian's packages: ${missing[*]}"
  if [ ! -e /var/lib/apt/lists/lock ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit)" ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
    { apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2; }
}

# stamp_ok NAME KEY: true when part NAME was last completed with the same KEY.
stamp_ok() { [ -f "$KUBELAB_CACHE/stamps/$1" ] && [ "$(cat "$KUBELAB_CACHE/stamps/$1")" = "$2" ]; }
stamp_set() { mkdir -p "$KUBELAB_CACHE/stamps" && printf '%s\n' "$2" > "$KUBELAB_CACHE/stamps/$1"; }
