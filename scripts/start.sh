#!/usr/bin/env bash
# The whole marketplace on the embedded local stack: services, worker, API, search-indexer and a small
# seeded demo. Every process runs detached with a pid file in .run/pids; `npm run down` stops them all.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source-path=SCRIPTDIR source=stack/lib.sh
source scripts/stack/lib.sh

began=$SECONDS
bash scripts/stack/up.sh
bash scripts/node-deps.sh

port="${PORT:-3000}"
# A re-run picks up new code: the app's own processes are restarted, the services are kept.
for app in api worker search-indexer; do
  stop_pidfile "$(stack_pidfile "$app")"
done

node dist/scripts/seed-demo.js
start_detached worker node dist/workers/main.js >/dev/null
start_detached search-indexer node dist/search-indexer/main.js >/dev/null
PORT="$port" start_detached api node dist/api/main.js >/dev/null
wait_for api "curl -sf http://127.0.0.1:$port/readyz" 60
wait_for worker "grep -q 'worker polling' '$(stack_logfile worker)'" 60

cat <<MSG

Marketplace is up ($((SECONDS - began))s).
  API            http://127.0.0.1:$port            (health: /healthz, readiness: /readyz)
  OpenAPI        http://127.0.0.1:$port/openapi.json
  Temporal UI    http://127.0.0.1:8233             (find an order: OrderId = "ord_...")
  OpenSearch     http://127.0.0.1:9200
  Logs           .run/logs/*.log
  Ops sign-in    ${OPS_EMAIL:-ops@marketplace.local} / ${OPS_PASSWORD:-ops-password}
Try an order:    bash scripts/demo-order.sh
Stop everything: npm run down
MSG
