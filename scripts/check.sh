#!/bin/bash
# Runs every test suite and sums them up.  Usage: scripts/check.sh [BUILD_DIR]
#
# Suites: lint, translations, the Criterion programs on SQLite, the database
# programs again on a throwaway PostgreSQL (scripts/pg-test.sh), the same
# unit programs built with AddressSanitizer and UBSan, and the browser test.
# Each prints "<suite>: N passed, M failed" (or "skipped (why)"); the last
# line is the total "N passed, M failed", and the exit status is non-zero
# when anything failed.  A suite that cannot run says skipped, never passed.
#
# Environment: NATVERK_CHECK_SANITIZE=0 skips the sanitizer build,
# NATVERK_CHECK_PG=0 skips PostgreSQL, NATVERK_CHECK_E2E=0 the browser.
set -u
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build}
total_pass=0
total_fail=0
skipped=()
logdir=$(mktemp -d "${TMPDIR:-/tmp}/natverk-check-XXXXXX")
pgdir=""

cleanup() {
	if [ -n "$pgdir" ]; then scripts/pg-test.sh stop "$pgdir" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

add() { # suite passed failed
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	printf '%-28s %s passed, %s failed\n' "$1:" "$2" "$3"
}

skip() { # suite reason
	skipped+=("$1")
	printf '%-28s skipped (%s)\n' "$1:" "$2"
}

# A shell suite that ends with "<name>: N passed, M failed".
run_script() { # suite command...
	local suite=$1
	shift
	local log="$logdir/$suite.log"
	"$@" >"$log" 2>&1
	local rc=$?
	local line
	line=$(grep -E '^[a-z0-9-]+: ([0-9]+ passed, [0-9]+ failed|skipped)' "$log" | tail -1)
	if [[ $line =~ skipped ]]; then
		skip "$suite" "${line#*skipped }"
	elif [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
		local f=${BASH_REMATCH[2]}
		[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
		add "$suite" "${BASH_REMATCH[1]}" "$f"
	else
		add "$suite" 0 1
	fi
	if [ $rc -ne 0 ]; then sed 's/^/    /' "$log" | grep -vE '^    ok - ' | tail -40; fi
}

# A Criterion program: parse its synthesis line; a sanitizer report or a
# crash of the runner counts as a failure too.
run_criterion() { # suite program [env...]
	local suite=$1 prog=$2
	shift 2
	local log="$logdir/$suite.log"
	if [ ! -x "$prog" ]; then
		add "$suite" 0 1
		echo "    missing program $prog"
		return
	fi
	env NATVERK_ROOT="$root" "$@" "$prog" --jobs 2 >"$log" 2>&1
	local rc=$?
	local line
	line=$(grep -E 'Synthesis: Tested' "$log" | tail -1)
	if [[ $line =~ Passing:\ ([0-9]+)\ \|\ Failing:\ ([0-9]+)\ \|\ Crashing:\ ([0-9]+) ]]; then
		local p=${BASH_REMATCH[1]} f=$((BASH_REMATCH[2] + BASH_REMATCH[3]))
		if grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$log"; then
			f=$((f + 1))
			echo "    sanitizer report in $log"
		fi
		[ $rc -ne 0 ] && [ $f -eq 0 ] && f=1
		add "$suite" "$p" "$f"
	else
		add "$suite" 0 1
	fi
	if [ $rc -ne 0 ] || grep -qE 'Sanitizer|runtime error:' "$log"; then
		grep -vE '"level":"(info|access|warn)"' "$log" | grep -E -A6 'FAIL|Assertion|Sanitizer|runtime error|CRASH' | sed 's/^/    /' | head -60
	fi
}

unit_programs=(util http domain auth)
db_programs=(db pages view server mail accounts networks matching)

run_script lint scripts/lint.sh
run_script translations scripts/check-po.sh

for p in "${unit_programs[@]}"; do
	run_criterion "$p" "$build/tests/test-$p"
done
for p in "${db_programs[@]}"; do
	run_criterion "$p (sqlite)" "$build/tests/test-$p"
done

run_script "match vs scipy" tests/domain/test_match_scipy.sh "$build"

if [ "${NATVERK_CHECK_PG:-1}" = 0 ]; then
	skip "postgresql" "NATVERK_CHECK_PG=0"
elif ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	skip "postgresql" "no PostgreSQL server installed"
else
	# Not under $logdir: the postgres user must reach the folder.
	pgdir=$(mktemp -u "${TMPDIR:-/tmp}/natverk-pg-XXXXXX")
	if exports=$(scripts/pg-test.sh start "$pgdir" 2>"$logdir/pg-start.log"); then
		eval "$exports"
		for p in "${db_programs[@]}"; do
			run_criterion "$p (postgresql)" "$build/tests/test-$p" NATVERK_TEST_DB="$NATVERK_TEST_DB"
		done
		unset NATVERK_TEST_DB
	else
		add "postgresql start" 0 1
		sed 's/^/    /' "$logdir/pg-start.log" | tail -20
		pgdir=""
	fi
fi

if [ "${NATVERK_CHECK_SANITIZE:-1}" = 0 ]; then
	skip "sanitizers" "NATVERK_CHECK_SANITIZE=0"
else
	asan="${build}-asan"
	if [ ! -f "$asan/build.ninja" ]; then
		meson setup "$asan" -Db_sanitize=address,undefined -Db_lundef=false \
			--buildtype=debug >"$logdir/asan-setup.log" 2>&1
	fi
	if meson compile -C "$asan" >"$logdir/asan-build.log" 2>&1; then
		for p in "${unit_programs[@]}" "${db_programs[@]}"; do
			run_criterion "$p (asan+ubsan)" "$asan/tests/test-$p" \
				ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
				UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
		done
	else
		add "sanitizer build" 0 1
		tail -30 "$logdir/asan-build.log" | sed 's/^/    /'
	fi
fi

if [ "${NATVERK_CHECK_E2E:-1}" = 0 ]; then
	skip "browser (e2e)" "NATVERK_CHECK_E2E=0"
elif [ -x tests/e2e/run.sh ]; then
	run_script "browser (e2e)" tests/e2e/run.sh "$build"
else
	skip "browser (e2e)" "tests/e2e/run.sh missing"
fi

echo
if [ ${#skipped[@]} -gt 0 ]; then
	echo "skipped suites: ${skipped[*]}"
fi
echo "logs: $logdir"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
