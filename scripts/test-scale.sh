#!/usr/bin/env bash
# The scale tests: the same code on the multi-node services it claims to scale out on, all on this machine.
#   - a Redis Cluster (3 masters + 3 replicas, scripts/stack/redis-cluster.sh) under the stock, cart,
#     rate-limit, flash-sale, product-cache and order suites, and a master failed over mid-race;
#   - two worker and two API processes on one task queue, one worker killed with SIGKILL mid-load;
#   - a two-node OpenSearch (scripts/stack/opensearch-cluster.sh), one node stopped mid-indexing.
# Cluster services this script started are stopped at the end; ones already running are left as found.
#
#   npm run test:scale
#   SCALE_TESTS="redis-cluster-failover search-cluster" npm run test:scale   # a subset (file names)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source-path=SCRIPTDIR source=stack/lib.sh
source scripts/stack/lib.sh

began=$SECONDS
# Run from scripts/test.sh (SCALE_SETUP_DONE=1) the stack is up and dist/ is built already.
if [[ "${SCALE_SETUP_DONE:-0}" != 1 ]]; then
  STACK_HEADLESS="${STACK_HEADLESS:-${CI:+1}}" bash scripts/stack/up.sh
  bash scripts/node-deps.sh
fi

started=()
cleanup() {
  local s
  for s in "${started[@]}"; do bash "scripts/stack/$s.sh" down || true; done
}
trap cleanup EXIT

# (many-workers needs no cluster: the main suite runs it.)
redis_suites="inventory stock-api stock-reconciliation cart auth catalog-api flash-sale orders-api redis-cluster-failover"
selected="${SCALE_TESTS:-$redis_suites search-cluster}"
want_search=0
[[ " $selected " == *" search-cluster "* ]] && want_search=1

running() { [[ "$(pidfile_state "$(stack_pidfile "$1")")" == running* ]]; }
running "redis-cluster-${REDIS_CLUSTER_BASE_PORT:-7001}" || started+=(redis-cluster)
bash scripts/stack/redis-cluster.sh up
TEST_REDIS_CLUSTER_NODES="$(bash scripts/stack/redis-cluster.sh nodes)"
TEST_OPENSEARCH_CLUSTER_URLS="$(bash scripts/stack/opensearch-cluster.sh urls)"
export TEST_REDIS_CLUSTER_NODES TEST_OPENSEARCH_CLUSTER_URLS
if ((want_search)); then
  # OpenSearch takes half a minute to start: it comes up while the Redis Cluster suites run.
  running opensearch-cluster-1 || started+=(opensearch-cluster)
  mkdir -p .run/logs
  bash scripts/stack/opensearch-cluster.sh up >.run/logs/opensearch-cluster-up.log 2>&1 &
  opensearch_up=$!
fi

files=()
for name in $selected; do
  [[ " $redis_suites " == *" $name "* ]] && files+=("dist/test/$name.test.js")
done
status=0
if ((${#files[@]})); then
  echo "== on the Redis Cluster ($TEST_REDIS_CLUSTER_NODES): ${files[*]}"
  node --test --test-concurrency=1 --test-timeout=300000 "${files[@]}" || status=$?
fi
if ((want_search)); then
  wait "$opensearch_up" || {
    cat .run/logs/opensearch-cluster-up.log >&2
    exit 1
  }
  echo "== on the two-node OpenSearch ($TEST_OPENSEARCH_CLUSTER_URLS)"
  node --test --test-concurrency=1 --test-timeout=300000 dist/test/search-cluster.test.js || status=$?
fi
echo "scale suite took $((SECONDS - began))s"
exit "$status"
