#!/usr/bin/env bash
# The translation catalogs (Flask-Babel): messages come from app/, config.py and templates/.
#   scripts/i18n.sh extract    write translations/messages.pot from the code
#   scripts/i18n.sh update     extract, then merge the template into every catalog (new messages empty)
#   scripts/i18n.sh compile    translations/*/LC_MESSAGES/messages.po → .mo (run by setup-venv.sh)
#   scripts/i18n.sh init LANG  start the catalog of a new language
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=".venv/bin/pybabel"
pot="translations/messages.pot"
extract() {
  "$pybabel" -q extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2 \
    -k pgettext:1c,2 -k lazy_pgettext:1c,2 -k N_ -k N_plural:1,2 -k Text -k ServiceError -k BackupError -k ImportFileError -k AmountError \
    --no-location --sort-output --omit-header -o "$pot" .
}
case "${1:-}" in
  extract) extract ;;
  update)
    extract
    "$pybabel" -q update -i "$pot" -d translations --no-fuzzy-matching --ignore-obsolete --width 100  # as the catalog is wrapped
    ;;
  compile) "$pybabel" -q compile -d translations --statistics 2>/dev/null || "$pybabel" -q compile -d translations ;;
  init) "$pybabel" -q init -i "$pot" -d translations -l "${2:?a language code, e.g. de}" ;;
  *)
    echo "usage: scripts/i18n.sh extract|update|compile|init LANG" >&2
    exit 2
    ;;
esac
