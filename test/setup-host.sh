#!/usr/bin/env bash
# Installs the host packages the test suite uses (from Debian's packages), when missing:
# tmux (learner-mode tests through a pseudo-terminal), chromium (the gradebook's browser test),
# jq and curl (labs). Docker and the kind node image are prepared by test/cluster/prepare.sh.
set -euo pipefail

need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v curl >/dev/null 2>&1 || need+=(curl)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ "${#need[@]}" -eq 0 ]; then
  echo "setup-host: tmux, jq, curl and chromium present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-host: missing ${need[*]}; install them (apt-get install ${need[*]}) or run as root" >&2
  exit 2
fi
echo "setup-host: installing ${need[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
