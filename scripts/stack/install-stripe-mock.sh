#!/usr/bin/env bash
# stripe-mock (Stripe's own OpenAPI-driven mock) from the Go module proxy into .tools/bin.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin="$STACK_BIN/stripe-mock"
fixtures="$STACK_TOOLS/stripe-mock/fixtures.json"
overrides="$STACK_DIR/stripe-mock/fixture-overrides.json"
want="$STRIPE_MOCK_VERSION $(files_hash "$overrides" "$STACK_DIR/stripe-mock/build-fixtures.py")"
if [[ -x "$bin" && -f "$fixtures" ]] && stamp_ok stripe-mock "$want"; then
  exit 0
fi
command -v go >/dev/null || stack_die "stripe-mock: Go is required to install it"
stack_log "installing stripe-mock $STRIPE_MOCK_VERSION (go install) -> $bin"
mkdir -p "$STACK_BIN"
(cd "$STACK_TOOLS" && GOBIN="$STACK_BIN" GOFLAGS=-buildvcs=false go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION")
# Stripe's own fixtures, from the module just installed, with our few overrides merged in.
bundled="$(go env GOMODCACHE)/github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION/embedded/openapi/fixtures3.json"
[[ -f "$bundled" ]] || stack_die "stripe-mock: bundled fixtures not found at $bundled"
mkdir -p "$(dirname "$fixtures")"
python3 "$STACK_DIR/stripe-mock/build-fixtures.py" "$bundled" "$overrides" "$fixtures"
stamp_write stripe-mock "$want"
