#!/usr/bin/env bash
# The whole test suite (`npm test`): host packages, build, type-check of the tests, lint, docker
# + a kind node image, then every vitest project (unit: parser, matcher, engine with real bash,
# reporters, CLI, learner mode in tmux, gradebook in Chromium; e2e: real kind clusters). Prints a
# closing "N passed, N failed, N skipped" line.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
bash test/setup-host.sh
npx tsc -p tsconfig.json
npx tsc -p tsconfig.test.json   # the tests and benchmarks type-check too
npm run lint:code
bash test/cluster/prepare.sh   # kubelab setup, from the dist/ just built

results=$(mktemp)
status=0
npx vitest run --project unit --project e2e --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?

node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$results" || echo "no vitest results written"
rm -f "$results"
echo "test suite took $(( $(date +%s) - start ))s"
exit "$status"
