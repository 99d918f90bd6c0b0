# natverk - the two commands of the README, and a few more.
#   make run     install what is missing, build, create natverk.db, serve on :8080
#   make check   every test suite (SQLite, PostgreSQL, HTTP, browser)
#   make bench   the benchmarks in bench/ (see bench/README.md)
#   make clean   remove the build folder
# The build itself is Meson + Ninja in $(BUILD); this file only drives it.

BUILD ?= build
DB ?= natverk.db
MESON_FLAGS ?=

.PHONY: all build deps run check bench clean po

all: build

deps:
	@scripts/deps.sh build

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS)

build: $(BUILD)/build.ninja
	meson compile -C $(BUILD)

run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory build
	NATVERK_DB=$(DB) $(BUILD)/natverk migrate
	NATVERK_DB=$(DB) $(BUILD)/natverk import
	NATVERK_DB=$(DB) NATVERK_LISTEN=$${NATVERK_LISTEN:-127.0.0.1:8080} $(BUILD)/natverk serve $(if $(DEMO),--demo)

check:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory build
	@scripts/check.sh $(BUILD)

bench:
	@scripts/deps.sh bench
	@scripts/bench.sh
	@bench/match.sh build-release

po:
	scripts/update-po.sh

clean:
	rm -rf $(BUILD)
