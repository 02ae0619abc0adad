# Everyday commands for silt. The real build is CMake (CMakeLists.txt); this file wraps it.
#   make            build (installs missing dependencies first)
#   make test       format and code-size checks + every unit, integration and fuzz-replay test
#   make demo       run silt's main job on its embedded default
#   make bench      benchmarks against peers measured in the same run
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS each (default 60)
#   make asan       the test suite under address,undefined sanitizers
#   make format / make format-check
#   make size-check no function in src/ over 80 lines, no file over 800 (scripts/check-code-size)

BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE ?= cmake
CMAKE_FLAGS ?=
CTEST_ARGS ?=
FUZZ_SECONDS ?= 60
ifneq ($(CI),)
CMAKE_FLAGS += -DSILT_WERROR=ON
endif
FORMAT_FILES = $(shell git ls-files -co --exclude-standard -- 'src/*.c' 'src/*.h' 'tests/*.c' \
                 'tests/*.h' 'fuzz/*.c' 'bench/*.c' 2>/dev/null)

.PHONY: all deps build test ctest demo bench fuzz asan tsan format format-check size-check clean

all: build

deps:
	@scripts/install-deps --quiet

$(BUILD)/CMakeCache.txt:
	$(CMAKE) -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) -j$(JOBS)

ctest:
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) $(CTEST_ARGS)

test: build format-check size-check
	$(MAKE) --no-print-directory ctest BUILD=$(BUILD)

demo: build
	scripts/demo $(BUILD)/silt

bench: deps
	$(CMAKE) -S . -B build-release -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	$(CMAKE) --build build-release -j$(JOBS)
	bench/run build-release

fuzz: deps
	$(CMAKE) -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DSILT_FUZZ=ON
	$(CMAKE) --build build-fuzz -j$(JOBS)
	scripts/run-fuzz build-fuzz $(FUZZ_SECONDS)

asan: deps
	$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSILT_SANITIZE=ON $(CMAKE_FLAGS)
	$(CMAKE) --build build-asan -j$(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j$(JOBS) $(CTEST_ARGS)

# The unit tests under ThreadSanitizer: the ingestion runtime's reader and commit threads, the
# bronze sink, and the rest. test_kafka is left out: librdkafka (Debian's, not instrumented)
# starts its threads through C11 thrd_create, which ThreadSanitizer does not see, and crashes.
tsan: deps
	$(CMAKE) -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DSILT_TSAN=ON $(CMAKE_FLAGS)
	$(CMAKE) --build build-tsan -j$(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j$(JOBS) \
	  -L unit -E '^unit_test_kafka$$' $(CTEST_ARGS)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: $(words $(FORMAT_FILES)) files formatted"

# Known offenders are listed in scripts/code-size-allow.txt until their split lands.
size-check:
	@scripts/check-code-size

clean:
	rm -rf build build-asan build-fuzz build-release
