#!/usr/bin/env bash
# Installs the host packages the test suite uses (from Debian's packages), when missing:
# tmux (learner-mode tests through a pseudo-terminal), chromium (the gradebook's browser test),
# jq and curl (labs), ssh and sshd (the node-exec e2e test copies sshd into a node container and
# runs a lab over real ssh; the host's own sshd service is not started). Docker and the kind node
# image are prepared by test/cluster/prepare.sh.
set -euo pipefail

need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v curl >/dev/null 2>&1 || need+=(curl)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)

if [ "${#need[@]}" -eq 0 ]; then
  echo "setup-host: tmux, jq, curl, chromium, ssh and sshd present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-host: missing ${need[*]}; install them (apt-get install ${need[*]}) or run as root" >&2
  exit 2
fi
echo "setup-host: installing ${need[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
# Only sshd's binary is used: keep the package from starting an ssh service on this host.
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=1
fi
trap 'if [ -n "$own_policy" ]; then rm -f "$policy"; fi' EXIT
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
