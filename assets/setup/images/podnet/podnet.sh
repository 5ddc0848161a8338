#!/bin/bash
# kubelab-podnet: the pod network of kubelab's locally built kind node image,
# standing in the place of kindnetd (whose Go module is not on the Go module
# proxy). It does what a flat, single-L2 kind cluster needs and no more:
#   - writes this node's CNI config: Debian's ptp + host-local plugins over the
#     node's spec.podCIDR, and portmap for hostPort;
#   - routes every other node's pod CIDR via that node's InternalIP (all kind
#     nodes share one docker bridge);
#   - masquerades pod traffic that leaves the cluster's pod subnet.
# It runs on the host network of every node and re-reads the nodes every few
# seconds, so nodes that join later are routed too.
set -uo pipefail

: "${NODE_NAME:?NODE_NAME must be set (downward API spec.nodeName)}"
: "${POD_SUBNET:?POD_SUBNET must be set}"
interval=${RESYNC_SECONDS:-5}
cni_conf=/etc/cni/net.d/10-kubelab-podnet.conflist
sa=/var/run/secrets/kubernetes.io/serviceaccount
# kind patches CONTROL_PLANE_ENDPOINT in, so this works before kube-proxy does.
server=https://${CONTROL_PLANE_ENDPOINT:-$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT}

log() { printf '%s podnet: %s\n' "$(date -u +%FT%TZ)" "$*"; }

get_nodes() {
  kubectl --server="$server" --token="$(cat "$sa/token")" \
    --certificate-authority="$sa/ca.crt" --request-timeout=10s get nodes -o json
}

write_cni_config() { # POD_CIDR
  local tmp
  tmp=$(mktemp "$cni_conf.XXXXXX")
  jq -n --arg cidr "$1" '{
    cniVersion: "0.4.0",
    name: "kubelab-podnet",
    plugins: [
      { type: "ptp", ipMasq: false, mtu: 1500,
        ipam: { type: "host-local", dataDir: "/run/cni-ipam-state",
                routes: [ { dst: "0.0.0.0/0" } ],
                ranges: [ [ { subnet: $cidr } ] ] } },
      { type: "portmap", capabilities: { portMappings: true } }
    ]
  }' > "$tmp"
  if cmp -s "$tmp" "$cni_conf"; then rm -f "$tmp"; return; fi
  mv "$tmp" "$cni_conf"
  log "wrote $cni_conf for $1"
}

ensure_masquerade() {
  local rule=(-s "$POD_SUBNET" ! -d "$POD_SUBNET" -m comment --comment kubelab-podnet -j MASQUERADE)
  iptables -t nat -C POSTROUTING "${rule[@]}" 2>/dev/null ||
    { iptables -t nat -A POSTROUTING "${rule[@]}" && log "added masquerade rule for $POD_SUBNET"; }
}

declare -A routed=()
sync_once() {
  local nodes line name cidr ip
  nodes=$(get_nodes) || { log "cannot list nodes yet"; return 1; }
  while IFS=$'\t' read -r name cidr ip; do
    [ -n "$cidr" ] || continue
    if [ "$name" = "$NODE_NAME" ]; then
      write_cni_config "$cidr"
    elif [ -n "$ip" ] && [ "${routed[$cidr]:-}" != "$ip" ]; then
      ip route replace "$cidr" via "$ip" && routed[$cidr]=$ip && log "route $cidr via $ip ($name)"
    fi
  done < <(jq -r '.items[] | [.metadata.name, (.spec.podCIDR // ""),
      ((.status.addresses // []) | map(select(.type == "InternalIP" and (.address | contains(":") | not))) | .[0].address // "")]
      | @tsv' <<< "$nodes")
  ensure_masquerade
}

log "node $NODE_NAME, pod subnet $POD_SUBNET, API server $server"
trap 'log "stopping"; exit 0' TERM INT
while true; do
  sync_once
  sleep "$interval" & wait $!
done
