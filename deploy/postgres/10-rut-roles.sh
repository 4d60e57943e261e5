#!/bin/sh
# PostgreSQL's first start (docker-entrypoint-initdb.d): the two roles of rut-portal.
#   rut_owner  owns the database and its schema; only the `migrate` service connects as it.
#   rut_app    what web, worker, pdf-worker and beat connect as: row access only, granted on
#              each deploy by `manage.py deploy` (INSERT/SELECT only on append-only tables).
# Needs RUT_OWNER_PASSWORD and RUT_APP_PASSWORD; runs as the image's superuser (postgres).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner_password="$RUT_OWNER_PASSWORD" -v app_password="$RUT_APP_PASSWORD" <<'SQL'
CREATE ROLE rut_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE rut_app LOGIN PASSWORD :'app_password';
CREATE DATABASE rut OWNER rut_owner;
\connect rut
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO rut_owner;
GRANT USAGE ON SCHEMA public TO rut_app;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SQL
