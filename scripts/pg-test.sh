#!/usr/bin/env bash
# Run the test suite on PostgreSQL 15: a throwaway cluster on port 5433 (made afresh, dropped on exit),
# TEST_DATABASE_URL pointing at it, pytest with the arguments given (PORT and CLUSTER may be set).
#   scripts/pg-test.sh -q -m "not browser"
set -euo pipefail
cd "$(dirname "$0")/.."

PG_VERSION=15
CLUSTER=${CLUSTER:-orchardtest}
PORT=${PORT:-5433}
PYTHON=${PYTHON:-.venv/bin/python}

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
  AS_POSTGRES="runuser -u postgres --"
else
  SUDO="sudo"
  AS_POSTGRES="sudo -u postgres"
fi

if ! command -v pg_createcluster >/dev/null || [ ! -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ]; then
  echo "Installing PostgreSQL…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

drop_cluster() {
  $SUDO pg_dropcluster --stop "$PG_VERSION" "$CLUSTER" >/dev/null 2>&1 || true
  # a half-made cluster (interrupted pg_createcluster) leaves directories pg_dropcluster does not know
  $SUDO rm -rf "/etc/postgresql/$PG_VERSION/$CLUSTER" "/var/lib/postgresql/$PG_VERSION/$CLUSTER"
}

drop_cluster # one left by an earlier run
trap drop_cluster EXIT

# durability is not needed for a cluster that lives as long as one test run
$SUDO pg_createcluster "$PG_VERSION" "$CLUSTER" -p "$PORT" \
  -o fsync=off -o synchronous_commit=off -o full_page_writes=off >/dev/null
$SUDO pg_ctlcluster "$PG_VERSION" "$CLUSTER" start
$AS_POSTGRES psql -q -p "$PORT" -c "CREATE ROLE orchard LOGIN PASSWORD 'orchard'"
$AS_POSTGRES createdb -p "$PORT" -O orchard orchard_test

export TEST_DATABASE_URL="postgresql+psycopg://orchard:orchard@127.0.0.1:$PORT/orchard_test"
"$PYTHON" -m pytest "$@"
