#!/bin/sh
# Translation checks: po/sv.po translates every message the sources and
# templates use, has no untranslated or fuzzy entry, and compiles cleanly.
# Prints "po: N passed, M failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
result() {
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1)); echo "ok - $1"
	else
		failed=$((failed + 1)); echo "not ok - $1"; [ -n "${3:-}" ] && echo "$3" | sed 's/^/    /' | head -30
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

scripts/update-po.sh "$tmp/fresh.pot" 2>"$tmp/err"
result "messages extract from sources and templates" $? "$(cat "$tmp/err")"

out=$(msgcmp --use-untranslated po/sv.po "$tmp/fresh.pot" 2>&1)
result "sv.po has every message of the sources (run make po)" $? "$out"

out=$(msgattrib --untranslated --no-obsolete po/sv.po 2>&1 | grep -A1 '^msgid' | grep -v '^msgid ""$' | grep -v '^--$')
untranslated=$(msgattrib --untranslated --no-obsolete po/sv.po 2>/dev/null | grep -c '^msgid ' || true)
# The header entry is always listed when anything is; more than it means gaps.
[ "${untranslated:-0}" -le 1 ] && [ -z "$(msgattrib --untranslated --no-obsolete po/sv.po 2>/dev/null | grep '^msgid "..*"')" ]
result "sv.po has no untranslated entry" $? "$out"

fuzzy=$(msgattrib --only-fuzzy --no-obsolete po/sv.po 2>/dev/null | grep '^msgid "..*"')
[ -z "$fuzzy" ]
result "sv.po has no fuzzy entry" $? "$fuzzy"

out=$(msgfmt --check -o /dev/null po/sv.po 2>&1)
result "sv.po compiles with msgfmt --check" $? "$out"

echo "po: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
