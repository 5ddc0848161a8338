#!/usr/bin/env bash
# labs/71-node-log-kubelet-authz.md done by hand: the reference `npm run bench` measures kubelab
# against. The same requests, the same kubelet restarts and the same cleanup, written the way a
# careful person would script them: kubectl and `docker exec`, waits that poll every 0.2 s, and a
# cleanup that deletes the objects while the kubelet restarts. It checks what the lab checks and
# exits non-zero when something differs.
#
# Usage: KUBECONFIG=<the cluster's kubeconfig> bench/lab71-by-hand.sh   (KUBECTL, DOCKER optional)
set -euo pipefail
KUBECTL=${KUBECTL:-kubectl}
DOCKER=${DOCKER:-docker}
k() { "$KUBECTL" "$@"; }
fail() { echo "lab71-by-hand: $*" >&2; exit 1; }
CONF=/var/lib/kubelet/config.yaml
BAK=$CONF.kubelab.bak

# Find the worker; fingerprint its kubelet config.
nodes=$(k get nodes -o custom-columns=NAME:.metadata.name --no-headers)
grep -q -- '-worker$' <<< "$nodes" || fail "no worker node"
NODE=$(k get nodes -l '!node-role.kubernetes.io/control-plane' -o jsonpath='{.items[0].metadata.name}')
SHA=$("$DOCKER" exec "$NODE" sha256sum "$CONF" | cut -d' ' -f1)

configz() { k get --raw "/api/v1/nodes/$NODE/proxy/configz" | jq -r '.kubeletconfig.enableSystemLogQuery'; }
# Poll every 0.2 s until /configz shows the wanted value (a restarted kubelet answers with it).
wait_configz() {
  local want=$1 i
  for i in $(seq 600); do
    [ "$(configz 2>/dev/null || true)" = "$want" ] && return 0
    sleep 0.2
  done
  fail "configz never showed enableSystemLogQuery=$want"
}

# Log query is off by default.
[ "$(configz)" = false ] || fail "enableSystemLogQuery is already on"

# Turn it on: backup, merge, restart, wait for the new value.
"$DOCKER" exec "$NODE" sh -c "cp -p $CONF $BAK && printf 'enableSystemLogQuery: true\n' >> $CONF && systemctl restart kubelet"
wait_configz true
grep -qx 'config\.yaml\.kubelab\.bak' <<< "$("$DOCKER" exec "$NODE" ls /var/lib/kubelet/)" || fail "no backup"
"$DOCKER" exec "$NODE" grep -q enableSystemLogQuery "$CONF"
[ "$(configz)" = true ]

# Read the node's logs through the API (retried, as the lab's block is).
for i in $(seq 150); do
  [ "$(k get --raw "/api/v1/nodes/$NODE/proxy/logs/?query=kubelet&tailLines=3" 2>/dev/null | wc -l)" -eq 3 ] && break
  sleep 0.2
done
[ "$(k get --raw "/api/v1/nodes/$NODE/proxy/logs/?query=containerd&tailLines=1" | wc -l)" -eq 1 ] || fail "containerd log"

# A service account that may only read metrics.
k apply -f - > /dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: kauthz
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: metrics-reader
  namespace: kauthz
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: kubelet-metrics-only
rules:
  - apiGroups: [""]
    resources: ["nodes/metrics"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: kubelet-metrics-only
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: kubelet-metrics-only
subjects:
  - kind: ServiceAccount
    name: metrics-reader
    namespace: kauthz
EOF

# What the service account may do: kubectl auth can-i, then the same as SubjectAccessReviews.
SA=system:serviceaccount:kauthz:metrics-reader
got=$(for sr in metrics proxy log healthz configz stats; do printf '%s %s\n' "$sr" "$(k auth can-i get nodes -A --subresource="$sr" --as=$SA || true)"; done)
[ "$got" = $'metrics yes\nproxy no\nlog no\nhealthz no\nconfigz no\nstats no' ] || fail "can-i: $got"
for sr in metrics proxy log healthz configz stats; do
  printf '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"%s","groups":["system:serviceaccounts","system:serviceaccounts:kauthz","system:authenticated"],"resourceAttributes":{"verb":"get","resource":"nodes","subresource":"%s"}}}' "$SA" "$sr" |
    k create -f - -o jsonpath='{.status.allowed}{"\n"}'
done > /tmp/lab71-by-hand.$$.sar
[ "$(tr '\n' ' ' < /tmp/lab71-by-hand.$$.sar)" = 'true false false false false false ' ] || fail "access reviews: $(cat /tmp/lab71-by-hand.$$.sar)"
rm -f /tmp/lab71-by-hand.$$.sar

# Call the kubelet as the service account.
TOKEN=$(k -n kauthz create token metrics-reader --duration=10m)
NODE_IP=$(k get node "$NODE" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
codes=$(for path in metrics configz logs/; do curl -sk -o /dev/null -w '%{http_code} ' -H "Authorization: Bearer $TOKEN" "https://$NODE_IP:10250/$path"; done)
[ "$codes" = '200 403 403 ' ] || fail "kubelet answers: $codes"
[[ "$(curl -sk -H "Authorization: Bearer $TOKEN" "https://$NODE_IP:10250/configz")" == "Forbidden (user=system:serviceaccount:kauthz:metrics-reader"* ]] || fail "kubelet message"

# The API server's node proxy is another door.
APISERVER=$(k config view --minify -o jsonpath='{.clusters[0].cluster.server}')
[ "$(curl -sk -H "Authorization: Bearer $TOKEN" "$APISERVER/api/v1/nodes/$NODE/proxy/metrics" | jq -r .code)" = 403 ] || fail "node proxy"

# Cleanup, overlapped: delete the objects (and wait for the namespace) while the kubelet config is
# restored and the kubelet restarted; then prove the cluster is as found.
(
  k delete clusterrolebinding/kubelet-metrics-only clusterrole/kubelet-metrics-only > /dev/null
  k delete namespace/kauthz --wait=true > /dev/null
) &
objects=$!
"$DOCKER" exec "$NODE" sh -c "mv -f $BAK $CONF && systemctl restart kubelet"
wait_configz false
wait "$objects"
[ "$("$DOCKER" exec "$NODE" sha256sum "$CONF" | cut -d' ' -f1)" = "$SHA" ] || fail "kubelet config differs"
! "$DOCKER" exec "$NODE" test -e "$BAK" || fail "backup left"
[ -z "$(k get namespace/kauthz clusterrole/kubelet-metrics-only clusterrolebinding/kubelet-metrics-only --ignore-not-found -o name)" ] || fail "objects left"
echo "cluster as found"
