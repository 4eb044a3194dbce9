#!/usr/bin/env bash
# PostgreSQL 15 from Debian's packages (the server FerretDB stores its collections in), only when it is
# not already installed. Installing Debian's package also creates (and may start) a system cluster on
# port 5432; the stack never uses it: it runs a private cluster in .data/postgres on its own port.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -x "$STACK_POSTGRES_BIN/initdb" && -x "$STACK_POSTGRES_BIN/pg_ctl" && -x "$STACK_POSTGRES_BIN/psql" ]]; then
  exit 0
fi
command -v apt-get >/dev/null || stack_die "postgres: $STACK_POSTGRES_BIN/initdb not found and no apt-get; install PostgreSQL 15 and set STACK_POSTGRES_BIN"
sudo=()
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null || stack_die "postgres: need root (or sudo) to apt-get install postgresql"
  sudo=(sudo)
fi
stack_log "installing postgresql (apt)"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends postgresql >/dev/null
[[ -x "$STACK_POSTGRES_BIN/initdb" ]] || stack_die "postgres: apt installed postgresql but $STACK_POSTGRES_BIN/initdb is missing (not version 15? set STACK_POSTGRES_BIN)"
"$STACK_POSTGRES_BIN/postgres" --version >&2
