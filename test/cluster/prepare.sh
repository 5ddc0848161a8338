#!/usr/bin/env bash
# The single entry point that readies this machine for the cluster e2e tests
# (`npm run cluster:prepare`):
#   1. a working Docker engine (docker-up.sh),
#   2. kind, built with `go install` into the cache,
#   3. a kind node image: the published one when it can be pulled, otherwise
#      one built here from source (build-node-image.sh),
#   4. kubectl,
# then writes $KUBELAB_CACHE/cluster.env (KUBELAB_NODE_IMAGE, KUBELAB_KIND,
# KUBELAB_KUBECTL, KUBELAB_PAUSE_IMAGE) and prints it. Every part is cached
# and keyed by versions: a second run is a quick no-op.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

export K8S_VERSION=${KUBELAB_K8S_VERSION:-v1.36.1}
export KIND_VERSION=${KUBELAB_KIND_VERSION:-v0.32.0}
# kind's published image for that Kubernetes version (its own default for v0.32.0).
published_image=kindest/node:$K8S_VERSION

t0=$(now_s)
mkdir -p "$KUBELAB_CACHE/bin" "$KUBELAB_CACHE/stamps"
# One prepare at a time per cache: a second one waits, then finds it all done.
exec 9> "$KUBELAB_CACHE/prepare.lock"
if ! flock -n 9; then
  log "another prepare.sh is running on $KUBELAB_CACHE: waiting for it"
  flock 9
fi
export GOFLAGS="${GOFLAGS:-} -modcacherw"

timed() { # NAME CMD...: runs CMD, logs its duration
  local name=$1 t
  shift
  t=$(now_s)
  "$@"
  log "[$name] $(fmt_duration $(($(now_s) - t)))"
}

# 1. Docker
# 9>&-: dockerd may start from here and must not inherit the lock.
timed docker bash "$here/docker-up.sh" 9>&-

# 2. kind
kind_dir=$KUBELAB_CACHE/kind-$KIND_VERSION
kind_bin=$kind_dir/kind
install_kind() {
  if [ -x "$kind_bin" ] && "$kind_bin" version 2>/dev/null | grep -q "kind $KIND_VERSION "; then
    return 0
  fi
  command -v go >/dev/null || die "Go is needed to build kind (go install sigs.k8s.io/kind@$KIND_VERSION)"
  log "[kind] go install sigs.k8s.io/kind@$KIND_VERSION"
  GOBIN=$kind_dir CGO_ENABLED=0 go install "sigs.k8s.io/kind@$KIND_VERSION"
}
timed kind install_kind

# 3. Node image, 4. kubectl
kubectl_bin=$KUBELAB_CACHE/bin/kubectl
pause_image=
node_image=
use_published_image() {
  if ! docker image inspect "$published_image" >/dev/null 2>&1; then
    log "[node] trying docker pull $published_image"
    timeout 300 docker pull -q "$published_image" >/dev/null 2>&1 || return 1
  fi
  node_image=$published_image
  # kubectl and the sandbox image name come from the image itself.
  local cid
  cid=$(docker create "$published_image")
  docker cp "$cid:/usr/bin/kubectl" "$kubectl_bin.tmp" && mv "$kubectl_bin.tmp" "$kubectl_bin"
  pause_image=$(docker cp "$cid:/etc/containerd/config.toml" - | tar -xO |
    sed -n 's/^[[:space:]]*sandbox_image = "\(.*\)"/\1/p')
  docker rm "$cid" >/dev/null
}
build_node_image() {
  node_image=$(bash "$here/build-node-image.sh" | tail -n 1)
  [ -n "$node_image" ] || die "the node image build printed no image"
  install -m 755 "$KUBELAB_CACHE/build/k8s-$K8S_VERSION/bin/kubectl" "$kubectl_bin.tmp" && mv "$kubectl_bin.tmp" "$kubectl_bin"
  pause_image=$(docker run --rm --entrypoint cat "$node_image" /etc/containerd/config.toml |
    sed -n 's/^[[:space:]]*sandbox_image = "\(.*\)"/\1/p')
}
choose_node_image() {
  # KUBELAB_NODE_SOURCE=build skips the pull; =pull refuses to build.
  case ${KUBELAB_NODE_SOURCE:-auto} in
    build) build_node_image ;;
    pull) use_published_image || die "cannot pull $published_image" ;;
    *)
      # A machine that once failed to pull goes straight to the build.
      if [ ! -f "$KUBELAB_CACHE/stamps/no-pull" ] && use_published_image; then return 0; fi
      : > "$KUBELAB_CACHE/stamps/no-pull"
      log "[node] $published_image cannot be pulled here: building the node image from source"
      build_node_image
      ;;
  esac
}
timed node choose_node_image

env_file=$KUBELAB_CACHE/cluster.env
cat > "$env_file.tmp" <<EOF
KUBELAB_NODE_IMAGE=$node_image
KUBELAB_KIND=$kind_bin
KUBELAB_KUBECTL=$kubectl_bin
KUBELAB_PAUSE_IMAGE=$pause_image
KUBELAB_K8S_VERSION=$K8S_VERSION
EOF
mv "$env_file.tmp" "$env_file"
log "wrote $env_file (total $(fmt_duration $(($(now_s) - t0))))"
cat "$env_file"
