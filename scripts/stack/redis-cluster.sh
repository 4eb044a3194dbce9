#!/usr/bin/env bash
# A local Redis Cluster for the scale tests: three masters and three replicas from the same Debian
# redis-server the stack uses, on loopback ports BASE..BASE+5 (cluster bus on +10000), each with its own
# config and data under .data/redis-cluster/<port>/. It is a test cluster: `up` on a stopped cluster
# wipes it and creates it afresh, and nothing is persisted (no RDB, no AOF), so a run never sees another
# run's keys. The shared stack's Redis on 6379 is never touched.
#
#   bash scripts/stack/redis-cluster.sh up            # start (or reuse) and wait for cluster_state:ok
#   bash scripts/stack/redis-cluster.sh down          # stop every node (by pid file)
#   bash scripts/stack/redis-cluster.sh nodes         # prints 127.0.0.1:7001,...  (REDIS_CLUSTER_NODES)
#   bash scripts/stack/redis-cluster.sh start-node P  # (re)start one node, e.g. after a test killed it
#   bash scripts/stack/redis-cluster.sh status
#
# Env: REDIS_CLUSTER_BASE_PORT (default 7001), STACK_READY_TIMEOUT (seconds, default 60).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STACK_ROOT"

base="${REDIS_CLUSTER_BASE_PORT:-7001}"
ports=()
for i in 0 1 2 3 4 5; do ports+=("$((base + i))"); done
dir="$STACK_DATA/redis-cluster"
ready_timeout="${STACK_READY_TIMEOUT:-60}"

node_name() { printf 'redis-cluster-%s\n' "$1"; }
nodes_csv() {
  local IFS=,
  local -a hosts=()
  local p
  for p in "${ports[@]}"; do hosts+=("127.0.0.1:$p"); done
  printf '%s\n' "${hosts[*]}"
}
node_running() { [[ "$(pidfile_state "$(stack_pidfile "$(node_name "$1")")")" == running* ]]; }

start_node() {
  local port="$1" nd="$dir/$1"
  mkdir -p "$nd"
  # A short node timeout makes a killed master fail over in about two seconds instead of fifteen; a
  # validity factor of 0 lets its replica take over however long it was cut off.
  cat >"$nd/redis.conf" <<CONF
# Written by scripts/stack/redis-cluster.sh; edit there.
port $port
bind 127.0.0.1
protected-mode yes
daemonize no
dir $nd
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout 2000
cluster-replica-validity-factor 0
save ""
appendonly no
loglevel warning
CONF
  start_detached "$(node_name "$port")" redis-server "$nd/redis.conf" >/dev/null
  wait_for "$(node_name "$port")" "redis-cli -p $port ping | grep -q PONG" 20
}

cluster_ok() {
  local p
  for p in "${ports[@]}"; do
    redis-cli -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
  # Every slot assigned and every master has its replica.
  [[ "$(redis-cli -p "${ports[0]}" cluster info | sed -n 's/^cluster_slots_ok:\([0-9]*\).*/\1/p')" == 16384 ]] &&
    [[ "$(redis-cli -p "${ports[0]}" cluster nodes | grep -c slave)" == 3 ]]
}

up() {
  command -v redis-server >/dev/null || bash "$STACK_DIR/install-redis.sh"
  local p running=0 t0
  t0="$(stack_now)"
  for p in "${ports[@]}"; do node_running "$p" && running=$((running + 1)); done
  if ((running == 6)) && cluster_ok; then
    stack_log "redis-cluster: already running on $(nodes_csv)"
    return 0
  fi
  if ((running > 0)); then
    stack_log "redis-cluster: $running of 6 nodes running but the cluster is not whole; recreating it"
    down
  fi
  for p in "${ports[@]}" "$((ports[0] + 10000))" "$((ports[5] + 10000))"; do
    port_open "$p" && stack_die "redis-cluster: port $p is already served by something else (set REDIS_CLUSTER_BASE_PORT)"
  done
  rm -rf "$dir"
  for p in "${ports[@]}"; do start_node "$p"; done
  local -a hosts=()
  for p in "${ports[@]}"; do hosts+=("127.0.0.1:$p"); done
  redis-cli --cluster create "${hosts[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 ||
    {
      cat "$dir/create.log" >&2
      stack_die "redis-cluster: redis-cli --cluster create failed"
    }
  wait_for "$(node_name "${ports[0]}")" cluster_ok "$ready_timeout"
  stack_log "redis-cluster: ready on $(nodes_csv) in $(stack_elapsed "$t0")s"
}

down() {
  local p
  for p in "${ports[@]}"; do stop_pidfile "$(stack_pidfile "$(node_name "$p")")" 10 || true; done
}

status() {
  local p
  for p in "${ports[@]}"; do
    printf '%s  %s  %s\n' "$p" "$(pidfile_state "$(stack_pidfile "$(node_name "$p")")")" \
      "$(redis-cli -p "$p" role 2>/dev/null | head -n1 || echo unreachable)"
  done
  redis-cli -p "${ports[0]}" cluster info 2>/dev/null | grep -E '^cluster_(state|slots_ok|known_nodes)' || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  nodes) nodes_csv ;;
  status) status ;;
  start-node)
    [[ -n "${2:-}" ]] || stack_die "usage: redis-cluster.sh start-node <port>"
    node_running "$2" || start_node "$2"
    ;;
  *) stack_die "usage: redis-cluster.sh up|down|nodes|status|start-node <port>" ;;
esac
