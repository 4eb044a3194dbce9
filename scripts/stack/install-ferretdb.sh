#!/usr/bin/env bash
# FerretDB v1 (MongoDB wire protocol on PostgreSQL or SQLite), built from the project's own main
# (scripts/stack/ferretdb) into .tools/bin/ferretdb-local. Rebuilt only when the
# binary is missing or main.go/go.mod/go.sum (or the Go version) changed.
# Also installs pymongo into the tools venv: up.sh uses it as the health-check client.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src="$STACK_DIR/ferretdb"
bin="$STACK_BIN/ferretdb-local"
command -v go >/dev/null || stack_die "ferretdb: Go is required to build $bin (install Go >= 1.24)"
want="$(files_hash "$src/main.go" "$src/go.mod" "$src/go.sum") $(go env GOVERSION)"
if [[ ! -x "$bin" ]] || ! stamp_ok ferretdb "$want"; then
  stack_log "building FerretDB $(sed -n 's/^require github.com\/FerretDB\/FerretDB //p' "$src/go.mod") -> $bin (first build takes ~1-2 min)"
  mkdir -p "$STACK_BIN"
  (cd "$src" && CGO_ENABLED=0 go build -mod=readonly -trimpath -buildvcs=false -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
  stamp_write ferretdb "$want"
fi
venv_pip_install pymongo "pymongo==$PYMONGO_VERSION"
