#!/usr/bin/env bash
# Run Orchard locally: venv, install, migrate, offer demo data, serve on http://127.0.0.1:5000, with
# a job worker beside the server (imports, backups); Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh
export FLASK_APP=app
.venv/bin/flask db upgrade
if ! .venv/bin/flask has-users 2>/dev/null; then
  answer="y"
  if [ -t 0 ]; then
    read -r -p "The database is empty. Load demo data (60 partners, referrals, deals, history)? [Y/n] " answer || true
  fi
  case "${answer:-y}" in
    [nN]*) echo "Starting empty: register at http://127.0.0.1:${PORT:-5000}/register" ;;
    *) .venv/bin/flask demo ;;
  esac
fi

# the worker runs the jobs the pages queue (JOBS_BACKEND, default a SQLite file under instance/)
.venv/bin/flask worker &
worker=$!
stop_worker() {
  kill "$worker" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT TERM

echo
echo "  Orchard is running at http://127.0.0.1:${PORT:-5000}   (Ctrl+C to stop; a job worker runs beside it)"
echo
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
