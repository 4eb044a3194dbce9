#!/usr/bin/env bash
# Installs (once, cached under .tools/) and starts the local backing services, then
# health-checks them. Idempotent: a service whose port is already served is reused.
#
#   bash scripts/stack/up.sh
#   STACK_SERVICES="temporal redis" bash scripts/stack/up.sh   # subset
#   STACK_HEADLESS=1 bash scripts/stack/up.sh                  # Temporal without Web UI
#
# Env: STACK_SERVICES (default: temporal postgres ferretdb redis opensearch stripe-mock; ferretdb on
#        PostgreSQL brings postgres along),
#      STACK_FERRETDB_BACKEND (postgresql, the default, or sqlite),
#      STACK_FERRETDB_PORT (default 27017), STACK_POSTGRES_PORT (default 5433),
#      STACK_HEADLESS=1, STACK_OPENSEARCH_HEAP (default 1g),
#      STACK_TEMPORAL_RETENTION (default 168h, applied to "default" on a server we start),
#      STACK_READY_TIMEOUT (seconds, default 180).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STACK_ROOT"

requested="${STACK_SERVICES:-$STACK_ALL_SERVICES}"
for s in $requested; do
  stack_service_port "$s" >/dev/null || stack_die "unknown service '$s' in STACK_SERVICES (known: $STACK_ALL_SERVICES)"
done
# FerretDB on PostgreSQL needs the stack's PostgreSQL first; on SQLite it needs none (unless asked for).
services=""
for s in $requested; do
  if [[ "$s" == postgres && "$STACK_FERRETDB_BACKEND" == sqlite && -z "${STACK_SERVICES:-}" ]]; then
    continue
  fi
  if [[ "$s" == ferretdb && "$STACK_FERRETDB_BACKEND" == postgresql && " $services " != *" postgres "* ]]; then
    services+=" postgres"
  fi
  [[ " $services " == *" $s "* ]] || services+=" $s"
done
services="${services# }"
ready_timeout="${STACK_READY_TIMEOUT:-180}"
ferretdb_port="$(stack_service_port ferretdb)"
postgres_port="$(stack_service_port postgres)"
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
    # WAL lets readers run beside the one writer, and synchronous=normal syncs at checkpoints instead of
    # on every commit: measured 2.3x the workflow rate of the defaults here (an OS crash may lose the
    # last commits of a dev server, never corrupt it).
    --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal
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

# postgres_reachable <dir>: initdb and the server run as the postgres user, which must be able to walk
# into the repo's .data/.run. Directories on the way that others may not enter get o+x (enter, not list).
postgres_reachable() {
  local dir="$1" d
  [[ "$(id -u)" == 0 ]] || return 0
  d="$dir"
  while [[ "$d" != / ]]; do
    d="$(dirname "$d")"
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      stack_log "postgres: chmod o+x $d (so the postgres user can reach $dir)"
      chmod o+x "$d"
    fi
  done
}

start_postgres() {
  local pgdata="$STACK_DATA/postgres" sockdir="$STACK_RUN/postgres" log pidfile pid
  # A Unix socket path may not exceed 107 bytes; a deep checkout puts its socket in /tmp instead.
  if ((${#sockdir} > 90)); then
    sockdir="/tmp/marketplace-pg-$(printf '%s' "$pgdata" | sha256sum | cut -c1-12)"
  fi
  log="$(stack_logfile postgres)"
  pidfile="$(stack_pidfile postgres)"
  mkdir -p "$pgdata" "$sockdir" "$STACK_RUN/pids" "$STACK_RUN/logs"
  touch "$log"
  postgres_reachable "$pgdata"
  postgres_reachable "$sockdir"
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres: "$pgdata" "$sockdir" "$log"
  fi
  chmod 700 "$pgdata"
  printf '\n=== %s start: pg_ctl start -D %s (port %s)\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$pgdata" "$postgres_port" >>"$log"
  if [[ ! -s "$pgdata/PG_VERSION" ]]; then
    as_postgres "$STACK_POSTGRES_BIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --no-locale \
      >>"$log" 2>&1 || { log_tail postgres && stack_die "postgres: initdb failed"; }
    printf "\ninclude 'stack.conf'\n" >>"$pgdata/postgresql.conf"
  fi
  # Rewritten on every start, like opensearch.yml: sized for the 2-core / 24 GiB reference machine that
  # also runs Temporal, OpenSearch and the app.
  cat >"$pgdata/stack.conf" <<CONF
# Written by scripts/stack/up.sh on every start; edit there.
listen_addresses = '127.0.0.1'
port = $postgres_port
unix_socket_directories = '$sockdir'
# FerretDB keeps a pool of up to 50 connections; headroom for psql and the bench's raw baseline.
max_connections = 100
shared_buffers = 1GB
effective_cache_size = 8GB
work_mem = 16MB
maintenance_work_mem = 256MB
random_page_cost = 1.1
# Two cores shared with everything else: one core per query, and no JIT compile pauses on jsonb scans.
max_parallel_workers_per_gather = 0
jit = off
# Fewer, larger checkpoints while benches and tests write.
checkpoint_timeout = 15min
max_wal_size = 4GB
min_wal_size = 256MB
# Durability relaxed for a dev/test stack, deliberately and only this far: a commit returns before its WAL
# is flushed, so an OS crash (or a killed PostgreSQL) can lose the last fraction of a second of commits,
# never corrupt the database (fsync and full_page_writes stay on). Production PostgreSQL keeps the default.
synchronous_commit = off
log_min_duration_statement = 1000
log_line_prefix = '%m [%p] %d '
CONF
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$pgdata/stack.conf"; fi
  as_postgres "$STACK_POSTGRES_BIN/pg_ctl" -D "$pgdata" -l "$log" -w -t "$ready_timeout" start >/dev/null ||
    { log_tail postgres && stack_die "postgres: pg_ctl start failed"; }
  # The stack tracks the postmaster like any other service (status, stale detection); down.sh stops it
  # with pg_ctl.
  pid="$(head -n1 "$pgdata/postmaster.pid")"
  {
    printf 'starttime=%s\n' "$(proc_starttime "$pid" || true)"
    printf 'cwd=%s\n' "$pgdata"
    printf 'cmd=pg_ctl start -D %s\n' "$pgdata"
  } >"${pidfile%.pid}.meta"
  printf '%s\n' "$pid" >"$pidfile"
  printf '%s\n' "$pid"
}

start_ferretdb() {
  local -a backend
  if [[ "$STACK_FERRETDB_BACKEND" == postgresql ]]; then
    backend=(-handler postgresql -postgresql-url "$(stack_postgres_url)")
  else
    mkdir -p "$STACK_DATA/ferretdb"
    backend=(-handler sqlite -sqlite-url "file:$STACK_DATA/ferretdb/")
  fi
  start_detached ferretdb "$STACK_BIN/ferretdb-local" -listen-addr "127.0.0.1:$ferretdb_port" "${backend[@]}"
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

health_postgres() {
  wait_for postgres "'$STACK_POSTGRES_BIN/pg_isready' -q -h 127.0.0.1 -p $postgres_port" "$ready_timeout" || return 1
  if [[ -z "$(stack_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$STACK_POSTGRES_DB'")" ]]; then
    stack_psql -d postgres -c "CREATE DATABASE $STACK_POSTGRES_DB" || return 1
  fi
  # GIN twins of FerretDB's indexes, so its pushed-down filters use an index (see the file).
  stack_psql -d "$STACK_POSTGRES_DB" -f "$STACK_DIR/postgres/index-twins.sql" >/dev/null ||
    { stack_warn "postgres: applying index-twins.sql failed" && return 1; }
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
  # FerretDB needs PostgreSQL's database (and the index twins) before it starts.
  if [[ "$s" == postgres ]]; then
    t0="$(stack_now)"
    health_postgres || stack_die "postgres: not healthy (log .run/logs/postgres.log)"
    t_ready[$s]="$(stack_elapsed "$t0")"
  fi
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
  wait_for ferretdb "'$py' -c \"import pymongo; pymongo.MongoClient('mongodb://127.0.0.1:$ferretdb_port/', serverSelectionTimeoutMS=2000).admin.command('ping')\"" "$ready_timeout" || return 1
  [[ "${ours[ferretdb]}" == 2 ]] || return 0
  # Freshly started by us: prove the features the app relies on (insert, find, unique index).
  FERRETDB_PORT="$ferretdb_port" "$py" - <<'PY' || { log_tail ferretdb && return 1; }
import os, sys, pymongo
c = pymongo.MongoClient("mongodb://127.0.0.1:%s/" % os.environ["FERRETDB_PORT"], serverSelectionTimeoutMS=5000)
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
  [[ -z "${t_ready[$s]:-}" ]] || continue
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
  [postgres]="postgres://postgres@127.0.0.1:$postgres_port/$STACK_POSTGRES_DB  data $STACK_DATA/postgres"
  [ferretdb]="mongodb://127.0.0.1:$ferretdb_port/  (FerretDB on $STACK_FERRETDB_BACKEND)"
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
