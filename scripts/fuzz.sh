#!/usr/bin/env bash
# Fuzzes the whole running API from its own OpenAPI document with schemathesis (PyPI, pinned, cached in
# the tools venv .tools/venv), once per kind of caller: a guest (no token), a buyer, a seller and ops. It
# fails on any 5xx, any response that does not match its documented schema, and any status code the
# document does not declare.
#
#   bash scripts/fuzz.sh                           # against API_URL (default http://127.0.0.1:$PORT)
#   FUZZ_MAX_EXAMPLES=50 bash scripts/fuzz.sh      # more cases per operation
#
# Env: API_URL; FUZZ_BUYER_TOKEN / FUZZ_SELLER_TOKEN / FUZZ_OPS_TOKEN (otherwise a buyer and a seller are
# registered and ops signs in with OPS_EMAIL / OPS_PASSWORD); FUZZ_MAX_EXAMPLES (default 10);
# FUZZ_SEED; FUZZ_ROLES (default "guest buyer seller ops"); FUZZ_REPORT_DIR (a JUnit report per role).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/stack/lib.sh"
cd "$STACK_ROOT"

SCHEMATHESIS_VERSION="4.32.5"
api="${API_URL:-http://127.0.0.1:${PORT:-3000}}"
st="$STACK_VENV/bin/st"

if [[ ! -x "$st" ]] || ! stamp_ok schemathesis "schemathesis==$SCHEMATHESIS_VERSION"; then
  stack_log "installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into $STACK_VENV"
  rm -f "$STACK_TOOLS/stamps/schemathesis"
  venv_pip_install schemathesis "schemathesis==$SCHEMATHESIS_VERSION"
fi

py="$STACK_VENV/bin/python"
token_of() { "$py" -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }

# Sign-up and sign-in are limited per client address (the fuzzing itself spends that budget); each
# account is made from an address of its own.
own_address() { printf 'x-forwarded-for: 10.%d.%d.%d' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 254 + 1)); }
register() {
  curl -sf "$api/auth/register" -H 'content-type: application/json' -H "$(own_address)" \
    -d "{\"email\":\"fuzz-$1-$(date +%s%N)@example.test\",\"password\":\"fuzz-password-1\",\"role\":\"$1\",\"name\":\"Fuzz $1\"}" |
    token_of
}

declare -A tokens=()
tokens[buyer]="${FUZZ_BUYER_TOKEN:-}"
tokens[seller]="${FUZZ_SELLER_TOKEN:-}"
tokens[ops]="${FUZZ_OPS_TOKEN:-}"
roles="${FUZZ_ROLES:-guest buyer seller ops}"
for role in $roles; do
  [[ -n "${tokens[$role]:-}" ]] && continue
  case "$role" in
    guest) ;;
    buyer | seller) tokens[$role]="$(register "$role")" ;;
    ops)
      tokens[ops]="$(curl -sf "$api/auth/login" -H 'content-type: application/json' -H "$(own_address)" \
        -d "{\"email\":\"${OPS_EMAIL:-ops@marketplace.local}\",\"password\":\"${OPS_PASSWORD:-ops-password}\"}" | token_of)"
      ;;
    *) stack_die "unknown role '$role' in FUZZ_ROLES" ;;
  esac
done

# schemathesis keeps a cache of found failures in its working directory: ours is the ignored .run/.
report_dir="${FUZZ_REPORT_DIR:+$(realpath -m "$FUZZ_REPORT_DIR")}"
mkdir -p "$STACK_RUN/fuzz"
cd "$STACK_RUN/fuzz"

status=0
for role in $roles; do
  stack_log "fuzzing $api as $role"
  args=(--no-color run "$api/openapi.json" --url "$api"
    --checks not_a_server_error,response_schema_conformance,status_code_conformance
    --phases examples,coverage,fuzzing
    --max-examples "${FUZZ_MAX_EXAMPLES:-10}"
    --request-timeout 20
    --suppress-health-check all
    --generation-database none)
  [[ "$role" != guest ]] && args+=(--header "Authorization: Bearer ${tokens[$role]}")
  [[ -n "${FUZZ_SEED:-}" ]] && args+=(--seed "$FUZZ_SEED")
  if [[ -n "$report_dir" ]]; then
    args+=(--report junit --report-junit-path "$report_dir/fuzz-$role.xml")
  fi
  "$st" "${args[@]}" || status=$?
done
exit "$status"
