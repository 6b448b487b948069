-- Fills the current (empty) database with a catalog for the benchmark:
-- :tables tables spread evenly over 100 schemas (s001 … s100, tables t000001 …),
-- owned by the admin, in publication clickpipes_publication (FOR TABLE), readable by
-- the CDC role :cdc_role (USAGE, SELECT, default privileges).
--   every table:          id bigint, created_at timestamptz, amount bigint
--   every 10th table:     also payload text, TOAST-able (tables.toast lists them)
--   every 333rd table:    no primary key (tables.replica_identity lists them)
--   every 1000th table +500: left out of the publication (publication.tables lists them)
-- The tables are empty: the tool reads catalogs, not data. DDL is generated server-side,
-- one DO block (one transaction) per schema, so the lock table stays small. Only every
-- 10th table has a TOAST table: each relation is a file in the database's directory, and
-- creating files in a directory of several hundred thousand is what makes a fill slow.
--
--   psql -v tables=100000 -v cdc_role=cdc_user -f bench/fill.sql
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
CREATE PUBLICATION clickpipes_publication;

SELECT format($fill$
DO $do$
DECLARE
  per int := %1$s;
  s int := %2$s;
  schema text := format('s%%s', lpad(s::text, 3, '0'));
  first int := (s - 1) * per + 1;
  published text;
BEGIN
  EXECUTE format('CREATE SCHEMA %%I', schema);
  EXECUTE (
    SELECT string_agg(format(
      'CREATE TABLE %%I.%%I (id bigint %%s, created_at timestamptz NOT NULL DEFAULT now(),'
      ' amount bigint%%s)',
      schema, format('t%%s', lpad(i::text, 6, '0')),
      CASE WHEN i %% 333 = 0 THEN 'NOT NULL' ELSE 'PRIMARY KEY' END,
      CASE WHEN i %% 10 = 0 THEN ', payload text' ELSE '' END), '; ')
    FROM generate_series(first, first + per - 1) AS i);
  SELECT string_agg(format('%%I.%%I', schema, format('t%%s', lpad(i::text, 6, '0'))), ', ')
    INTO published
    FROM generate_series(first, first + per - 1) AS i WHERE i %% 1000 <> 500;
  IF published IS NOT NULL THEN
    EXECUTE 'ALTER PUBLICATION clickpipes_publication ADD TABLE ' || published;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %%I TO %%I', schema, %3$L);
  EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %%I TO %%I', schema, %3$L);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %%I GRANT SELECT ON TABLES TO %%I',
                 schema, %3$L);
END
$do$
$fill$, :tables / 100, s, :'cdc_role')
FROM generate_series(1, 100) AS s
\gexec

ANALYZE;
SELECT count(*) AS tables FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname LIKE 's___';
