#!/usr/bin/env bash
# Lint, then run the test suite, installing what it needs first (venv from the lock, Debian's Chromium,
# Debian's redis-server: tests/ops start a private one for the shared rate-limit storage).
# Options go to pytest: scripts/test.sh -k partners -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh test
scripts/lint.sh
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser tests…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if ! command -v redis-server >/dev/null; then
  echo "Installing redis-server for the rate-limit tests…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
