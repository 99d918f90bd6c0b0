#!/bin/bash
# bench.sh - the benchmarks of bench/README.md (`make bench` runs it).
#
#   scripts/bench.sh
#
# Builds an optimised natverk in build-release/ (Meson, --buildtype=release),
# creates a fresh SQLite database in a temporary folder (migrate + import),
# serves it with the access log off, saves a static copy of /organisations
# and serves that copy with a throwaway nginx (its own config, pid file, logs
# and temp paths in the temporary folder; works as root and as a normal user).
# Then, in one run, wrk measures:
#   nginx-static   the saved copy of /organisations from nginx (the yardstick)
#   html           natverk /organisations, HTML, 50 rows (the budgeted page)
#   json           natverk /organisations with Accept: application/json
#   filtered       natverk /organisations?q=a&sort=-population, HTML
# each with 64 connections and 2 threads, a 3 s warm-up, then 10 s measured
# with --latency; then natverk's peak resident memory (VmHWM), and the time
# `natverk serve` takes from exec to its "listening" line (best of 10).
# Prints a summary and writes it as markdown to bench/results/latest.md,
# with wrk's full output in bench/results/latest-raw.txt.
#
# Environment:
#   BENCH_CONNECTIONS  wrk connections (64)     BENCH_WRK_THREADS  wrk threads (2)
#   BENCH_WARMUP       warm-up seconds (3)      BENCH_DURATION     measured seconds (10)
#   BENCH_THREADS      e.g. "2 3 4": afterwards, measure the HTML page again
#                      with NATVERK_THREADS set to each value (13 s each)
#   BENCH_BUILD        build folder (build-release)
#   BENCH_KEEP=1       keep the temporary folder (database, logs, nginx config)
#   NATVERK_ROOT       as for natverk; by default a snapshot of the source
#                      tree's templates/, static/, data/ and migrations/
#
# Budgets are reported as met or missed; the script fails only when it cannot
# run the benchmarks, never because a budget was missed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-release}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
WARMUP=${BENCH_WARMUP:-3}
DURATION=${BENCH_DURATION:-10}
SWEEP=${BENCH_THREADS:-}
RESULTS=$ROOT/bench/results
LUA=$ROOT/bench/report.lua
STARTUP_RUNS=10

# Budgets: the issue's, and DESIGN.md section 7's stricter ones.
ISSUE_RATIO=5 ISSUE_P99_MS=15
DESIGN_RATIO=3 DESIGN_P99_MS=10
RSS_LIMIT_KB=$((64 * 1024))
STARTUP_LIMIT_MS=200

die() {
	echo "bench.sh: $*" >&2
	exit 1
}
say() {
	echo "== $*" >&2
}

# --- tools ---------------------------------------------------------------
for t in meson wrk curl awk; do
	command -v "$t" >/dev/null 2>&1 || die "$t is missing (scripts/deps.sh bench installs it)"
done
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } ||
	die "nginx is missing (scripts/deps.sh bench installs it)"
[ -r /proc/self/status ] || die "needs Linux /proc for the memory figures"

# --- clean-up ------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/natverk-bench.XXXXXX")
SERVER_PID=
NGINX_PID=
STARTUP_PID=

stop_pid() { # PID: SIGTERM, wait up to 5 s, then SIGKILL
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_pid "$STARTUP_PID"
	stop_pid "$SERVER_PID"
	stop_pid "$NGINX_PID"
	exec 3<&- 2>/dev/null || true
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench.sh: kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Microseconds since the epoch (EPOCHREALTIME's separator follows the locale).
now_us() {
	local t=${EPOCHREALTIME/[,.]/}
	echo "$((10#$t))"
}

# --- build ---------------------------------------------------------------
say "building an optimised binary in $BUILD"
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$ROOT" --buildtype=release >"$TMP/meson-setup.log" 2>&1 ||
		{ cat "$TMP/meson-setup.log" >&2; die "meson setup failed"; }
fi
# Only the server and its translations (the benchmarks need no test
# programs); everything when those target names are unknown.
meson compile -C "$BUILD" natverk sv-mo >"$TMP/meson-compile.log" 2>&1 ||
	meson compile -C "$BUILD" >>"$TMP/meson-compile.log" 2>&1 ||
	{ tail -n 40 "$TMP/meson-compile.log" >&2; die "the build failed"; }
BIN=$BUILD/natverk
[ -x "$BIN" ] || die "$BIN was not built"
BUILDTYPE=$(meson introspect --buildoptions "$BUILD" 2>/dev/null |
	grep -o '"name": "buildtype", "value": "[a-z]*"' | sed 's/.*"value": "//; s/"$//' || true)
[ -n "$BUILDTYPE" ] || BUILDTYPE=unknown
[ "$BUILDTYPE" = release ] || say "warning: $BUILD has buildtype $BUILDTYPE, not release"

# The run reads templates, static files, data and migrations from a snapshot
# taken now, so edits to the source tree during the run cannot change it.
if [ -z "${NATVERK_ROOT:-}" ]; then
	mkdir -p "$TMP/root"
	for d in templates static data migrations; do
		[ -d "$ROOT/$d" ] && cp -R "$ROOT/$d" "$TMP/root/"
	done
	export NATVERK_ROOT=$TMP/root
fi

# --- database ------------------------------------------------------------
DB=$TMP/bench.db
say "creating $DB (migrate + import)"
"$BIN" migrate --db "$DB" >"$TMP/migrate.log" 2>&1 || { cat "$TMP/migrate.log" >&2; die "migrate failed"; }
"$BIN" import --db "$DB" >"$TMP/import.log" 2>&1 || { cat "$TMP/import.log" >&2; die "import failed"; }

# --- natverk -------------------------------------------------------------
# start_natverk [THREADS]: sets SERVER_PID, BASE (http://host:port), SERVER_LINE.
start_natverk() {
	local threads=${1:-} i line=
	: >"$TMP/serve.out"
	: >"$TMP/serve.err"
	if [ -n "$threads" ]; then
		NATVERK_ACCESS_LOG=0 NATVERK_THREADS=$threads \
			"$BIN" serve --db "$DB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>>"$TMP/serve.err" &
	else
		env -u NATVERK_THREADS NATVERK_ACCESS_LOG=0 \
			"$BIN" serve --db "$DB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>>"$TMP/serve.err" &
	fi
	SERVER_PID=$!
	for i in $(seq 100); do
		line=$(grep -m1 'listening on http://' "$TMP/serve.out" || true)
		[ -n "$line" ] && break
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/serve.err" >&2; die "natverk serve exited"; }
		sleep 0.1
	done
	[ -n "$line" ] || { cat "$TMP/serve.err" >&2; die "natverk serve did not print its listening line"; }
	SERVER_LINE=$line
	BASE=$(echo "$line" | grep -o 'http://[^ ]*' | head -n1)
	BASE=${BASE%/}
}

stop_natverk() {
	stop_pid "$SERVER_PID"
	SERVER_PID=
}

# peak_rss PID: "VmHWM VmRSS" in kB.
peak_rss() {
	awk '/^VmHWM:/ { h = $2 } /^VmRSS:/ { r = $2 } END { print h + 0, r + 0 }' "/proc/$1/status"
}

# cpu_ticks PID...: user + system clock ticks used so far by the processes
# (all their threads).
cpu_ticks() {
	local t=0 p
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] || continue
		# The command name (field 2) may hold spaces: count from after ")".
		t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
	done
	echo "$t"
}
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

# --- wrk -----------------------------------------------------------------
# run_wrk NAME URL [wrk options...]: a warm-up, then the measured run; sets
# R_<field>[NAME] from report.lua's RESULT line, and R_cpu[NAME], the server's
# CPU time per request, from the processes in CPU_PIDS.
declare -A R_rps R_p50 R_p99 R_max R_status R_sock R_bytes R_cpu
CPU_PIDS=
run_wrk() {
	local name=$1 url=$2 out line k v c0 c1
	shift 2
	say "wrk $name: $url (${WARMUP} s warm-up, ${DURATION} s measured)"
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || true
	out=$TMP/wrk-$name.txt
	# shellcheck disable=SC2086
	c0=$(cpu_ticks $CPU_PIDS)
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$LUA" "$@" "$url" >"$out" 2>&1 ||
		{ cat "$out" >&2; die "wrk failed for $name"; }
	# shellcheck disable=SC2086
	c1=$(cpu_ticks $CPU_PIDS)
	{
		echo "### $name: wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency $* $url"
		grep -v '^RESULT ' "$out"
		echo
	} >>"$TMP/raw.txt"
	line=$(grep '^RESULT ' "$out") || { cat "$out" >&2; die "no RESULT line from wrk for $name"; }
	declare -A f=()
	for kv in ${line#RESULT }; do
		k=${kv%%=*} v=${kv#*=}
		f[$k]=$v
	done
	R_rps[$name]=${f[rps]}
	R_p50[$name]=$(awk -v u="${f[p50_us]}" 'BEGIN { printf "%.2f", u / 1000 }')
	R_p99[$name]=$(awk -v u="${f[p99_us]}" 'BEGIN { printf "%.2f", u / 1000 }')
	R_max[$name]=$(awk -v u="${f[max_us]}" 'BEGIN { printf "%.2f", u / 1000 }')
	R_status[$name]=${f[status]}
	R_sock[$name]=$((f[connect] + f[read] + f[write] + f[timeout]))
	R_cpu[$name]=$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" -v n="${f[requests]}" \
		'BEGIN { printf "%.0f", (n ? t / hz * 1e6 / n : 0) }')
	R_bytes[$name]=$(awk -v b="${f[bytes]}" -v n="${f[requests]}" 'BEGIN { printf "%d", (n ? b / n : 0) }')
}

# --- start-up time -------------------------------------------------------
# Best of STARTUP_RUNS: from just before the fork of `natverk serve` to the
# moment its "listening" line can be read from a pipe.
measure_startup() {
	local fifo=$TMP/startup.fifo i t0 t1 us best='' line all=()
	mkfifo "$fifo"
	for i in $(seq "$STARTUP_RUNS"); do
		t0=$(now_us)
		NATVERK_ACCESS_LOG=0 "$BIN" serve --db "$DB" --listen 127.0.0.1:0 >"$fifo" 2>>"$TMP/startup.err" &
		STARTUP_PID=$!
		exec 3<"$fifo"
		t1=
		while IFS= read -r -t 10 line <&3; do
			case $line in
			*listening*) t1=$(now_us); break ;;
			esac
		done
		exec 3<&-
		stop_pid "$STARTUP_PID"
		STARTUP_PID=
		[ -n "$t1" ] || { cat "$TMP/startup.err" >&2; die "natverk serve did not become ready (start-up run $i)"; }
		us=$((t1 - t0))
		all+=("$us")
		if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
	done
	STARTUP_BEST_MS=$(awk -v u="$best" 'BEGIN { printf "%.1f", u / 1000 }')
	STARTUP_ALL_MS=$(printf '%s\n' "${all[@]}" | awk '{ printf "%s%.1f", (NR > 1 ? " " : ""), $1 / 1000 }')
	STARTUP_BEST_US=$best
}

# --- nginx ---------------------------------------------------------------
# start_nginx PAGE CONTENT_TYPE: serves PAGE at /organisations on a free port;
# sets NGINX_PID, NGINX_BASE.
start_nginx() {
	local page=$1 ctype=$2 dir=$TMP/nginx port user_line='' i
	mkdir -p "$dir/www" "$dir/tmp"
	cp "$page" "$dir/www/organisations"
	# As root, nginx would run its workers as "nobody", who cannot read the
	# private temporary folder; as a normal user the directive is ignored.
	if [ "$(id -u)" -eq 0 ]; then
		user_line="user $(id -un) $(id -gn);"
	fi
	for _ in $(seq 20); do
		port=$((20000 + RANDOM % 40000))
		cat >"$dir/nginx.conf" <<-EOF
			# throwaway nginx for scripts/bench.sh
			$user_line
			worker_processes 2;
			daemon off;
			pid $dir/nginx.pid;
			error_log $dir/error.log warn;
			events { worker_connections 1024; }
			http {
			    access_log off;
			    client_body_temp_path $dir/tmp/client_body;
			    proxy_temp_path $dir/tmp/proxy;
			    fastcgi_temp_path $dir/tmp/fastcgi;
			    uwsgi_temp_path $dir/tmp/uwsgi;
			    scgi_temp_path $dir/tmp/scgi;
			    sendfile on;
			    tcp_nopush on;
			    server {
			        listen 127.0.0.1:$port;
			        root $dir/www;
			        location = /organisations {
			            types { }
			            default_type "$ctype";
			        }
			    }
			}
		EOF
		: >"$dir/error.log"
		"$NGINX" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" >>"$dir/stderr.log" 2>&1 &
		NGINX_PID=$!
		for i in $(seq 50); do
			if ! kill -0 "$NGINX_PID" 2>/dev/null; then
				wait "$NGINX_PID" 2>/dev/null || true
				NGINX_PID=
				break
			fi
			if curl -fs -o /dev/null "http://127.0.0.1:$port/organisations"; then
				NGINX_BASE=http://127.0.0.1:$port
				return 0
			fi
			sleep 0.1
		done
		stop_pid "$NGINX_PID"
		NGINX_PID=
		grep -q 'Address already in use' "$dir/error.log" "$dir/stderr.log" 2>/dev/null && continue
		cat "$dir/error.log" "$dir/stderr.log" >&2
		die "nginx did not start"
	done
	die "found no free port for nginx"
}

# ==========================================================================
T_START=$(now_us)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${LOAD_BEFORE%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
	say "warning: load average ${LOAD_BEFORE%% *} on $(nproc) cores: other programs are busy, the figures will be low and noisy"
fi

say "measuring start-up time (best of $STARTUP_RUNS)"
measure_startup

say "starting natverk serve (access log off)"
start_natverk
THREADS_USED=$(echo "$SERVER_LINE" | grep -o '[0-9]* threads' | head -n1 || true)

# Check the three natverk pages answer 200 before timing anything.
PAGE=$TMP/organisations.html
HDRS=$TMP/organisations.headers
curl -fsS -D "$HDRS" -o "$PAGE" "$BASE/organisations" || die "GET /organisations failed"
CTYPE=$(tr -d '\r' <"$HDRS" | awk -F': ' 'tolower($1) == "content-type" { print $2 }' | tail -n1)
[ -n "$CTYPE" ] || die "GET /organisations sent no Content-Type"
ROWS=$(grep -o '<tr[ >]' "$PAGE" | wc -l)
curl -fsS -o /dev/null -H 'Accept: application/json' "$BASE/organisations" || die "GET /organisations (JSON) failed"
curl -fsS -o /dev/null "$BASE/organisations?q=a&sort=-population" || die "GET /organisations?q=a&sort=-population failed"

say "starting nginx with the static copy ($(wc -c <"$PAGE") bytes, $CTYPE)"
start_nginx "$PAGE" "$CTYPE"
NGINX_CTYPE=$(curl -fsS -D - -o /dev/null "$NGINX_BASE/organisations" | tr -d '\r' |
	awk -F': ' 'tolower($1) == "content-type" { print $2 }')
[ "$NGINX_CTYPE" = "$CTYPE" ] || say "warning: nginx sends Content-Type '$NGINX_CTYPE', natverk '$CTYPE'"

: >"$TMP/raw.txt"
CPU_PIDS="$NGINX_PID $(ps -o pid= --ppid "$NGINX_PID" | tr '\n' ' ')"
run_wrk nginx-static "$NGINX_BASE/organisations"
stop_pid "$NGINX_PID"   # leave both cores to natverk
NGINX_PID=
CPU_PIDS=$SERVER_PID
run_wrk html "$BASE/organisations"
run_wrk json "$BASE/organisations" -H 'Accept: application/json'
run_wrk filtered "$BASE/organisations?q=a&sort=-population"
read -r HWM_KB RSS_KB < <(peak_rss "$SERVER_PID")
stop_natverk

# Optional: the HTML page again with each NATVERK_THREADS value.
declare -A S_hwm
for n in $SWEEP; do
	say "NATVERK_THREADS=$n"
	start_natverk "$n"
	CPU_PIDS=$SERVER_PID
	run_wrk "threads-$n" "$BASE/organisations"
	read -r h _ < <(peak_rss "$SERVER_PID")
	S_hwm[$n]=$h
	stop_natverk
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
T_TOTAL_S=$(awk -v a="$T_START" -v b="$(now_us)" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')

# --- report --------------------------------------------------------------
NGINX_RPS=${R_rps[nginx-static]}
ratio() { awk -v a="$1" -v b="$NGINX_RPS" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
fmt_rps() { awk -v r="$1" 'BEGIN { printf "%.0f", r }'; }
yes_no() { if [ "$1" = 1 ]; then echo met; else echo "**missed**"; fi; }

HTML_RPS=${R_rps[html]}
HTML_P99=${R_p99[html]}
ERRORS=0
for n in html json filtered; do
	ERRORS=$((ERRORS + R_status[$n] + R_sock[$n]))
done
ok_issue_rps=$(awk -v a="$HTML_RPS" -v b="$NGINX_RPS" -v k="$ISSUE_RATIO" 'BEGIN { print ((a * k >= b) ? 1 : 0) }')
ok_design_rps=$(awk -v a="$HTML_RPS" -v b="$NGINX_RPS" -v k="$DESIGN_RATIO" 'BEGIN { print ((a * k >= b) ? 1 : 0) }')
ok_issue_p99=$(awk -v p="$HTML_P99" -v l="$ISSUE_P99_MS" 'BEGIN { print ((p < l) ? 1 : 0) }')
ok_design_p99=$(awk -v p="$HTML_P99" -v l="$DESIGN_P99_MS" 'BEGIN { print ((p < l) ? 1 : 0) }')
ok_errors=$([ "$ERRORS" -eq 0 ] && echo 1 || echo 0)
ok_rss=$([ "$HWM_KB" -lt "$RSS_LIMIT_KB" ] && echo 1 || echo 0)
ok_start=$([ "$STARTUP_BEST_US" -lt $((STARTUP_LIMIT_MS * 1000)) ] && echo 1 || echo 0)

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal:/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then COMMIT="$COMMIT (with uncommitted changes)"; fi
NGINX_V=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
WRK_V=$( (wrk -v 2>&1 || true) | awk 'NR == 1 { print $2 }')
VERSION=$("$BIN" version 2>/dev/null | head -n1 || echo unknown)

{
	echo "# natverk benchmark results"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) cores (\`nproc\`), $CPU, $MEM RAM, $(uname -sr)"
	echo "- natverk: $VERSION, commit $COMMIT, buildtype $BUILDTYPE, SQLite, ${THREADS_USED:-default threads}, access log off"
	echo "- baseline: nginx $NGINX_V, 2 workers, access log off, a static copy of /organisations ($(wc -c <"$PAGE") bytes, $ROWS table rows incl. header)"
	echo "- load: wrk $WRK_V, $WRK_THREADS threads, $CONNS connections, ${WARMUP} s warm-up then ${DURATION} s measured, on the same machine as the server"
	echo "- system load average (1, 5, 15 min): $LOAD_BEFORE before, $LOAD_AFTER after; anything well above 2 means other programs shared the cores"
	echo
	echo "| benchmark | req/s | vs nginx | p50 ms | p99 ms | max ms | server CPU µs/req | bytes/resp | non-2xx | socket errors |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for n in nginx-static html json filtered; do
		case $n in
		nginx-static) label="nginx, static copy of /organisations" ;;
		html) label="natverk /organisations (HTML)" ;;
		json) label="natverk /organisations (JSON)" ;;
		filtered) label="natverk /organisations?q=a&sort=-population (HTML)" ;;
		esac
		echo "| $label | $(fmt_rps "${R_rps[$n]}") | $(ratio "${R_rps[$n]}") | ${R_p50[$n]} | ${R_p99[$n]} | ${R_max[$n]} | ${R_cpu[$n]} | ${R_bytes[$n]} | ${R_status[$n]} | ${R_sock[$n]} |"
	done
	echo
	echo "- natverk peak RSS (VmHWM) after the three natverk runs: $(mb "$HWM_KB") MB (VmRSS at the end $(mb "$RSS_KB") MB)"
	echo "- \`natverk serve\` start-up on the existing database, exec to \"listening\": best of $STARTUP_RUNS $STARTUP_BEST_MS ms (all: $STARTUP_ALL_MS ms)"
	echo
	echo "| budget | target | measured | |"
	echo "|---|---|---|---|"
	echo "| throughput, issue | ≥ 1/$ISSUE_RATIO of nginx | $(ratio "$HTML_RPS") of nginx | $(yes_no "$ok_issue_rps") |"
	echo "| throughput, DESIGN.md §7 | ≥ 1/$DESIGN_RATIO of nginx | $(ratio "$HTML_RPS") of nginx | $(yes_no "$ok_design_rps") |"
	echo "| p99, issue | < $ISSUE_P99_MS ms | $HTML_P99 ms | $(yes_no "$ok_issue_p99") |"
	echo "| p99, DESIGN.md §7 | < $DESIGN_P99_MS ms | $HTML_P99 ms | $(yes_no "$ok_design_p99") |"
	echo "| errors (all natverk runs) | 0 | $ERRORS | $(yes_no "$ok_errors") |"
	echo "| server RSS | < 64 MB | $(mb "$HWM_KB") MB | $(yes_no "$ok_rss") |"
	echo "| start-up | < $STARTUP_LIMIT_MS ms | $STARTUP_BEST_MS ms | $(yes_no "$ok_start") |"
	if [ -n "$SWEEP" ]; then
		echo
		echo "NATVERK_THREADS sweep, /organisations HTML:"
		echo
		echo "| NATVERK_THREADS | req/s | vs nginx | p50 ms | p99 ms | server CPU µs/req | errors | peak RSS MB |"
		echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
		for n in $SWEEP; do
			k=threads-$n
			echo "| $n | $(fmt_rps "${R_rps[$k]}") | $(ratio "${R_rps[$k]}") | ${R_p50[$k]} | ${R_p99[$k]} | ${R_cpu[$k]} | $((R_status[$k] + R_sock[$k])) | $(mb "${S_hwm[$n]}") |"
		done
	fi
	echo
	echo "Total run time ${T_TOTAL_S} s. wrk's full output: latest-raw.txt."
} >"$TMP/latest.md"

mkdir -p "$RESULTS"
cp "$TMP/latest.md" "$RESULTS/latest.md"
cp "$TMP/raw.txt" "$RESULTS/latest-raw.txt"
echo
cat "$RESULTS/latest.md"
echo
echo "written to ${RESULTS#"$ROOT"/}/latest.md"
