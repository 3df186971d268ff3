#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install Orchard from the lock, only when something changed.
#   scripts/setup-venv.sh         the app            (requirements/app.txt)
#   scripts/setup-venv.sh test    tests, lint, bench (requirements/test.txt, includes prod)
#   scripts/setup-venv.sh prod    production         (requirements/prod.txt)
# pyproject.toml keeps the ranges; the pinned versions come from requirements/ (scripts/lock.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
set_name="${1:-app}"
lock="requirements/$set_name.txt"
if [ ! -f "$lock" ]; then
  echo "No lock file $lock (choose: $(cd requirements && ls ./*.txt | sed 's|^\./||; s|\.txt$||' | tr '\n' ' '))" >&2
  exit 2
fi
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
# The stamp holds the checksum of what was installed: re-install when the lock or pyproject.toml changed.
stamp=".venv/.installed-$set_name"
wanted="$(cat "$lock" pyproject.toml | cksum)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$wanted" >"$stamp"
fi
scripts/i18n.sh compile
