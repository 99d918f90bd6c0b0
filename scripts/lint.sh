#!/bin/sh
# Source checks that need no compiler: banned calls (STYLE.md), a header
# comment at the top of every source file, and no tabs/spaces mix-ups that
# clang-format would change in files already formatted.  Prints one line per
# check and a summary "lint: N passed, M failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
check() { # name, offending lines (none = pass)
	out=$2
	if [ -z "$out" ]; then
		passed=$((passed + 1))
		echo "ok - $1"
	else
		failed=$((failed + 1))
		echo "not ok - $1"
		echo "$out" | sed 's/^/    /' | head -20
	fi
}

for fn in sprintf strcpy strcat atoi rand random gets system; do
	check "no $fn() in src/" "$(git grep -nE "(^|[^_a-zA-Z0-9])$fn[[:space:]]*\(" -- 'src/*.c' 'src/*.h' |
		grep -vE "(snprintf|vsnprintf)")"
done

check "every source file opens with a comment saying what it owns" "$(
	for f in $(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h'); do
		head -n 1 "$f" | grep -q '^/\*' || echo "$f"
	done)"

check "every template opens with a comment listing its keys" "$(
	for f in $(git ls-files 'templates/*.mustache'); do
		head -n 1 "$f" | grep -q '^{{!' || echo "$f"
	done)"

check "libmicrohttpd, sqlite3 and libpq stay in their modules" "$(
	git grep -nE '#include <(microhttpd|sqlite3|libpq-fe)\.h>' -- 'src/*.c' 'src/*.h' |
		grep -vE '^src/(http/server\.c|db/db_sqlite\.c|db/db_pg\.c)')"

check "domain/ includes nothing above it" "$(git grep -nE '#include "(http|db|pages|view)/' -- 'src/domain/*')"
check "db/ never includes view/ or pages/" "$(git grep -nE '#include "(view|pages|routes)' -- 'src/db/*')"
check "view/ never includes db/ or pages/" "$(git grep -nE '#include "(db|pages|routes)' -- 'src/view/*')"
check "http/ knows no page" "$(git grep -nE '#include "(pages|routes)' -- 'src/http/*')"

echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
