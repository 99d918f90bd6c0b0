#!/bin/bash
# pg-test.sh - a throwaway PostgreSQL server for the database tests.
#
#   eval "$(scripts/pg-test.sh start DIR)"   # exports NATVERK_TEST_DB and PG_TEST_DIR
#   scripts/pg-test.sh stop DIR              # stops the server and removes DIR
#
# start creates DIR (it must not exist or be empty), runs initdb in DIR/data,
# and starts a server that listens only on a Unix socket inside DIR (no TCP),
# with trust authentication and a database natverk_test.  Standard output
# carries nothing but the export lines, so the caller can eval it; progress
# and errors go to standard error, with the initdb or server log on failure.
#
# PostgreSQL refuses to run as root, so when run as root the folder belongs
# to the postgres user and every server command runs through runuser.  The
# data is disposable: fsync and full-page writes are off for speed.
#
# stop removes DIR only when it carries the marker file start wrote, so a
# mistyped path never deletes anything else.
set -euo pipefail

MARKER=.natverk-pg-test

die() {
	echo "pg-test.sh: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 start DIR | stop DIR" >&2
	exit 2
}

# The newest installed server (Debian keeps each major version in its own folder).
find_bindir() {
	best=
	best_ver=0
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] || continue
		v=$(basename "$(dirname "$d")")
		case $v in
		*[!0-9]*) continue ;;
		esac
		if [ "$v" -gt "$best_ver" ]; then
			best_ver=$v
			best=$d
		fi
	done
	if [ -z "$best" ]; then
		# Not Debian's layout: fall back to whatever is on PATH.
		if command -v initdb >/dev/null 2>&1; then
			best=$(dirname "$(command -v initdb)")
		else
			die "no PostgreSQL server found (install postgresql)"
		fi
	fi
	echo "$best"
}

# Runs a command as the server's user: postgres when we are root, else ourselves.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# A port number nobody listens on over TCP.  The server listens only on its
# own socket in DIR, so the number merely names the socket file; avoiding
# ports in use keeps the choice unsurprising for anyone reading ps output.
pick_port() {
	seed=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	i=0
	while [ $i -lt 50 ]; do
		port=$((20000 + (seed + i * 7919) % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
		i=$((i + 1))
	done
	die "no free port found"
}

# Percent-encodes a path for a libpq URI query value.
uri_encode() {
	s=$1
	out=
	while [ -n "$s" ]; do
		c=${s%"${s#?}"}
		s=${s#?}
		case $c in
		[A-Za-z0-9/._~-]) out="$out$c" ;;
		*) out="$out$(printf '%%%02X' "'$c")" ;;
		esac
	done
	echo "$out"
}

start() {
	dir=$1
	if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
		die "$dir exists and is not empty"
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd -P)
	bindir=$(find_bindir)
	port=$(pick_port)

	# The socket path must fit in sun_path (108 bytes with the NUL).
	sock="$dir/.s.PGSQL.$port"
	if [ ${#sock} -gt 100 ]; then
		die "socket path $sock is too long for a Unix socket; use a shorter DIR"
	fi

	touch "$dir/$MARKER"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "running as root needs the postgres user (install postgresql)"
		chown postgres: "$dir"
		chmod 755 "$dir"
		if ! runuser -u postgres -- test -w "$dir"; then
			die "the postgres user cannot write $dir (is a parent folder closed to it?)"
		fi
	fi

	echo "pg-test.sh: initdb in $dir/data ($bindir)" >&2
	if ! as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale \
		--no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		die "initdb failed (log above, kept in $dir/initdb.log)"
	fi

	as_pg sh -c "cat >>'$dir/data/postgresql.conf'" <<EOF
# pg-test.sh: a disposable server on a Unix socket only.
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF

	echo "pg-test.sh: starting the server on $sock" >&2
	if ! as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >"$dir/pg_ctl.log" 2>&1; then
		cat "$dir/pg_ctl.log" "$dir/server.log" >&2 2>/dev/null || true
		die "the server did not start (logs above, kept in $dir)"
	fi

	if ! as_pg "$bindir/createdb" -h "$dir" -p "$port" -U postgres natverk_test >"$dir/createdb.log" 2>&1; then
		cat "$dir/createdb.log" "$dir/server.log" >&2 2>/dev/null || true
		as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
		die "createdb failed (logs above)"
	fi

	url="postgresql:///natverk_test?host=$(uri_encode "$dir")&port=$port&user=postgres"
	echo "pg-test.sh: ready: $url" >&2
	echo "export NATVERK_TEST_DB='$url'"
	echo "export PG_TEST_DIR='$dir'"
}

stop() {
	dir=$1
	[ -d "$dir" ] || return 0
	[ -e "$dir/$MARKER" ] || die "$dir was not made by pg-test.sh start; not removing it"
	if [ -f "$dir/data/postmaster.pid" ]; then
		bindir=$(find_bindir)
		as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 ||
			as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >&2 || true
	fi
	rm -rf "$dir"
}

[ $# -eq 2 ] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
