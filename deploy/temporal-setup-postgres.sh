#!/bin/sh
# One-shot schema setup run by the `temporal-schema` service (temporalio/admin-tools image) before the
# Temporal server starts: creates the persistence and visibility databases on PostgreSQL and brings both
# schemas up to the version this admin-tools release ships. Safe to run on every `docker compose up`:
# `setup-schema -v 0.0` leaves an existing schema alone and `update-schema` applies only newer versions,
# which is also how a Temporal upgrade gets its schema changes.
set -eu

PLUGIN="${DB:-postgres12}"
PG_HOST="${POSTGRES_SEEDS:-postgresql}"
PG_PORT="${DB_PORT:-5432}"
PG_USER="${POSTGRES_USER:-temporal}"
# temporal-sql-tool reads the password from SQL_PASSWORD.
SQL_PASSWORD="${POSTGRES_PWD:-}"
export SQL_PASSWORD
SCHEMA_ROOT="${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"

log() {
  echo "[temporal-schema] $*"
}

attempt=0
until nc -z "$PG_HOST" "$PG_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    log "PostgreSQL at $PG_HOST:$PG_PORT is not reachable"
    exit 1
  fi
  sleep 2
done

sql_tool() {
  temporal-sql-tool --plugin "$PLUGIN" --ep "$PG_HOST" -p "$PG_PORT" -u "$PG_USER" "$@"
}

setup_database() {
  database="$1"
  schema_dir="$2"
  # `create` fails when the database exists (the postgres image already creates one named after the
  # user); a real connection problem still stops the script at setup-schema below.
  if sql_tool --db "$database" create; then
    log "database $database created"
  else
    log "database $database not created (it most likely exists already)"
  fi
  sql_tool --db "$database" setup-schema -v 0.0
  sql_tool --db "$database" update-schema -d "$SCHEMA_ROOT/$schema_dir/versioned"
  log "database $database schema is up to date"
}

setup_database "${DBNAME:-temporal}" temporal
setup_database "${VISIBILITY_DBNAME:-temporal_visibility}" visibility
