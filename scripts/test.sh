#!/usr/bin/env bash
# The full suite: formatting, lint, type-check, then every test against the real local services.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

began=$SECONDS
# CI has no use for the Web UI; sparing its memory leaves more for the tests.
STACK_HEADLESS="${STACK_HEADLESS:-${CI:+1}}" bash scripts/stack/up.sh
bash scripts/node-deps.sh

echo "== prettier"; npx --no-install prettier --check . --log-level warn
echo "== eslint"; npx --no-install eslint . --max-warnings 0
echo "== shellcheck"
if command -v shellcheck >/dev/null; then shellcheck -x scripts/*.sh scripts/stack/*.sh bench/*.sh .ci/run; fi

echo "== tests"
mkdir -p .run
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
set +e
node --test --test-concurrency="${TEST_CONCURRENCY:-1}" --test-timeout=300000 "${files[@]}" 2>&1 | tee .run/test-suite.tap
status=${PIPESTATUS[0]}
set -e

# The scale suite (Redis Cluster, several workers and API processes, two-node OpenSearch) runs too unless
# TEST_SCALE=0; it starts and stops its own multi-node services (scripts/test-scale.sh).
: >.run/test-scale.tap
if [[ "${TEST_SCALE:-1}" == 1 ]]; then
  echo "== scale tests"
  set +e
  SCALE_SETUP_DONE=1 bash scripts/test-scale.sh 2>&1 | tee .run/test-scale.tap
  scale_status=${PIPESTATUS[0]}
  set -e
  ((scale_status == 0)) || status=$scale_status
fi

count() { cat .run/test-suite.tap .run/test-scale.tap | awk -v k="$1" '$1 == "#" && $2 == k { n += $3 } END { print n + 0 }'; }
passed="$(count pass)"
failed=$(($(count fail) + $(count cancelled)))
((failed == 0)) || ((status != 0)) || status=1
echo "suite took $((SECONDS - began))s"
echo "$passed passed, $failed failed"
exit "$status"
