# The engine's build. `make` builds build/quizd and build/quizadm; `make run`
# and `make test` first install what is missing (scripts/install-deps.sh).

CC ?= cc
PKGS := libmicrohttpd sqlite3 libsodium jansson libcurl libxml-2.0 xlsxwriter zlib
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wwrite-strings -Wvla -Wformat=2 -fno-common
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -Iengine -pthread
ifdef SANITIZE
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
BUILD ?= build/san
endif
BUILD ?= build
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS = $(PKG_LIBS) -lcsv -lunistring -lm -pthread
PYTHON ?= /usr/bin/python3
FORMAT_SRC = $(wildcard engine/*.[ch] admin/*.[ch] tests/unit/*.[ch] tests/http/*.[ch] bench/*.c)

ENGINE_SRC := $(filter-out engine/quizd.c,$(wildcard engine/*.c))
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o)
ADMIN_SRC := $(wildcard admin/*.c)
ADMIN_OBJ := $(ADMIN_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPER_SRC := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJ := $(UNIT_HELPER_SRC:%.c=$(BUILD)/%.o)
HTTP_SRC := $(wildcard tests/http/test_*.c)
HTTP_BIN := $(HTTP_SRC:tests/http/%.c=$(BUILD)/tests/http_%)
HARNESS_OBJ := $(BUILD)/tests/http/harness.o
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

DB ?= demo.db
LISTEN ?= 127.0.0.1:8080

.SECONDARY: $(HARNESS_OBJ) $(UNIT_HELPER_OBJ)

.PHONY: all deps test-deps run test unit-tests http-tests devtest bench check-banks \
	check-format format web-tests compose-check openapi-check clean

all: $(BUILD)/quizd $(BUILD)/quizadm

deps:
	@./scripts/install-deps.sh

test-deps:
	@./scripts/install-deps.sh --test

$(BUILD)/%.o: %.c $(wildcard engine/*.h) $(wildcard admin/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libquiz.a: $(ENGINE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/quizd: $(BUILD)/engine/quizd.o $(BUILD)/libquiz.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/quizadm: $(ADMIN_OBJ) $(BUILD)/libquiz.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HELPER_OBJ) $(BUILD)/libquiz.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/unit -o $@ $< $(UNIT_HELPER_OBJ) $(BUILD)/libquiz.a $(LIBS) $(LDFLAGS) -lcmocka

$(BUILD)/tests/http_%: tests/http/%.c $(HARNESS_OBJ) $(BUILD)/libquiz.a tests/http/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/http -o $@ $< $(HARNESS_OBJ) $(BUILD)/libquiz.a $(LIBS) $(LDFLAGS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(BUILD)/libquiz.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libquiz.a $(LIBS) $(LDFLAGS)

# The demo: a database with a demo province and the shipped banks, made once.
run: deps all
	@test -f $(DB) || ./$(BUILD)/quizadm --db $(DB) demo --banks question-banks/vi
	@echo "Open http://$(LISTEN)/ — admin / QuanTri-Demo-2026, pupil hs.an / ThiSinh-Demo-2026 (Ctrl-C stops)"
	./$(BUILD)/quizd --db $(DB) --listen $(LISTEN) --web web

test: test-deps all unit-tests http-tests check-banks bank-checker-tests openapi-check compose-check web-tests
	@echo "make test: all suites passed"

unit-tests: $(UNIT_BIN)
	@./tests/run-suites.sh unit $(UNIT_BIN)

http-tests: $(HTTP_BIN) $(BUILD)/quizd $(BUILD)/quizadm
	@QUIZD=$(BUILD)/quizd QUIZADM=$(BUILD)/quizadm ./tests/run-suites.sh http $(HTTP_BIN)

check-banks:
	@$(PYTHON) question-banks/check.py --docs docs/question-banks.md

bank-checker-tests:
	@$(PYTHON) -m unittest discover -s tests/banks

openapi-check:
	@$(PYTHON) tests/docs/check_openapi.py .

compose-check:
	@docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml: valid"

web-tests: all
	@if [ -f tests/web/package.json ]; then ./tests/web/run.sh; fi

devtest:
	$(MAKE) SANITIZE=address,undefined unit-tests http-tests

bench: deps all $(BENCH_BIN)
	@./bench/run.sh $(BUILD)

check-format:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format: clean"

format:
	clang-format -i $(FORMAT_SRC)

clean:
	rm -rf build
