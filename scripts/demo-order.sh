#!/usr/bin/env bash
# Places one order on the running system as a storefront would: register a buyer, order a seeded SKU,
# then follow the order until its workflow settles.
set -euo pipefail
api="${API_URL:-http://127.0.0.1:${PORT:-3000}}"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

email="buyer-$(date +%s%N)@example.test"
token=$(curl -sf "$api/auth/register" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"demo-password-1\",\"role\":\"buyer\",\"name\":\"Demo Buyer\"}" | json "['token']")
echo "registered $email"

key="demo-$(date +%s%N)"
order=$(curl -sf "$api/orders" -H 'content-type: application/json' -H "authorization: Bearer $token" \
  -H "Idempotency-Key: $key" -d '{"lines":[{"sku":"BEANS-ETH-1KG","quantity":2},{"sku":"MUG-SPECKLE-12OZ","quantity":1}],
       "shipTo":{"name":"Demo Buyer","line1":"1 Main St","city":"Austin","region":"TX","postalCode":"78701","country":"US"},
       "paymentMethodId":"pm_card_visa"}')
id=$(echo "$order" | json "['orderId']")
echo "POST /orders -> $order"

for _ in $(seq 1 60); do
  status=$(curl -sf "$api/orders/$id" -H "authorization: Bearer $token" | json "['status']")
  case "$status" in confirmed | failed) break ;; esac
  sleep 0.5
done
curl -sf "$api/orders/$id" -H "authorization: Bearer $token"
echo
echo "order $id is $status; in the Temporal UI: http://127.0.0.1:8233/namespaces/default/workflows/order-$id"
[ "$status" = confirmed ]
