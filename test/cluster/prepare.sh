#!/usr/bin/env bash
# Readies this machine for the cluster e2e tests (`npm run cluster:prepare`): the product's
# `kubelab setup` (docker, kind, the kind node image and kubectl, each cached; see docs/setup.md),
# run from this checkout's build. Builds dist/ first when it is missing or older than src/.
# KUBELAB_K8S_VERSION (a version or comma list) sets up other versions than the default.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ ! -f dist/src/cli.js ] || [ -n "$(find src assets -newer dist/src/cli.js -type f -print -quit)" ]; then
  npm run build --silent
fi
exec node dist/src/cli.js setup ${KUBELAB_K8S_VERSION:+--kubernetes "$KUBELAB_K8S_VERSION"} "$@"
