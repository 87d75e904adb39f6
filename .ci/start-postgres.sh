#!/usr/bin/env bash
# Installs PostgreSQL from the Debian packages if needed, starts a throw-away cluster on
# 127.0.0.1:${PGPORT:-54329} and prints the SQLAlchemy URL of its test database on stdout.
set -euo pipefail
PGPORT="${PGPORT:-54329}"
PGDATA_DIR="${PGDATA_DIR:-/tmp/remu-pg-${PGPORT}}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
run_pg() { if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if ! run_pg "'$PGBIN/pg_ctl' -D '$PGDATA_DIR' status" >/dev/null 2>&1; then
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    mkdir -p "$PGDATA_DIR"
    [ "$(id -u)" = "0" ] && chown postgres "$PGDATA_DIR"
    run_pg "'$PGBIN/initdb' -D '$PGDATA_DIR' -U postgres -A trust -E UTF8 --locale=C.UTF-8" >&2
  fi
  run_pg "'$PGBIN/pg_ctl' -D '$PGDATA_DIR' -l '$PGDATA_DIR/server.log' -w -o \"-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200\" start" >&2
fi
for db in remu_test; do
  run_pg "'$PGBIN/psql' -h 127.0.0.1 -p $PGPORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='$db'\"" | grep -q 1 \
    || run_pg "'$PGBIN/createdb' -h 127.0.0.1 -p $PGPORT -U postgres $db" >&2
done
echo "postgresql+psycopg://postgres@127.0.0.1:${PGPORT}/remu_test"
