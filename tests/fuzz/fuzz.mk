# fuzz.mk - the libFuzzer targets (included by the Makefile).
#
#   make fuzz                 builds every target with clang (libFuzzer, ASan,
#                             UBSan) and runs each for FUZZ_SECONDS (default 60;
#                             600 for a release) on a copy of its seed corpus;
#                             a crash stops the run and leaves crash-* beside it.
#   make fuzz-replay          (part of make test) builds the same targets with
#                             the ordinary compiler and a small driver, and
#                             replays the seed corpus and every regression input.
#
# A crash found by `make fuzz` becomes a regression test: copy the crash-*
# file into tests/fuzz/regressions/<target>/ and fix the bug.

FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
FUZZ_BUILD := build/fuzz
FUZZ_SAN := fuzzer-no-link,address,undefined

.PHONY: fuzz fuzz-build fuzz-replay

fuzz-build:
	@./scripts/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory CC=clang SANITIZE=$(FUZZ_SAN) BUILD=$(FUZZ_BUILD) $(FUZZ_BUILD)/libquiz.a
	@mkdir -p $(FUZZ_BUILD)/bin
	@for t in $(FUZZ_TARGETS); do \
		echo "  FUZZ $$t"; \
		clang -g -O1 -std=c11 -D_GNU_SOURCE -Iengine $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
			-o $(FUZZ_BUILD)/bin/fuzz_$$t tests/fuzz/fuzz_$$t.c $(FUZZ_BUILD)/libquiz.a $(LIBS) -pthread || exit 1; \
	done

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		work=$(FUZZ_BUILD)/corpus/$$t; mkdir -p $$work; \
		cp -n tests/fuzz/corpus/$$t/* $$work/ 2>/dev/null; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s (log: $(FUZZ_BUILD)/fuzz_$$t.log)"; \
		(cd $(FUZZ_BUILD) && ./bin/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-print_final_stats=1 corpus/$$t >fuzz_$$t.log 2>&1); rc=$$?; \
		grep -aE "DONE|ERROR|SUMMARY|Test unit written" $(FUZZ_BUILD)/fuzz_$$t.log; \
		[ $$rc -eq 0 ] || { echo "fuzz_$$t failed: see $(FUZZ_BUILD)/fuzz_$$t.log"; exit 1; }; \
	done

FUZZ_REPLAY := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay/fuzz_%)

$(BUILD)/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c $(BUILD)/libquiz.a
	@mkdir -p $(dir $@)
	$(COMPILE) -Itests/fuzz -o $@ $< tests/fuzz/driver.c $(BUILD)/libquiz.a $(LIBS) $(LDFLAGS) $(QUIZ_LDFLAGS)

fuzz-replay: $(FUZZ_REPLAY)
	@for t in $(FUZZ_TARGETS); do \
		set -- tests/fuzz/corpus/$$t; \
		[ -d tests/fuzz/regressions/$$t ] && set -- "$$@" tests/fuzz/regressions/$$t; \
		$(BUILD)/fuzz-replay/fuzz_$$t "$$@" || exit 1; \
	done
