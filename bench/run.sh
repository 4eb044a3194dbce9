#!/usr/bin/env bash
# npm run bench: brings the local stack up, builds, and prints one markdown table in which every figure
# stands next to a baseline measured in the same run on the same machine. Not part of npm test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/stack/up.sh
bash scripts/node-deps.sh
node dist/bench/main.js
