#!/usr/bin/env bash
# Places one order on the running system as a storefront would, through the typed storefront client
# generated from /openapi.json (scripts/demo-order.ts): register a buyer, fill the cart, read its total for
# the address, check out, then follow the order until its workflow settles.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -f dist/scripts/demo-order.js ] || npx --no-install tsc -p tsconfig.json
exec node dist/scripts/demo-order.js
