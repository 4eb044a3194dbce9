#!/bin/sh
# One-shot setup run by the `temporal-admin-tools` service (temporalio/admin-tools image) once the
# Temporal server is up: creates the namespace if it is missing and registers the marketplace's custom
# search attributes from temporal-search-attributes.txt. Safe to run on every `docker compose up`:
# anything that already exists with the same type is left alone; an attribute that exists with a
# different type is an error.
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-720h}"
ATTRIBUTES_FILE="${SEARCH_ATTRIBUTES_FILE:-/deploy/temporal-search-attributes.txt}"
# Temporal services refresh their namespace cache about every 10s; wait a little longer than that after
# adding attributes so the first workflows that set them are not rejected.
PROPAGATION_SECONDS="${SEARCH_ATTRIBUTES_PROPAGATION_SECONDS:-15}"

log() {
  echo "[temporal-register] $*"
}

attempt=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 90 ]; then
    log "Temporal at $ADDRESS did not report SERVING after $attempt attempts"
    exit 1
  fi
  log "waiting for Temporal at $ADDRESS ($attempt)"
  sleep 2
done
log "Temporal at $ADDRESS is serving"

if temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  log "namespace $NAMESPACE exists"
elif output=$(temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" \
  --retention "$RETENTION" 2>&1); then
  log "namespace $NAMESPACE created (retention $RETENTION)"
else
  case "$output" in
    *"already exists"* | *"AlreadyExists"*) log "namespace $NAMESPACE exists" ;;
    *)
      log "could not create namespace $NAMESPACE: $output"
      exit 1
      ;;
  esac
fi

created=0
failed=0

ensure_attribute() {
  name="$1"
  type="$2"
  tries=0
  while :; do
    if output=$(temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
      --name "$name" --type "$type" </dev/null 2>&1); then
      log "search attribute $name ($type) registered"
      created=1
      return 0
    fi
    case "$output" in
      *"different type"*)
        log "search attribute $name exists with another type: $output"
        return 1
        ;;
      *"already exists"* | *"AlreadyExists"*)
        log "search attribute $name ($type) already registered"
        return 0
        ;;
    esac
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      log "giving up on search attribute $name: $output"
      return 1
    fi
    # A namespace created a moment ago may not be visible yet; retry.
    log "retrying search attribute $name ($tries): $output"
    sleep 2
  done
}

attributes=$(sed -e 's/#.*$//' -e '/^[[:space:]]*$/d' "$ATTRIBUTES_FILE")
while read -r name type extra; do
  if [ -z "$name" ] || [ -z "$type" ] || [ -n "$extra" ]; then
    log "bad line in $ATTRIBUTES_FILE: $name $type $extra"
    failed=1
    continue
  fi
  ensure_attribute "$name" "$type" || failed=1
done <<EOF
$attributes
EOF

if [ "$failed" -ne 0 ]; then
  log "some search attributes could not be registered"
  exit 1
fi

if [ "$created" -eq 1 ]; then
  log "waiting ${PROPAGATION_SECONDS}s for new search attributes to reach every Temporal service"
  sleep "$PROPAGATION_SECONDS"
fi

listing=$(temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" </dev/null)
while read -r name type extra; do
  if ! printf '%s\n' "$listing" | grep -qw -- "$name"; then
    log "search attribute $name is missing from the namespace listing"
    exit 1
  fi
done <<EOF
$attributes
EOF

log "namespace $NAMESPACE is ready for the marketplace"
