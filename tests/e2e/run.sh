#!/bin/sh
# tests/e2e/run.sh [BUILD] - the browser end-to-end and accessibility test.
#
# Installs the pinned npm packages (playwright-core, axe-core) with npm ci
# when node_modules is missing or does not match package-lock.json, creates
# a fresh SQLite database with BUILD/natverk (default: build), starts
# `natverk serve` on a free port, runs directory.test.mjs and then
# flows.test.mjs against it in Debian's chromium (playwright never downloads
# a browser), and stops the server.  flows.test.mjs reads the set-up link
# from the server's output and the mails from mail.out next to the database.
# The last line is "e2e: N passed, M failed" (both files together); the exit
# code is non-zero when anything failed, and 77 ("e2e: skipped (reason)")
# when node or chromium is missing.
#
# Environment: CHROMIUM (default /usr/bin/chromium), NODE (default node).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in
/*) ;;
*) if [ -d "$build" ]; then build=$(cd "$build" && pwd); else build=$root/$build; fi ;;
esac

skip() {
	echo "e2e: skipped ($1)"
	exit 77
}
# Something broke before any test could run: count it as one failure.
broken() {
	echo "not ok - setup: $1"
	echo "e2e: 0 passed, 1 failed"
	exit 1
}

NODE=${NODE:-node}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v "$NODE" >/dev/null 2>&1 || skip "node not found"
[ -x "$CHROMIUM" ] || skip "chromium not found at $CHROMIUM"
node_major=$("$NODE" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] 2>/dev/null || skip "node 20 or newer needed, found $("$NODE" --version 2>/dev/null)"
[ -x "$build/natverk" ] || broken "no natverk binary in $build (build first)"

# npm ci when node_modules is missing or stale: a stamp written after a
# successful install holds the checksum of the package-lock.json it installed.
# Two runs at once (make -j) take turns through a lock.
stamp=$here/node_modules/.natverk-lock.sha256
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
fresh() {
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
		[ -f "$here/node_modules/playwright-core/package.json" ] &&
		[ -f "$here/node_modules/axe-core/axe.min.js" ]
}
if ! fresh; then
	command -v npm >/dev/null 2>&1 || skip "npm not found"
	lock=${TMPDIR:-/tmp}/natverk-e2e-npm-$(id -u).lock
	if ! out=$(
		exec 9>"$lock"
		command -v flock >/dev/null 2>&1 && flock -w 300 9
		fresh && exit 0
		cd "$here" && npm ci --no-audit --no-fund --loglevel=error 2>&1 &&
			echo "$want" >"$stamp"
	); then
		printf '%s\n' "$out" | sed 's/^/# /'
		broken "npm ci failed"
	fi
fi

# A server that crashed stays a zombie until waited for: kill -0 is not enough.
alive() {
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $st in Z* | '') return 1 ;; esac
	return 0
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/natverk-e2e.XXXXXX") || broken "mktemp failed"
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
# On a signal, exit through the EXIT trap so that the server is stopped too
# (a closed pipe, as in `run.sh | head`, would otherwise orphan it).
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

db=$tmp/e2e.db
"$build/natverk" migrate --db "$db" >"$tmp/setup.log" 2>&1 &&
	"$build/natverk" import --db "$db" >>"$tmp/setup.log" 2>&1 || {
	sed 's/^/# /' "$tmp/setup.log"
	broken "could not create the database"
}

# Mail goes to the file next to the database, where flows.test.mjs reads it.
unset NATVERK_DB NATVERK_LISTEN NATVERK_BASE_URL NATVERK_SMTP_URL NATVERK_MAIL_FILE
: >"$tmp/serve.out"
: >"$tmp/serve.err"
NATVERK_ACCESS_LOG=0 NATVERK_ROOT=$root \
	"$build/natverk" serve --db "$db" --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!

# serve prints "natverk X listening on http://127.0.0.1:PORT (...)".
url=
i=0
while [ $i -lt 100 ]; do
	url=$(sed -n 's/.* listening on \(http:\/\/[^ ]*\).*/\1/p' "$tmp/serve.out" 2>/dev/null | head -n 1)
	[ -n "$url" ] && break
	alive "$pid" || break
	sleep 0.1
	i=$((i + 1))
done
if [ -z "$url" ]; then
	sed 's/^/# /' "$tmp/serve.out" "$tmp/serve.err"
	broken "the server did not start"
fi

# Shown as it runs and kept for counting; the exit status goes through a file
# because a pipeline in sh has the status of its last command.  The flows
# come second: they add to the directory that the first file counts.
{
	rc=0
	for t in directory flows; do
		NATVERK_E2E_URL=$url NATVERK_E2E_SERVE_OUT=$tmp/serve.out NATVERK_E2E_MAIL=$tmp/mail.out \
			CHROMIUM=$CHROMIUM "$NODE" "$here/$t.test.mjs" 2>&1
		st=$?
		[ "$st" -ne 0 ] && rc=$st
	done
	echo $rc >"$tmp/test.rc"
} | tee "$tmp/test.out"
rc=$(cat "$tmp/test.rc" 2>/dev/null || echo 1)
if alive "$pid"; then
	echo "ok - the server is still running after the tests" | tee -a "$tmp/test.out"
else
	echo "not ok - the server is still running after the tests: it exited" | tee -a "$tmp/test.out"
fi

passed=$(grep -c '^ok - ' "$tmp/test.out")
failed=$(grep -c '^not ok - ' "$tmp/test.out")
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "not ok - test script exited with status $rc"
	failed=1
fi
if [ "$failed" -ne 0 ] && [ -s "$tmp/serve.err" ]; then
	echo "# server log (stderr):"
	sed 's/^/#   /' "$tmp/serve.err"
fi
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
