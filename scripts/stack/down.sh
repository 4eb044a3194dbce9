#!/usr/bin/env bash
# Stops every process that has a pid file in .run/pids/ (the stack's services and the
# app's own api/worker/indexer processes alike): SIGTERM to the process group, up to
# STACK_STOP_TIMEOUT (15) seconds, then SIGKILL. Stale pid files are removed without
# killing anything. Never stops anything by name.
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

# App processes (anything that is not a stack service) go first, then the services;
# within each tier the stops run in parallel.
app=() svc=()
for f in "${files[@]}"; do
  if stack_service_port "$(basename "$f" .pid)" >/dev/null; then svc+=("$f"); else app+=("$f"); fi
done

rc=0
for tier in app svc; do
  declare -n list="$tier"
  pids=()
  for f in "${list[@]}"; do
    stop_pidfile "$f" "$timeout" &
    pids+=("$!")
  done
  for p in "${pids[@]}"; do
    wait "$p" || rc=1
  done
  unset -n list
done
((rc == 0)) || stack_die "some processes could not be stopped (pid files kept in $piddir)"
