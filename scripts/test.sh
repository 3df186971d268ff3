#!/usr/bin/env bash
# Lint, then run the whole test suite on both engines: SQLite (embedded) and PostgreSQL 15 (a
# throwaway cluster, scripts/pg-test.sh). Installs what it needs first: the venv from the lock, and
# from Debian's packages when missing Chromium (browser tests), redis-server (tests/ops start a
# private one for the shared rate-limit storage) and the PostgreSQL server (scripts/pg-test.sh).
#   scripts/test.sh                      everything, both engines
#   scripts/test.sh -k partners -x       options go to pytest (both engines)
#   ENGINES=sqlite scripts/test.sh -x    one engine only (sqlite or postgresql)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh test
scripts/lint.sh
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} for the tests…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
engines="${ENGINES:-sqlite postgresql}"
for engine in $engines; do
  case "$engine" in
    sqlite)
      echo "== tests on SQLite"
      env -u TEST_DATABASE_URL .venv/bin/python -m pytest "$@"
      ;;
    postgresql)
      echo "== tests on PostgreSQL"
      scripts/pg-test.sh "$@"
      ;;
    *)
      echo "unknown engine '$engine' (sqlite or postgresql)" >&2
      exit 2
      ;;
  esac
done
