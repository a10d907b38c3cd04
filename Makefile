# The front door. `make run` and `make test` are the README's two commands.
#   make run    set-up, release build, start the server on ./docket.db
#   make test   set-up, sanitizer build, unit + fuzz replay + API + browser
#               tests, lint
#   make lint   formatting, static analysis, banned calls, include direction
#   make fuzz   explore the parsers with libFuzzer (clang)
#   make bench  the benchmark suite (bench/)

PYTHON  ?= /usr/bin/python3
RELEASE := build/release
TEST    := build/test

.PHONY: all setup build release test-build run test unit api browser lint fuzz bench \
        format clean

all: release

setup:
	@scripts/setup

$(RELEASE)/build.ninja:
	meson setup $(RELEASE) --buildtype=release -Db_ndebug=false >/dev/null

$(TEST)/build.ninja:
	meson setup $(TEST) --buildtype=debug \
	  -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dc_args='-fno-sanitize-recover=all -fno-omit-frame-pointer' >/dev/null

release: $(RELEASE)/build.ninja
	ninja -C $(RELEASE) >/dev/null

build: release

test-build: $(TEST)/build.ninja
	ninja -C $(TEST) >/dev/null

run: setup release
	./$(RELEASE)/docket serve

unit: test-build
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  meson test -C $(TEST) --print-errorlogs -q

# The API suite runs twice: on SQLite and on a throwaway PostgreSQL cluster.
api: test-build
	DOCKET_BIN=$(TEST)/docket $(PYTHON) -m pytest tests/api -q -rs -p no:cacheprovider
	DOCKET_BIN=$(TEST)/docket DOCKET_TEST_BACKEND=pg \
	  $(PYTHON) -m pytest tests/api -q -rs -p no:cacheprovider

# The web app in Debian's chromium, driven by playwright-core, against the
# test build; screenshots of each screen land in build/test-output/browser/.
browser: test-build
	DOCKET_BIN=$(TEST)/docket node --test tests/browser/*.test.mjs

test: setup test-build release
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory api
	@$(MAKE) --no-print-directory browser
	@$(MAKE) --no-print-directory lint

lint:
	@scripts/lint

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c')

fuzz:
	@scripts/fuzz

bench: setup release
	@bench/run

clean:
	rm -rf build
