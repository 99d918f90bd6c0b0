#!/bin/sh
# Installs the Debian packages natverk needs for a purpose, only when some
# are missing, with sudo when not root; and generates the Swedish locale.
# Usage: scripts/deps.sh build|run|check|bench
set -eu

build_pkgs="gcc make meson ninja-build pkg-config gettext locales iso-codes
libmicrohttpd-dev libsqlite3-dev libpq-dev libjansson-dev libsodium-dev
libcurl4-openssl-dev libcmark-dev"
check_pkgs="libcriterion-dev postgresql curl chromium python3 python3-scipy python3-aiosmtpd"
bench_pkgs="wrk nginx python3-scipy procps"

case "${1:-build}" in
build|run) want=$build_pkgs ;;
check) want="$build_pkgs $check_pkgs" ;;
bench) want="$build_pkgs $bench_pkgs" ;;
*) echo "usage: $0 build|run|check|bench" >&2; exit 2 ;;
esac
# Node.js runs the browser tests; take Debian's unless one is installed.
if [ "${1:-}" = check ] && ! command -v node >/dev/null 2>&1; then
	want="$want nodejs npm"
fi

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ -n "$missing" ]; then
	echo "Installing:$missing"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

# Per-thread translations need the Swedish locale to exist.
if ! locale -a 2>/dev/null | grep -qi '^sv_SE\.utf-\?8$'; then
	echo "Generating the sv_SE.UTF-8 locale"
	as_root sed -i 's/^# *\(sv_SE.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	grep -q '^sv_SE.UTF-8 UTF-8' /etc/locale.gen || echo 'sv_SE.UTF-8 UTF-8' | as_root tee -a /etc/locale.gen >/dev/null
	as_root locale-gen >/dev/null
fi
