#!/usr/bin/env bash
# Stops every process that has a pid file in .run/pids/ (the stack's services and the
# app's own api/worker/indexer processes alike): SIGTERM to the process group, up to
# STACK_STOP_TIMEOUT (15) seconds, then SIGKILL; PostgreSQL last, with pg_ctl stop -m fast.
# Stale pid files are removed without killing anything. Never stops anything by name.
#
#   bash scripts/stack/down.sh              # everything in .run/pids/
#   bash scripts/stack/down.sh redis api    # only these pid files
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

timeout="${STACK_STOP_TIMEOUT:-15}"
piddir="$STACK_RUN/pids"
shopt -s nullglob

files=()
if (($#)); then
  for n in "$@"; do
    if [[ -f "$piddir/$n.pid" ]]; then files+=("$piddir/$n.pid"); else stack_log "$n: no pid file"; fi
  done
else
  files=("$piddir"/*.pid)
fi
if ((${#files[@]} == 0)); then
  stack_log "nothing to stop (no pid files in $piddir)"
  exit 0
fi

# PostgreSQL stops through pg_ctl in "fast" mode: it disconnects its clients and writes a checkpoint, where
# the SIGTERM other services get would be a "smart" shutdown that waits for every client to leave.
stop_postgres() {
  local file="$1" state
  state="$(pidfile_state "$file")"
  if [[ "$state" == running* && -f "$STACK_DATA/postgres/postmaster.pid" ]]; then
    if as_postgres "$STACK_POSTGRES_BIN/pg_ctl" -D "$STACK_DATA/postgres" -m fast -w -t "$timeout" stop >/dev/null; then
      rm -f "$file" "${file%.pid}.meta"
      stack_log "postgres: stopped (pg_ctl stop -m fast, pid ${state#running })"
      return 0
    fi
    stack_warn "postgres: pg_ctl stop failed; stopping it by its pid file"
  fi
  stop_pidfile "$file" "$timeout"
}

# App processes (anything that is not a stack service) go first, then the services, then PostgreSQL
# (after FerretDB, its client); within each tier the stops run in parallel.
app=() svc=() db=()
for f in "${files[@]}"; do
  n="$(basename "$f" .pid)"
  if [[ "$n" == postgres ]]; then
    db+=("$f")
  elif stack_service_port "$n" >/dev/null; then
    svc+=("$f")
  else
    app+=("$f")
  fi
done

rc=0
for tier in app svc db; do
  declare -n list="$tier"
  pids=()
  for f in "${list[@]}"; do
    if [[ "$tier" == db ]]; then
      stop_postgres "$f" &
    else
      stop_pidfile "$f" "$timeout" &
    fi
    pids+=("$!")
  done
  for p in "${pids[@]}"; do
    wait "$p" || rc=1
  done
  unset -n list
done
((rc == 0)) || stack_die "some processes could not be stopped (pid files kept in $piddir)"
