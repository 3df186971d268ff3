#!/usr/bin/env bash
# Lint: ruff's rules, ruff's formatting, and dead code (vulture). Any finding fails.
#   scripts/lint.sh          check (run by scripts/test.sh before the tests)
#   scripts/lint.sh --fix    apply ruff's safe fixes and format, then check
# Configuration: [tool.ruff] and [tool.vulture] in pyproject.toml; scripts/deadcode_whitelist.py.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=".venv/bin"
scripts/setup-venv.sh test
if [ "${1:-}" = "--fix" ]; then
  "$bin/ruff" check --fix --quiet . || true
  "$bin/ruff" format --quiet .
fi
status=0
echo "lint: ruff check" && "$bin/ruff" check . || status=1
echo "lint: ruff format --check" && "$bin/ruff" format --check . || status=1
echo "lint: vulture (dead code)" && "$bin/vulture" || status=1
if [ "$status" -ne 0 ]; then
  echo "lint failed: 'scripts/lint.sh --fix' fixes what ruff can; dead code is removed by hand (or, when it" >&2
  echo "is used where vulture cannot see, listed with where it is used in scripts/deadcode_whitelist.py)." >&2
fi
exit "$status"
