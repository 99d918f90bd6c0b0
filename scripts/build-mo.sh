#!/bin/sh
# Compiles one .po file into the build tree's locale folder and writes a stamp
# for Meson.  Usage: build-mo.sh MSGFMT INPUT.po OUTPUT.mo STAMP
set -eu
mkdir -p "$(dirname "$3")"
"$1" --check -o "$3" "$2"
touch "$4"
