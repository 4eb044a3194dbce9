#!/usr/bin/env bash
# Redis from Debian's packages (redis-server + redis-tools for redis-cli), only when
# not already on PATH.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
  exit 0
fi
command -v apt-get >/dev/null || stack_die "redis: redis-server/redis-cli not on PATH and no apt-get; install Redis >= 7 yourself"
sudo=()
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null || stack_die "redis: need root (or sudo) to apt-get install redis-server redis-tools"
  sudo=(sudo)
fi
stack_log "installing redis-server redis-tools (apt)"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
redis-server --version >&2
