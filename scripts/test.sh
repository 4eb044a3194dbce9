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
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
status=0
node --test --test-concurrency="${TEST_CONCURRENCY:-1}" --test-timeout=300000 "${files[@]}" || status=$?
echo "suite took $((SECONDS - began))s"
exit "$status"
