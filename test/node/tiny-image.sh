#!/usr/bin/env bash
# Builds `kubelab-test-tiny:1`, a small image made of this host's own sh, coreutils and their
# libraries (no registry needed), for testing node access over docker exec. Idempotent.
set -euo pipefail
image=${1:-kubelab-test-tiny:1}
docker image inspect "$image" >/dev/null 2>&1 && exit 0
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
bins=(sh bash cat cp mv rm mkdir mktemp chmod chown dirname stat sleep sha256sum id ls touch tail true false env)
for b in "${bins[@]}"; do
  p=$(type -P "$b")
  p=$(readlink -f "$p")
  mkdir -p "$root/usr/bin"
  cp "$p" "$root/usr/bin/$b"
  ldd "$p" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -nL "$lib" "$root$lib"
  done
done
ln -s usr/bin "$root/bin"
mkdir -p "$root/etc" "$root/tmp" "$root/etc/demo"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
tar -C "$root" -c . | docker import --change 'CMD ["/usr/bin/sleep","infinity"]' - "$image" >/dev/null
