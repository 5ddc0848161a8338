#!/bin/sh
# Runs before containerd in the node (a drop-in of containerd.service).
#
# kubelet asks for negative oom_score_adj values (-998 for every pod sandbox),
# and lowering oom_score_adj needs CAP_SYS_RESOURCE. Some machines' capability
# bounding sets lack it, and then every pod fails to start ("failed to update
# /proc/self/oom_score_adj: Permission denied"). There, have containerd clamp
# the values to its own, as kind's config already explains for rootless nodes.
# Elsewhere kind's config is left as it is.
set -eu
config=/etc/containerd/config.toml
bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
if [ $(( (0x$bnd >> 24) & 1 )) -eq 0 ]; then
  sed -i 's/^\([[:space:]]*restrict_oom_score_adj[[:space:]]*=[[:space:]]*\)false/\1true/' "$config"
fi
