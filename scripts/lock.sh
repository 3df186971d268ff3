#!/usr/bin/env bash
# Refresh the pinned dependency sets in requirements/ from the ranges in pyproject.toml.
#   scripts/lock.sh                               keep every pin that still fits, add/drop what changed
#   scripts/lock.sh --upgrade-package sqlalchemy  move one package (and what it needs) to its newest
#   scripts/lock.sh --upgrade                     move everything to the newest versions the ranges allow
# app.txt is compiled first; test.txt and prod.txt are constrained by it, so shared pins are identical.
# pip-tools runs from a throwaway virtualenv, never from the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
tool="$(mktemp -d)"
trap 'rm -rf "$tool"' EXIT
"$python" -m venv "$tool"
"$tool/bin/python" -m pip install --quiet --disable-pip-version-check "pip-tools>=7.4,<8"
compile() {
  CUSTOM_COMPILE_COMMAND="scripts/lock.sh" \
    "$tool/bin/pip-compile" --quiet --strip-extras --no-emit-index-url --no-emit-trusted-host --no-emit-find-links "$@"
}
mkdir -p requirements
compile "$@" -o requirements/app.txt pyproject.toml
compile "$@" -c requirements/app.txt --extra test --extra prod -o requirements/test.txt pyproject.toml
compile "$@" -c requirements/app.txt --extra prod -o requirements/prod.txt pyproject.toml
echo "requirements/app.txt, test.txt and prod.txt are up to date; commit them with pyproject.toml."
