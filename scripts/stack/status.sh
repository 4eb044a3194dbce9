#!/usr/bin/env bash
# One line per service (port served?, pid file, pid alive?), then any other pid files
# in .run/pids/ (the app's processes), then where the tools are.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

shopt -s nullglob
line() {
  local name="$1" port="$2" pidfile served pidinfo state rss=""
  pidfile="$(stack_pidfile "$name")"
  if [[ -z "$port" ]]; then
    served="-"
  elif port_open "$port"; then
    served="served"
  else
    served="not served"
  fi
  state="$(pidfile_state "$pidfile")"
  case "$state" in
    missing) pidinfo="no pid file" ;;
    running*)
      pidinfo="pid ${state#running } alive"
      rss=" rss=$(pgroup_rss_mib "${state#running }")MiB"
      ;;
    stale*) pidinfo="STALE pid file (${state#stale })" ;;
  esac
  if [[ -n "$port" && "$served" == served && "$state" == missing ]]; then
    pidinfo="$pidinfo (external: not managed by these scripts)"
  fi
  printf '%-12s %-6s %-11s %s%s\n' "$name" "${port:--}" "$served" "$pidinfo" "$rss"
}

printf '%-12s %-6s %-11s %s\n' service port state process
for s in $STACK_ALL_SERVICES; do
  line "$s" "$(stack_service_port "$s")"
done
for f in "$STACK_RUN/pids"/*.pid; do
  n="$(basename "$f" .pid)"
  stack_service_port "$n" >/dev/null || line "$n" ""
done

tts="$(temporal_test_server_path)"
printf '\ntools:\n'
for p in "$STACK_VENV/bin/temporal" "$tts" "$STACK_BIN/ferretdb-local" "$STACK_BIN/stripe-mock"; do
  if [[ -x "$p" ]]; then printf '  %s\n' "$p"; else printf '  %s (not installed)\n' "$p"; fi
done
if [[ -x "$STACK_POSTGRES_BIN/postgres" ]]; then
  printf '  %s/postgres (PostgreSQL data %s)\n' "$STACK_POSTGRES_BIN" "$STACK_DATA/postgres"
else
  printf '  %s/postgres (not installed)\n' "$STACK_POSTGRES_BIN"
fi
printf '  %s\n' "$(command -v redis-server || echo 'redis-server (not installed)')"
printf '  %s\n' "$STACK_TOOLS/opensearch/lib/ (OpenSearch runner jars)"
printf 'time-skipping test server: %s\n' "$tts"
printf 'FerretDB backend: %s (STACK_FERRETDB_BACKEND)\n' "$STACK_FERRETDB_BACKEND"
