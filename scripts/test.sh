#!/usr/bin/env bash
# Lint, then run the whole test suite on both engines: SQLite (embedded) and PostgreSQL 15 (a
# throwaway cluster, scripts/pg-test.sh). Installs what it needs first: the venv from the lock, and
# from Debian's packages when missing Chromium (browser tests), redis-server (tests/ops start a
# private one for the shared rate-limit storage), Dovecot (tests/mail_sync start a private IMAP
# server) and the PostgreSQL server (scripts/pg-test.sh).
#   scripts/test.sh                      everything, both engines
#   scripts/test.sh -k partners -x       options go to pytest (both engines)
#   ENGINES=sqlite scripts/test.sh -x    one engine only (sqlite or postgresql)
#   PARALLEL=0 scripts/test.sh           the two engines one after the other (else side by side)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh test
scripts/lint.sh
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} for the tests…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
engines="${ENGINES:-sqlite postgresql}"
for engine in $engines; do
  case "$engine" in
    sqlite | postgresql) ;;
    *)
      echo "unknown engine '$engine' (sqlite or postgresql)" >&2
      exit 2
      ;;
  esac
done
# Each engine's run has a temporary folder of its own, so the two can run at the same time.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run_engine() {
  case "$1" in
    sqlite) env -u TEST_DATABASE_URL .venv/bin/python -m pytest --basetemp="$work/sqlite" "${@:2}" ;;
    postgresql) scripts/pg-test.sh --basetemp="$work/postgresql" "${@:2}" ;;
  esac
}
if [ "$engines" = "sqlite postgresql" ] && [ "${PARALLEL:-1}" = "1" ]; then
  # Both engines at once (about half the time on two cores): SQLite's report is shown when both ended.
  echo "== tests on SQLite and PostgreSQL side by side (PARALLEL=0 runs them one after the other)"
  run_engine sqlite "$@" >"$work/sqlite.log" 2>&1 &
  sqlite_pid=$!
  echo "== tests on PostgreSQL"
  postgresql_status=0
  run_engine postgresql "$@" || postgresql_status=$?
  sqlite_status=0
  wait "$sqlite_pid" || sqlite_status=$?
  echo "== tests on SQLite"
  cat "$work/sqlite.log"
  echo "== SQLite: $([ "$sqlite_status" = 0 ] && echo passed || echo "FAILED ($sqlite_status)")," \
    "PostgreSQL: $([ "$postgresql_status" = 0 ] && echo passed || echo "FAILED ($postgresql_status)")"
  [ "$sqlite_status" = 0 ] && [ "$postgresql_status" = 0 ]
  exit
fi
for engine in $engines; do
  echo "== tests on $engine"
  run_engine "$engine" "$@"
done
