#!/usr/bin/env bash
# Installs (once, cached under .tools/) and starts the local backing services, then
# health-checks them. Idempotent: a service whose port is already served is reused.
#
#   bash scripts/stack/up.sh
#   STACK_SERVICES="temporal redis" bash scripts/stack/up.sh   # subset
#   STACK_HEADLESS=1 bash scripts/stack/up.sh                  # Temporal without Web UI
#
# Env: STACK_SERVICES (default: temporal ferretdb redis opensearch stripe-mock),
#      STACK_HEADLESS=1, STACK_OPENSEARCH_HEAP (default 1g),
#      STACK_TEMPORAL_RETENTION (default 168h, applied to "default" on a server we start),
#      STACK_READY_TIMEOUT (seconds, default 180).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STACK_ROOT"

services="${STACK_SERVICES:-$STACK_ALL_SERVICES}"
for s in $services; do
  stack_service_port "$s" >/dev/null || stack_die "unknown service '$s' in STACK_SERVICES (known: $STACK_ALL_SERVICES)"
done
ready_timeout="${STACK_READY_TIMEOUT:-180}"
os_heap="${STACK_OPENSEARCH_HEAP:-1g}"
retention="${STACK_TEMPORAL_RETENTION:-168h}"
temporal="$STACK_VENV/bin/temporal"
py="$STACK_VENV/bin/python"

declare -A t_install=() t_start=() t_ready=() how=() ours=()
t_all="$(stack_now)"

# ------------------------------------------------------------------ 1. install
t_phase="$(stack_now)"
for s in $services; do
  t0="$(stack_now)"
  bash "$STACK_DIR/install-$s.sh" || stack_die "$s: install failed (see output above)"
  t_install[$s]="$(stack_elapsed "$t0")"
done
t_install_total="$(stack_elapsed "$t_phase")"

# ------------------------------------------------------------------ 2. start
start_temporal() {
  local -a args=(server start-dev --ip 127.0.0.1 --port 7233 --ui-port 8233
    --db-filename "$STACK_DATA/temporal/temporal.db" --namespace default --log-level warn
    # Search attributes created at run time (see below) are usable at once.
    --dynamic-config-value system.forceSearchAttributesCacheRefreshOnRead=true
    --dynamic-config-value frontend.enableUpdateWorkflowExecution=true
    --dynamic-config-value frontend.enableUpdateWorkflowExecutionAsyncAccepted=true)
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%%#*}"
    line="${line//[[:space:]]/}"
    [[ -n "$line" ]] && args+=(--search-attribute "$line")
  done <"$STACK_DIR/search-attributes.txt"
  [[ "${STACK_HEADLESS:-0}" == 1 ]] && args+=(--headless)
  mkdir -p "$STACK_DATA/temporal"
  start_detached temporal "$temporal" "${args[@]}"
}

start_ferretdb() {
  mkdir -p "$STACK_DATA/ferretdb"
  start_detached ferretdb "$STACK_BIN/ferretdb-local" \
    -listen-addr 127.0.0.1:27017 -sqlite-url "file:$STACK_DATA/ferretdb/"
}

start_redis() {
  mkdir -p "$STACK_DATA/redis"
  start_detached redis redis-server --port 6379 --bind 127.0.0.1 --protected-mode yes \
    --daemonize no --dir "$STACK_DATA/redis" --appendonly yes
}

start_opensearch() {
  local base="$STACK_DATA/opensearch"
  mkdir -p "$base/node_1/config"
  # The runner copies its own (empty) opensearch.yml only when none exists; ours wins.
  # cluster.name, http.port, node.name and paths come from the runner's flags.
  cat >"$base/node_1/config/opensearch.yml" <<'YML'
# Written by scripts/stack/up.sh on every start; edit there.
network.host: 127.0.0.1
discovery.type: single-node
# Disks on dev/CI boxes can be nearly full: never block allocation or writes on watermarks.
cluster.routing.allocation.disk.threshold_enabled: false
YML
  start_detached opensearch java "-Xms256m" "-Xmx$os_heap" -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true \
    -cp "$STACK_TOOLS/opensearch/lib/*" org.codelibs.opensearch.runner.OpenSearchRunner \
    -basePath "$base" -numOfNode 1 -baseHttpPort 9199 -clusterName local-stack
}

start_stripe-mock() {
  # stripe-mock always opens an HTTPS port as well; keep it on loopback too.
  start_detached stripe-mock "$STACK_BIN/stripe-mock" \
    -http-addr 127.0.0.1:12111 -https-addr 127.0.0.1:12112 \
    -fixtures "$STACK_TOOLS/stripe-mock/fixtures.json"
}

t_phase="$(stack_now)"
for s in $services; do
  t0="$(stack_now)"
  port="$(stack_service_port "$s")"
  pidfile="$(stack_pidfile "$s")"
  state="$(pidfile_state "$pidfile")"
  if [[ "$state" == stale* ]]; then
    stack_log "$s: removing stale pid file (${state#stale })"
    rm -f "$pidfile" "${pidfile%.pid}.meta"
    state=missing
  fi
  if [[ "$state" == running* ]]; then
    how[$s]="already running (ours, pid ${state#running })"
    ours[$s]=1
  elif port_open "$port"; then
    how[$s]="reused: port $port already served (not managed by these scripts)"
    ours[$s]=0
  else
    pid="$("start_$s")"
    how[$s]="started (pid $pid)"
    ours[$s]=2
  fi
  t_start[$s]="$(stack_elapsed "$t0")"
done

# ------------------------------------------------------------------ 3. health
health_temporal() {
  wait_for temporal "'$temporal' operator cluster health --address 127.0.0.1:7233 | grep -q SERVING" "$ready_timeout" || return 1
  wait_for temporal "'$temporal' operator namespace describe -n default --address 127.0.0.1:7233" 30 || return 1
  # Register the search attributes on every run: start-dev registers --search-attribute
  # flags only when it creates a new db file and silently skips them on an existing one.
  # "create" is idempotent for an existing name with the same type.
  local -a sa=()
  local line name type
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%%#*}"
    line="${line//[[:space:]]/}"
    [[ -n "$line" ]] || continue
    [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*=(Text|Keyword|Int|Double|Bool|Datetime|KeywordList)$ ]] ||
      { stack_warn "temporal: bad line in search-attributes.txt: $line" && return 1; }
    name="${line%%=*}"
    type="${line#*=}"
    sa+=(--name "$name" --type "$type")
  done <"$STACK_DIR/search-attributes.txt"
  if ((${#sa[@]})); then
    local out
    if ! out="$("$temporal" operator search-attribute create --address 127.0.0.1:7233 -n default "${sa[@]}" 2>&1)"; then
      printf '[stack] ERROR: temporal: registering search attributes failed: %s\n' "$out" >&2
      printf '[stack]   (a name already exists with another type; fix search-attributes.txt, or for a\n' >&2
      printf '[stack]   throw-away local db: bash scripts/stack/down.sh && rm -rf .data/temporal)\n' >&2
      return 1
    fi
  fi
  if [[ "${ours[temporal]}" == 2 ]]; then
    # Keep closed workflows visible in the Web UI for a week instead of the dev default (1 day).
    "$temporal" operator namespace update --address 127.0.0.1:7233 -n default --retention "$retention" >/dev/null ||
      stack_warn "temporal: could not set retention $retention on namespace default"
    if [[ "${STACK_HEADLESS:-0}" != 1 ]]; then
      wait_for temporal "curl -sf -o /dev/null http://127.0.0.1:8233/" 30 || return 1
    fi
  fi
}

health_ferretdb() {
  wait_for ferretdb "'$py' -c \"import pymongo; pymongo.MongoClient('mongodb://127.0.0.1:27017/', serverSelectionTimeoutMS=2000).admin.command('ping')\"" "$ready_timeout" || return 1
  [[ "${ours[ferretdb]}" == 2 ]] || return 0
  # Freshly started by us: prove the features the app relies on (insert, find, unique index).
  "$py" - <<'PY' || { log_tail ferretdb && return 1; }
import sys, pymongo
c = pymongo.MongoClient("mongodb://127.0.0.1:27017/", serverSelectionTimeoutMS=5000)
col = c["stack_healthcheck"]["probe"]
col.drop()
col.create_index("k", unique=True)
col.insert_one({"k": "a", "v": 1})
try:
    col.insert_one({"k": "a", "v": 2})
    sys.exit("[stack] ERROR: ferretdb: unique index did not reject a duplicate")
except pymongo.errors.DuplicateKeyError:
    pass
doc = col.find_one({"k": "a"})
if not doc or doc["v"] != 1:
    sys.exit("[stack] ERROR: ferretdb: find returned %r" % (doc,))
c.drop_database("stack_healthcheck")
PY
}

health_redis() {
  wait_for redis "redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG" "$ready_timeout"
}

health_opensearch() {
  wait_for opensearch "curl -sf 'http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow&timeout=5s' | grep -Eq '\"status\":\"(green|yellow)\"'" "$ready_timeout" || return 1
  [[ "${ours[opensearch]}" != 0 ]] || return 0
  # One node: a replica could never be assigned, so new indices default to 0 replicas and
  # stay green. Only honoured as a persistent cluster setting (in opensearch.yml it is
  # ignored at index creation); it is kept in .data/opensearch across restarts.
  curl -sf -o /dev/null -XPUT -H 'Content-Type: application/json' http://127.0.0.1:9200/_cluster/settings \
    -d '{"persistent":{"cluster.default_number_of_replicas":0}}' ||
    { stack_warn "opensearch: could not set cluster.default_number_of_replicas=0" && return 1; }
}

health_stripe-mock() {
  wait_for stripe-mock "curl -sf -o /dev/null -H 'Authorization: Bearer sk_test_123' http://127.0.0.1:12111/v1/customers" "$ready_timeout"
}

failed=()
for s in $services; do
  t0="$(stack_now)"
  if "health_$s"; then
    t_ready[$s]="$(stack_elapsed "$t0")"
  else
    t_ready[$s]="FAILED"
    failed+=("$s")
  fi
done
t_up_total="$(stack_elapsed "$t_phase")"

# ------------------------------------------------------------------ summary
{
  printf '\n%-12s %9s %7s %9s  %s\n' service install start ready state
  for s in $services; do
    printf '%-12s %8ss %6ss %8s%s  %s\n' "$s" "${t_install[$s]}" "${t_start[$s]}" "${t_ready[$s]}" \
      "$([[ "${t_ready[$s]}" == FAILED ]] || echo s)" "${how[$s]}"
  done
  printf 'install phase %ss, start+health phase %ss, total %ss\n' \
    "$t_install_total" "$t_up_total" "$(stack_elapsed "$t_all")"
} >&2

if ((${#failed[@]})); then
  stack_die "not healthy: ${failed[*]} (logs in .run/logs/; stop everything with: bash scripts/stack/down.sh)"
fi

ui="UI http://127.0.0.1:8233"
[[ "${STACK_HEADLESS:-0}" == 1 ]] && ui="(headless, no UI)"
declare -A endpoint=(
  [temporal]="127.0.0.1:7233  namespace default  $ui"
  [ferretdb]="mongodb://127.0.0.1:27017/"
  [redis]="redis://127.0.0.1:6379"
  [opensearch]="http://127.0.0.1:9200"
  [stripe-mock]="http://127.0.0.1:12111  (any key, e.g. sk_test_123)"
)
{
  printf '\nLocal stack is up (logs .run/logs/, pids .run/pids/, stop: bash scripts/stack/down.sh)\n'
  for s in $services; do
    printf '  %-12s %s\n' "$s" "${endpoint[$s]}"
  done
} >&2
