#!/usr/bin/env bash
# Run Orchard locally: venv, install, migrate, offer demo data, serve on http://127.0.0.1:5000
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
    [nN]*) echo "Starting empty: register at http://127.0.0.1:5000/register" ;;
    *) .venv/bin/flask demo ;;
  esac
fi
echo
echo "  Orchard is running at http://127.0.0.1:${PORT:-5000}   (Ctrl+C to stop)"
echo
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
