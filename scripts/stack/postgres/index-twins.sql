-- Applied by scripts/stack/up.sh to the stack's FerretDB database on every start (idempotent).
--
-- Why: FerretDB v1 on PostgreSQL stores each collection as a table with one jsonb column, _jsonb, and turns
-- each MongoDB index into a btree on an expression such as (_jsonb -> 'sku'). The filters it pushes down to
-- SQL, though, are containment tests, `_jsonb -> 'sku' @> '"A-1"'` (FerretDB 1.24
-- internal/backends/postgresql/query.go), which a btree cannot answer: without help every find, update or
-- delete by _id or by an indexed field reads the whole table, and checkout slows as the data grows.
-- A GIN index with jsonb_path_ops on the same expression answers @>. This event trigger gives every index
-- FerretDB creates a GIN twin on its leading field (the one an equality filter names), and drops the twin
-- when FerretDB drops the index; tables (collections) take their indexes with them when dropped.
-- Only equality on top-level fields is pushed down by FerretDB v1 ($gt/$lt/$in/$or and dotted paths are
-- filtered in FerretDB itself), so a twin on the leading field is all an index can contribute.

CREATE SCHEMA IF NOT EXISTS ferretdb_stack;

-- The twin's name, from the FerretDB index's schema and name (unique per schema, within 63 bytes).
CREATE OR REPLACE FUNCTION ferretdb_stack.twin_name(schema_name text, index_name text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT 'gin_' || left(md5(schema_name || '.' || index_name), 24)
$$;

CREATE OR REPLACE FUNCTION ferretdb_stack.add_twin(index_oid oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  idx record;
  expr text;
BEGIN
  SELECT n.nspname AS schema_name, c.relname AS index_name, t.relname AS table_name, i.indrelid, am.amname
    INTO idx
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_am am ON am.oid = c.relam
   WHERE i.indexrelid = index_oid;
  -- Twins are GIN, so they never get twins; FerretDB's own bookkeeping tables are served by their btrees.
  IF NOT FOUND OR idx.amname <> 'btree' OR idx.table_name LIKE '\_ferretdb\_%' THEN
    RETURN;
  END IF;
  -- Only in FerretDB's databases (schemas with its metadata table), never in other tables of the cluster.
  IF to_regclass(format('%I._ferretdb_database_metadata', idx.schema_name)) IS NULL THEN
    RETURN;
  END IF;
  expr := pg_get_indexdef(index_oid, 1, false);
  IF expr !~ '^\(*_jsonb -> ''[^'']+''::text\)*$' THEN
    RETURN; -- a nested path: FerretDB never pushes those down
  END IF;
  -- fastupdate off: each write updates the twin in place (one small entry) instead of queueing it in a
  -- pending list that some unlucky write later flushes all at once, a latency spike on the order path.
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((%s) jsonb_path_ops) WITH (fastupdate = off)',
                 ferretdb_stack.twin_name(idx.schema_name, idx.index_name), idx.indrelid::regclass, expr);
  EXECUTE format('ALTER INDEX %I.%I SET (fastupdate = off)',
                 idx.schema_name, ferretdb_stack.twin_name(idx.schema_name, idx.index_name));
END
$$;

CREATE OR REPLACE FUNCTION ferretdb_stack.on_create_index() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE object_type = 'index' LOOP
    PERFORM ferretdb_stack.add_twin(r.objid);
  END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION ferretdb_stack.on_drop_index() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT schema_name, object_name FROM pg_event_trigger_dropped_objects()
            WHERE object_type = 'index' AND original AND object_name LIKE '%\_idx' LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', r.schema_name,
                   ferretdb_stack.twin_name(r.schema_name, r.object_name));
  END LOOP;
END
$$;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'ferretdb_stack_create_index') THEN
    CREATE EVENT TRIGGER ferretdb_stack_create_index ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
      EXECUTE FUNCTION ferretdb_stack.on_create_index();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'ferretdb_stack_drop_index') THEN
    CREATE EVENT TRIGGER ferretdb_stack_drop_index ON sql_drop WHEN TAG IN ('DROP INDEX')
      EXECUTE FUNCTION ferretdb_stack.on_drop_index();
  END IF;
END
$$;

-- Indexes FerretDB made before this file was applied (a cluster from an older stack) get their twins now.
SELECT ferretdb_stack.add_twin(i.indexrelid)
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', 'ferretdb_stack')
   AND c.relname LIKE '%\_idx';
