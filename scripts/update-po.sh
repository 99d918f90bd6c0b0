#!/bin/sh
# Regenerates po/natverk.pot from the C sources and the templates, and
# merges it into po/sv.po.  Run after adding or changing a message; then
# translate the new entries in po/sv.po (tests fail on untranslated or fuzzy
# entries).  Usage: scripts/update-po.sh [OUTPUT.pot]   (default po/natverk.pot)
set -eu
cd "$(dirname "$0")/.."
out=${1:-po/natverk.pot}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find src -name '*.c' | LC_ALL=C sort > "$tmp/files"
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
	--add-comments=TRANSLATORS: --no-wrap --sort-by-file --package-name=natverk \
	--files-from="$tmp/files" -o "$tmp/c.pot"
/usr/bin/python3 scripts/extract-templates.py templates > "$tmp/templates.pot"
msgcat --use-first --no-wrap --sort-by-file "$tmp/c.pot" "$tmp/templates.pot" -o "$out"
if [ "$out" = po/natverk.pot ] && [ -f po/sv.po ]; then
	msgmerge --quiet --update --backup=none --no-wrap po/sv.po po/natverk.pot
fi
