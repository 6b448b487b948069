-- Fills the current (empty) database with a catalog for the benchmark:
-- :tables tables spread evenly over 100 schemas (s001 … s100, tables t000001 …),
-- owned by the admin, in publication clickpipes_publication (FOR TABLE), readable by
-- the CDC role :cdc_role (USAGE, SELECT, default privileges), in one of two shapes
-- (:shape, default sparse).
--
-- Both shapes:
--   every table:          id bigint, created_at timestamptz, amount bigint
--   every 333rd table:    no primary key (tables.replica_identity lists them)
--   every 1000th table +500: left out of the publication (publication.tables lists them)
-- sparse (empty tables, few TOAST tables):
--   every 10th table:     also payload text, TOAST-able (tables.toast lists them)
-- realistic (every table has a TOAST table, 1% of them hold data in it):
--   odd tables:           also payload text, even tables: also doc jsonb (all TOAST-able)
--   every 100th table:    one row whose doc is ~8 kB of md5 hex, too long and too random
--                         to stay in line or be compressed: stored in its TOAST table
--                         (tables.toast warns about them)
--
-- DDL is generated server-side, one DO block (one transaction) per schema, so the lock
-- table stays small. Each relation is a file in the database's directory, and creating
-- files in a directory of several hundred thousand is what makes a fill slow: a table with
-- a TOAST-able column has two more (its TOAST table and that table's index), so the
-- realistic shape creates about twice the files of the sparse one.
--
--   psql -v tables=100000 -v cdc_role=cdc_user -v shape=realistic -f bench/fill.sql
\set ON_ERROR_STOP on
\set QUIET on
\if :{?shape}
\else
\set shape sparse
\endif
SELECT :'shape' IN ('sparse', 'realistic') AS shape_known \gset
\if :shape_known
\else
\echo 'fill.sql: shape must be sparse or realistic, not' :'shape'
SELECT 1 / 0 AS unknown_shape;
\endif
SET client_min_messages = warning;
CREATE PUBLICATION clickpipes_publication;

SELECT format($fill$
DO $do$
DECLARE
  per int := %1$s;
  s int := %2$s;
  realistic boolean := %4$L = 'realistic';
  schema text := format('s%%s', lpad(s::text, 3, '0'));
  first int := (s - 1) * per + 1;
  published text;
  inserts text;
BEGIN
  EXECUTE format('CREATE SCHEMA %%I', schema);
  EXECUTE (
    SELECT string_agg(format(
      'CREATE TABLE %%I.%%I (id bigint %%s, created_at timestamptz NOT NULL DEFAULT now(),'
      ' amount bigint%%s)',
      schema, format('t%%s', lpad(i::text, 6, '0')),
      CASE WHEN i %% 333 = 0 THEN 'NOT NULL' ELSE 'PRIMARY KEY' END,
      CASE
        WHEN realistic AND i %% 2 = 1 THEN ', payload text'
        WHEN realistic THEN ', doc jsonb'
        WHEN i %% 10 = 0 THEN ', payload text'
        ELSE ''
      END), '; ')
    FROM generate_series(first, first + per - 1) AS i);
  IF realistic THEN
    -- 256 md5 digests: 8 kB of hex that pglz cannot shrink by the 25%% it requires.
    SELECT string_agg(format(
      'INSERT INTO %%I.%%I (id, amount, doc) SELECT 1, 0, jsonb_build_object(''body'','
      ' string_agg(md5((%%s * 1000 + g)::text), '''')) FROM generate_series(1, 256) AS g',
      schema, format('t%%s', lpad(i::text, 6, '0')), i), '; ')
      INTO inserts
      FROM generate_series(first, first + per - 1) AS i WHERE i %% 100 = 0;
    IF inserts IS NOT NULL THEN
      EXECUTE inserts;
    END IF;
  END IF;
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
$fill$, :tables / 100, s, :'cdc_role', :'shape')
FROM generate_series(1, 100) AS s
\gexec

ANALYZE;
SELECT count(*) AS tables,
       count(t.oid) AS with_toast_table,
       count(t.oid) FILTER (WHERE pg_relation_size(t.oid) > 0) AS with_toast_data
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
WHERE c.relkind = 'r' AND n.nspname LIKE 's___';
