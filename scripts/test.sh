#!/usr/bin/env bash
# Run the whole test suite, installing what it needs first (venv, packages, Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh test
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser tests…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
