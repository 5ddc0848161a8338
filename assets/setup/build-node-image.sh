#!/usr/bin/env bash
# Builds a kind node image with no container registry: every binary comes from
# the Go module proxy (compiled here) or Debian's packages, every image is made
# with the local dockerd. Called by prepare.sh; prints the image ref on stdout.
#
# Parts (each cached under $KUBELAB_CACHE, keyed by its inputs):
#   k8s      kubeadm kubelet kubectl kube-{apiserver,controller-manager,scheduler,proxy}
#            from k8s.io/kubernetes, one `go build` (the long pole: started first,
#            in the background)
#   etcd     etcd server from go.etcd.io/etcd/server/v3
#   coredns  CoreDNS with only the plugins kubeadm's Corefile uses
#   crictl   from sigs.k8s.io/cri-tools, the version kind's base image uses
#   pause    build/pause/linux/pause.c from the kubernetes module, static
#   rootfs   two debootstrap'd Debian bookworm trees: the node, and a slim base
#            for the component images (iptables, conntrack, iproute2, jq)
#   images   component images tagged with the names kubeadm asks for
#   node     the node image: kind's base files, our binaries, the component
#            images imported (not unpacked) into the node's containerd
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

K8S_VERSION=${K8S_VERSION:?}
KIND_VERSION=${KIND_VERSION:?}
SUITE=bookworm
K8S_STAGING_VERSION=v0.${K8S_VERSION#v1.}

export GOFLAGS="${GOFLAGS:-} -modcacherw"
export CGO_ENABLED=0
export DOCKER_BUILDKIT=0
GO_VERSION=$(go env GOVERSION)
GOMODCACHE=$(go env GOMODCACHE)
build=$KUBELAB_CACHE/build
mkdir -p "$build" "$KUBELAB_CACHE/logs"

part_start() { eval "t_${1//-/_}=\$(now_s)"; log "[$1] $2"; }
part_end() { local v="t_${1//-/_}"; log "[$1] done in $(fmt_duration $(($(now_s) - ${!v})))${2:+ ($2)}"; }

# sha of files and strings, for cache keys.
key_of() { { for a in "$@"; do if [ -f "$a" ]; then cat "$a"; else printf '%s\n' "$a"; fi; done; } | sha256sum | cut -c1-10; }

module_dir() { # MODULE VERSION -> its directory in the module cache (downloads it)
  (cd "$build" && go mod download -json "$1@$2" | jq -er .Dir)
}

# ---------------------------------------------------------------- k8s
k8s_out=$build/k8s-$K8S_VERSION
k8s_cmds=(kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy)
k8s_key=$(key_of "$K8S_VERSION" "$GO_VERSION" "${k8s_cmds[*]}")

k8s_build() {
  local kmod src ldflags p date
  kmod=$(module_dir k8s.io/kubernetes "$K8S_VERSION")
  src=$k8s_out/src
  mkdir -p "$src" "$k8s_out/bin"
  # k8s.io/kubernetes replaces its staging modules with ./staging paths, which
  # only hold inside its own repository. A helper main module that replaces
  # each of them with the published k8s.io/<name> v0.x of the same release
  # builds the same code. The list comes from the module's own go.mod.
  {
    printf 'module kubelab.local/k8s-build\n\ngo %s\n\n' "$(awk '/^go /{print $2; exit}' "$kmod/go.mod")"
    grep -m1 '^godebug ' "$kmod/go.mod" || true
    printf '\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
    awk -v v="$K8S_STAGING_VERSION" '$2 == "=>" && $3 ~ /^\.\/staging\// {print "\t" $1 " => " $1 " " v}' "$kmod/go.mod"
    printf ')\n'
  } > "$src/go.mod"
  date=$(jq -r .Time "$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$K8S_VERSION.info")
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  ldflags="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    # The module proxy carries no commit id, so gitCommit stays empty.
    ldflags+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ldflags+=" -X $p.gitCommit= -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  (cd "$src" && go build -mod=mod -trimpath -ldflags "$ldflags" -o "$k8s_out/bin/" \
    "${k8s_cmds[@]/#/k8s.io/kubernetes/cmd/}")
  "$k8s_out/bin/kubeadm" version -o short | grep -qx "$K8S_VERSION" || die "kubeadm does not report $K8S_VERSION"
}

# The versions kubeadm pins, read from its source so that etcd and CoreDNS can
# be built while kubeadm itself is still compiling. Checked against
# `kubeadm config images list` once kubeadm exists.
kubeadm_constant() { # NAME
  local kmod
  kmod=$(module_dir k8s.io/kubernetes "$K8S_VERSION")
  sed -n "s/^[[:space:]]*$1 = \"\(.*\)\"/\1/p" "$kmod/cmd/kubeadm/app/constants/constants.go" | head -n1
}

# ---------------------------------------------------------------- etcd, coredns
go_helper_build() { # NAME MODULE VERSION MAIN_DIR OUT_BINARY
  local name=$1 module=$2 version=$3 main=$4 out=$5 src
  src=$(dirname "$out")/src
  mkdir -p "$src"
  cp "$main/main.go" "$src/main.go"
  printf 'module kubelab.local/%s\n\ngo 1.26.0\n\nrequire %s %s\n' "$name" "$module" "$version" > "$src/go.mod"
  (cd "$src" && go build -mod=mod -trimpath -ldflags "-s -w" -o "$out" .)
}

# ---------------------------------------------------------------- rootfs
debian_mirror() {
  # The machine's own apt source for Debian's main archive.
  local m=
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  [ -n "$m" ] || m=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null)
  [ -n "$m" ] || die "cannot find Debian's archive in the apt sources"
  printf '%s\n' "$m"
}

# Packages of the node: what kind's images/base/Dockerfile installs (less
# nfs-common, open-iscsi and fuse-overlayfs: storage and rootless extras), plus
# containerd, runc and the CNI plugins that kind builds itself.
node_packages=(systemd dbus conntrack iptables nftables iproute2 ethtool util-linux mount kmod
  libseccomp2 pigz e2fsprogs bash ca-certificates curl jq procps
  containerd runc containernetworking-plugins socat ebtables iputils-ping)
base_packages=(iptables nftables conntrack iproute2 jq ca-certificates)

debootstrap_tar() { # NAME OUT_TAR PACKAGES...
  local name=$1 out=$2 dir
  shift 2
  dir=$build/rootfs-$name.tmp
  rm -rf "$dir"
  debootstrap --variant=minbase --include="$(IFS=,; echo "$*")" "$SUITE" "$dir" "$(debian_mirror)" \
    > "$KUBELAB_CACHE/logs/debootstrap-$name.log" 2>&1 ||
    { tail -n 20 "$KUBELAB_CACHE/logs/debootstrap-$name.log" >&2; die "debootstrap $name failed"; }
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* \
    "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/*
  : > "$dir/etc/machine-id"
  tar -C "$dir" --numeric-owner -cf "$out.tmp" . && mv "$out.tmp" "$out"
  rm -rf "$dir"
}

# ---------------------------------------------------------------- images
docker_build() { # TAG CONTEXT: the legacy builder's output goes to a log, shown on failure
  if ! docker build -q -t "$1" "$2" > "$KUBELAB_CACHE/logs/docker-build.log" 2>&1; then
    cat "$KUBELAB_CACHE/logs/docker-build.log" >&2
    die "docker build of $1 failed"
  fi
}

save_image() { # OUT_TAR REF...
  local out=$1; shift
  docker save -o "$out.tmp" "$@" && mv "$out.tmp" "$out"
}

main() {
  local t_total node_key node_tag kmod kindmod etcd_tag coredns_tag pause_ver
  t_total=$(now_s)

  kmod=$(module_dir k8s.io/kubernetes "$K8S_VERSION")
  kindmod=$(module_dir sigs.k8s.io/kind "$KIND_VERSION")
  etcd_tag=$(kubeadm_constant DefaultEtcdVersion)      # e.g. 3.6.8-0
  coredns_tag=$(kubeadm_constant CoreDNSVersion)       # e.g. v1.14.2
  pause_ver=$(kubeadm_constant PauseVersion)           # e.g. 3.10.2
  [ -n "$etcd_tag" ] && [ -n "$coredns_tag" ] && [ -n "$pause_ver" ] || die "cannot read kubeadm's pinned versions"
  local etcd_version=v${etcd_tag%-*}

  # The long pole first, in the background.
  local k8s_pid=
  if stamp_ok k8s "$k8s_key" && [ -x "$k8s_out/bin/kube-apiserver" ]; then
    log "[k8s] cached: $k8s_out/bin"
  else
    part_start k8s "go build of ${k8s_cmds[*]} $K8S_VERSION (log: $KUBELAB_CACHE/logs/k8s-build.log)"
    ( k8s_build > "$KUBELAB_CACHE/logs/k8s-build.log" 2>&1 ) &
    k8s_pid=$!
  fi

  # etcd and CoreDNS next, also in the background, one after the other.
  local etcd_out=$build/etcd-$etcd_version/etcd coredns_out=$build/coredns-$coredns_tag/coredns
  local etcd_key coredns_key side_pid=
  etcd_key=$(key_of "$etcd_version" "$GO_VERSION" "$here/images/etcd/main.go")
  # crictl: the version kind's base image builds (`kind load` runs crictl in the nodes).
  local crictl_version crictl_out crictl_key
  crictl_version=$(sed -n 's/^ARG CRICTL_VERSION="\(.*\)"/\1/p' "$kindmod/images/base/Dockerfile")
  [ -n "$crictl_version" ] || die "cannot read CRICTL_VERSION from kind's images/base/Dockerfile"
  crictl_out=$build/crictl-$crictl_version/crictl
  crictl_key=$(key_of "$crictl_version" "$GO_VERSION")
  coredns_key=$(key_of "$coredns_tag" "$GO_VERSION" "$here/images/coredns/main.go")
  (
    if stamp_ok etcd "$etcd_key" && [ -x "$etcd_out" ]; then log "[etcd] cached"; else
      part_start etcd "go build of etcd $etcd_version"
      go_helper_build etcd go.etcd.io/etcd/server/v3 "$etcd_version" "$here/images/etcd" "$etcd_out" \
        > "$KUBELAB_CACHE/logs/etcd-build.log" 2>&1 || { tail -n 30 "$KUBELAB_CACHE/logs/etcd-build.log" >&2; exit 1; }
      stamp_set etcd "$etcd_key"; part_end etcd
    fi
    if stamp_ok coredns "$coredns_key" && [ -x "$coredns_out" ]; then log "[coredns] cached"; else
      part_start coredns "go build of CoreDNS $coredns_tag (kubeadm's plugins only)"
      go_helper_build coredns github.com/coredns/coredns "$coredns_tag" "$here/images/coredns" "$coredns_out" \
        > "$KUBELAB_CACHE/logs/coredns-build.log" 2>&1 || { tail -n 30 "$KUBELAB_CACHE/logs/coredns-build.log" >&2; exit 1; }
      stamp_set coredns "$coredns_key"; part_end coredns
    fi
    if stamp_ok crictl "$crictl_key" && [ -x "$crictl_out" ]; then log "[crictl] cached"; else
      part_start crictl "go install of crictl $crictl_version"
      GOBIN=$(dirname "$crictl_out") go install -trimpath \
        -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$crictl_version" \
        "sigs.k8s.io/cri-tools/cmd/crictl@$crictl_version" \
        > "$KUBELAB_CACHE/logs/crictl-build.log" 2>&1 || { tail -n 30 "$KUBELAB_CACHE/logs/crictl-build.log" >&2; exit 1; }
      stamp_set crictl "$crictl_key"; part_end crictl
    fi
  ) &
  side_pid=$!

  # pause: a static C binary.
  local pause_out=$build/pause-$pause_ver/pause pause_key
  pause_key=$(key_of "$pause_ver" "$kmod/build/pause/linux/pause.c")
  if stamp_ok pause "$pause_key" && [ -x "$pause_out" ]; then log "[pause] cached"; else
    part_start pause "gcc -static build/pause/linux/pause.c"
    mkdir -p "$(dirname "$pause_out")"
    gcc -Os -Wall -Werror -static -DVERSION="v$pause_ver" -o "$pause_out" "$kmod/build/pause/linux/pause.c"
    strip "$pause_out"
    stamp_set pause "$pause_key"; part_end pause
  fi

  # Debian trees.
  local node_rootfs=$build/rootfs-node-$SUITE.tar base_rootfs=$build/rootfs-base-$SUITE.tar
  local node_rootfs_key base_rootfs_key
  node_rootfs_key=$(key_of "$SUITE" "${node_packages[*]}")
  base_rootfs_key=$(key_of "$SUITE" "${base_packages[*]}")
  if stamp_ok rootfs-base "$base_rootfs_key" && [ -f "$base_rootfs" ]; then log "[rootfs-base] cached"; else
    part_start rootfs-base "debootstrap $SUITE: ${base_packages[*]}"
    debootstrap_tar base "$base_rootfs" "${base_packages[@]}"
    stamp_set rootfs-base "$base_rootfs_key"; part_end rootfs-base "$(du -h "$base_rootfs" | cut -f1)"
  fi
  if stamp_ok rootfs-node "$node_rootfs_key" && [ -f "$node_rootfs" ]; then log "[rootfs-node] cached"; else
    part_start rootfs-node "debootstrap $SUITE: ${node_packages[*]}"
    debootstrap_tar node "$node_rootfs" "${node_packages[@]}"
    stamp_set rootfs-node "$node_rootfs_key"; part_end rootfs-node "$(du -h "$node_rootfs" | cut -f1)"
  fi

  # The component base image: the slim tree plus the iptables wrapper.
  local base_tag=kubelab/component-base:$SUITE-$(key_of "$base_rootfs_key" "$here/images/iptables-wrapper")
  if ! docker image inspect "$base_tag" >/dev/null 2>&1; then
    part_start component-base "docker import + iptables wrapper"
    local ctx=$build/ctx-component-base
    rm -rf "$ctx" && mkdir -p "$ctx"
    docker import "$base_rootfs" "$base_tag-raw" >/dev/null
    cp "$here/images/iptables-wrapper" "$ctx/"
    cat > "$ctx/Dockerfile" <<EOF
FROM $base_tag-raw
COPY iptables-wrapper /usr/sbin/iptables-wrapper
RUN chmod 755 /usr/sbin/iptables-wrapper && for c in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do ln -sf iptables-wrapper /usr/sbin/\$c; done
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
    docker_build "$base_tag" "$ctx"
    docker rmi "$base_tag-raw" >/dev/null
    part_end component-base
  fi

  # Wait for the Go builds.
  if [ -n "$k8s_pid" ]; then
    log "[k8s] waiting for the Kubernetes build"
    if ! wait "$k8s_pid"; then tail -n 40 "$KUBELAB_CACHE/logs/k8s-build.log" >&2; die "Kubernetes build failed"; fi
    stamp_set k8s "$k8s_key"; part_end k8s "$(du -sh "$k8s_out/bin" | cut -f1)"
  fi
  wait "$side_pid" || die "the etcd, CoreDNS or crictl build failed"

  # The image names kubeadm itself asks for.
  local images=() img
  mapfile -t images < <("$k8s_out/bin/kubeadm" config images list --kubernetes-version "$K8S_VERSION" 2>/dev/null)
  [ ${#images[@]} -ge 7 ] || die "kubeadm config images list gave: ${images[*]}"
  local ref_apiserver= ref_cm= ref_sched= ref_proxy= ref_etcd= ref_coredns= ref_pause=
  for img in "${images[@]}"; do
    case ${img##*/} in
      kube-apiserver:*) ref_apiserver=$img ;;
      kube-controller-manager:*) ref_cm=$img ;;
      kube-scheduler:*) ref_sched=$img ;;
      kube-proxy:*) ref_proxy=$img ;;
      etcd:*) ref_etcd=$img ;;
      coredns:*) ref_coredns=$img ;;
      pause:*) ref_pause=$img ;;
      *) die "kubeadm asks for an image this build does not make: $img" ;;
    esac
  done
  [ "${ref_etcd##*:}" = "$etcd_tag" ] || die "kubeadm asks for $ref_etcd, built etcd $etcd_tag"
  [ "${ref_coredns##*:}" = "$coredns_tag" ] || die "kubeadm asks for $ref_coredns, built CoreDNS $coredns_tag"
  [ "${ref_pause##*:}" = "$pause_ver" ] || die "kubeadm asks for $ref_pause, built pause $pause_ver"
  # containerd's sandbox image in kind's config may differ from kubeadm's pause tag.
  local sandbox_ref
  sandbox_ref=$(sed -n 's/^[[:space:]]*sandbox_image = "\(.*\)"/\1/p' "$kindmod/images/base/files/etc/containerd/config.toml")
  [ -n "$sandbox_ref" ] || die "cannot read sandbox_image from kind's containerd config"

  node_key=$(key_of "$k8s_key" "$etcd_key" "$coredns_key" "$crictl_key" "$pause_key" "$node_rootfs_key" "$base_tag" \
    "$KIND_VERSION" "$0" "$here/images/node/kubelab-oom-score-adj.sh" "$here/images/podnet/podnet.sh" "$here/images/podnet/podnet.yaml" "${images[*]}")
  node_tag=kubelab/node:$K8S_VERSION-$node_key
  local podnet_ref=kubelab/podnet:$node_key
  local images_dir=$build/images-$node_key node_tar=$KUBELAB_CACHE/images/node-$K8S_VERSION-$node_key.tar
  mkdir -p "$KUBELAB_CACHE/images"

  if stamp_ok node "$node_key" && [ -f "$node_tar" ]; then
    docker image inspect "$node_tag" >/dev/null 2>&1 || { log "[node] docker load $node_tar"; docker load -i "$node_tar" >/dev/null; }
    printf '%s\n' "$node_tag"
    return 0
  fi

  # Component images.
  part_start images "component images"
  rm -rf "$images_dir" && mkdir -p "$images_dir"
  component_image() { # REF BINARY DEST [ENTRYPOINT-JSON] [USER]
    local ref=$1 bin=$2 dest=$3 entry=${4:-} user=${5:-} ctx
    ctx=$images_dir/ctx-$(basename "$dest")
    mkdir -p "$ctx"
    cp "$bin" "$ctx/$(basename "$dest")"
    {
      if [ "$ref" = "$ref_pause" ]; then echo "FROM scratch"; else echo "FROM $base_tag"; fi
      echo "COPY $(basename "$dest") $dest"
      [ -z "$entry" ] || echo "ENTRYPOINT $entry"
      [ -z "$user" ] || echo "USER $user"
    } > "$ctx/Dockerfile"
    docker_build "$ref" "$ctx"
    rm -rf "$ctx"
  }
  component_image "$ref_apiserver" "$k8s_out/bin/kube-apiserver" /usr/local/bin/kube-apiserver
  component_image "$ref_cm" "$k8s_out/bin/kube-controller-manager" /usr/local/bin/kube-controller-manager
  component_image "$ref_sched" "$k8s_out/bin/kube-scheduler" /usr/local/bin/kube-scheduler
  component_image "$ref_proxy" "$k8s_out/bin/kube-proxy" /usr/local/bin/kube-proxy
  component_image "$ref_etcd" "$etcd_out" /usr/local/bin/etcd
  component_image "$ref_coredns" "$coredns_out" /coredns '["/coredns"]'
  component_image "$ref_pause" "$pause_out" /pause '["/pause"]' 65535:65535
  [ "$sandbox_ref" = "$ref_pause" ] || docker tag "$ref_pause" "$sandbox_ref"
  # podnet: the CNI agent, with kubectl to read the nodes.
  local ctx=$images_dir/ctx-podnet
  mkdir -p "$ctx"
  cp "$k8s_out/bin/kubectl" "$here/images/podnet/podnet.sh" "$ctx/"
  printf 'FROM %s\nCOPY kubectl podnet.sh /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/podnet.sh"]\n' "$base_tag" > "$ctx/Dockerfile"
  docker_build "$podnet_ref" "$ctx"
  rm -rf "$ctx"
  local component_refs=("$ref_apiserver" "$ref_cm" "$ref_sched" "$ref_proxy" "$ref_etcd" "$ref_coredns" "$ref_pause" "$podnet_ref")
  [ "$sandbox_ref" = "$ref_pause" ] || component_refs+=("$sandbox_ref")
  save_image "$images_dir/components.tar" "${component_refs[@]}"
  part_end images "$(du -h "$images_dir/components.tar" | cut -f1)"

  # Node image, step 1: a Dockerfile over the Debian tree, laid out as kind's
  # images/base/Dockerfile lays out the official base image.
  part_start node "node image $node_tag"
  local nctx=$images_dir/ctx-node rootfs_tag=kubelab/node-rootfs:$SUITE-$node_rootfs_key
  mkdir -p "$nctx/files"
  docker image inspect "$rootfs_tag" >/dev/null 2>&1 || docker import "$node_rootfs" "$rootfs_tag" >/dev/null
  cp -a "$kindmod/images/base/files/." "$nctx/files/"
  chmod -R u+w "$nctx/files"
  # The module zip keeps no file modes: set them as kind's Dockerfile does.
  find "$nctx/files" -type d -exec chmod 755 {} +
  find "$nctx/files" -type f -exec chmod 644 {} +
  chmod 755 "$nctx"/files/usr/local/bin/* "$nctx"/files/kind/bin/*
  # fuse-overlayfs is only for rootless setups and is not installed.
  rm -f "$nctx/files/etc/systemd/system/containerd-fuse-overlayfs.service"
  sed -i '/^\[proxy_plugins\]/,/^  address = /d' "$nctx/files/etc/containerd/config.toml"
  mkdir -p "$nctx/files/kind/manifests"
  sed "s|__PODNET_IMAGE__|$podnet_ref|" "$here/images/podnet/podnet.yaml" > "$nctx/files/kind/manifests/default-cni.yaml"
  printf '%s\n' "$K8S_VERSION" > "$nctx/files/kind/version"
  # Our one addition to kind's layout: see images/node/kubelab-oom-score-adj.sh.
  install -m 755 "$here/images/node/kubelab-oom-score-adj.sh" "$nctx/files/kind/bin/"
  mkdir -p "$nctx/files/etc/systemd/system/containerd.service.d"
  printf '[Service]\nExecStartPre=/kind/bin/kubelab-oom-score-adj.sh\n' \
    > "$nctx/files/etc/systemd/system/containerd.service.d/10-kubelab-oom-score-adj.conf"
  mkdir -p "$nctx/bin"
  cp "$k8s_out/bin/kubeadm" "$k8s_out/bin/kubelet" "$k8s_out/bin/kubectl" "$nctx/bin/"
  cp "$crictl_out" "$nctx/crictl"
  cat > "$nctx/Dockerfile" <<EOF
FROM $rootfs_tag
COPY files/ /
COPY bin/ /usr/bin/
COPY crictl /usr/local/bin/crictl
RUN set -e; \
    ln -sf /usr/bin/containerd /usr/local/bin/containerd; \
    ln -sf /usr/bin/ctr /usr/local/bin/ctr; \
    ln -sf /usr/bin/containerd-shim-runc-v2 /usr/local/bin/containerd-shim-runc-v2; \
    mkdir -p /usr/local/sbin /opt/cni/bin /etc/cni/net.d /etc/kubernetes/manifests; \
    ln -sf /usr/sbin/runc /usr/local/sbin/runc; \
    for p in /usr/lib/cni/*; do ln -sf "\$p" /opt/cni/bin/; done; \
    ctr oci spec \
      | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
      | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json; \
    find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete; \
    rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \
      /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \
      /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*; \
    echo "ReadKMsg=no" >> /etc/systemd/journald.conf; \
    ln -sf /usr/lib/systemd/systemd /sbin/init; \
    systemctl enable kubelet.service containerd.service undo-mount-hacks.service; \
    systemctl mask systemd-binfmt.service
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
EOF
  docker_build "$node_tag-stage" "$nctx"
  rm -rf "$nctx"

  # Step 2: import the component images into the node's containerd, as kind's
  # own node-image build does: containerd started by hand in a plain
  # container, `ctr images import --no-unpack` (no snapshots: overlay on
  # overlay), then commit with the entrypoint put back.
  local cid
  cid=$(docker run -d --entrypoint=sleep --security-opt seccomp=unconfined "$node_tag-stage" infinity)
  # shellcheck disable=SC2016
  docker exec "$cid" bash -c 'nohup containerd > /var/log/containerd-build.log 2>&1 &
    for i in $(seq 1 50); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && exit 0; sleep 0.2; done
    cat /var/log/containerd-build.log; exit 1' || { docker rm -f "$cid" >/dev/null; die "containerd did not start in the build container"; }
  docker exec -i "$cid" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned \
    --all-platforms --no-unpack --digests - < "$images_dir/components.tar" >/dev/null ||
    { docker rm -f "$cid" >/dev/null; die "ctr images import failed"; }
  log "[node] in the node's containerd: $(docker exec "$cid" ctr --namespace=k8s.io images list -q | grep -v -e '^sha256:' -e '@sha256:' | tr '\n' ' ')"
  docker exec "$cid" bash -c 'pkill containerd; for i in $(seq 1 50); do pgrep -x containerd >/dev/null || break; sleep 0.2; done; rm -f /var/log/containerd-build.log'
  docker commit \
    --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
    --change 'CMD []' \
    "$cid" "$node_tag" >/dev/null
  docker rm -f "$cid" >/dev/null
  docker rmi "$node_tag-stage" >/dev/null
  save_image "$node_tar" "$node_tag"
  # Older node images are stale. docker refuses to remove one that a cluster
  # still uses, and that is fine: it goes on a later run.
  find "$KUBELAB_CACHE/images" -maxdepth 1 -name 'node-*.tar' ! -name "$(basename "$node_tar")" -delete
  docker images --format '{{.Repository}}:{{.Tag}}' |
    grep -E '^kubelab/(node|podnet):' | grep -vx -e "$node_tag" -e "$podnet_ref" |
    xargs -r docker rmi > /dev/null 2>&1 || true
  rm -rf "$images_dir"
  stamp_set node "$node_key"
  part_end node "$(du -h "$node_tar" | cut -f1)"
  log "node image build took $(fmt_duration $(($(now_s) - t_total))) in all"
  printf '%s\n' "$node_tag"
}

# Sourcing (for a test of one part) defines the functions only.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
