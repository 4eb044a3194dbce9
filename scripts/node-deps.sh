#!/usr/bin/env bash
# Installs node_modules exactly as package-lock.json pins them, only when the lock changed since the last
# install, then compiles the TypeScript into dist/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

stamp=node_modules/.lock-hash
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  started=$SECONDS
  # `npm install --no-save` installs exactly the locked versions; `npm ci` refuses this lock because the
  # registry serves only some platforms' builds of native modules (swc), so the others are not in it.
  npm install --no-audit --no-fund --no-save --loglevel=error
  echo "$want" > "$stamp"
  echo "node modules installed in $((SECONDS - started))s"
fi

started=$SECONDS
rm -rf dist
npx --no-install tsc -p tsconfig.json
echo "compiled in $((SECONDS - started))s"
