# The engine's build. `make` builds build/quizd and build/quizadm; `make run`
# and `make test` first install what is missing (scripts/install-deps.sh).

CC ?= cc
# CFLAGS and LDFLAGS are the caller's (optimisation, debug, extra warnings):
# `make CFLAGS=-O0` changes them, and the project's own flags below are added
# after them whatever the command line says, so the language standard, the
# warning set (CONVENTIONS.md section 9), -Werror and the include path can
# neither be dropped nor turned off by a later -Wno-... or -std=...
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wwrite-strings -Wvla -Wformat=2 -fno-common
override QUIZ_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Iengine -pthread -MMD -MP
override QUIZ_LDFLAGS := -pthread
ifdef SANITIZE
override QUIZ_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
override QUIZ_LDFLAGS += -fsanitize=$(SANITIZE)
BUILD ?= build/san
endif
BUILD ?= build
# The engine's libraries; libcurl only for the HTTP tests and benchmarks
# that act as clients (quizd and quizadm do not link it).
PKGS := libmicrohttpd sqlite3 libpq libsodium jansson libxml-2.0 xlsxwriter zlib libqrencode
# Deferred (=), not immediate: on a fresh machine `make test` installs
# pkg-config and the libraries after this file is read.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CURL_CFLAGS = $(shell pkg-config --cflags libcurl 2>/dev/null)
CURL_LIBS = $(shell pkg-config --libs libcurl 2>/dev/null)
# libpq for the tests' own helpers (tests/lib: a schema per fixture on
# PostgreSQL, raw SQL on either engine).
PQ_CFLAGS = $(shell pkg-config --cflags libpq 2>/dev/null)
PQ_LIBS = $(shell pkg-config --libs libpq 2>/dev/null)
LIBS = $(PKG_LIBS) -lcsv -lunistring -lm
COMPILE = $(CC) $(CPPFLAGS) $(CFLAGS) $(QUIZ_CFLAGS) $(PKG_CFLAGS)
LINK = $(CC) $(CFLAGS) $(LDFLAGS) $(QUIZ_LDFLAGS)
PYTHON ?= /usr/bin/python3
FORMAT_SRC = $(wildcard engine/*.[ch] admin/*.[ch] tests/lib/*.[ch] tests/unit/*.[ch] tests/http/*.[ch] bench/*.c)

# Every .c file is picked up by its folder: engine/ (quizd.c is the
# server's main), admin/ (quizadm), tests/unit/test_*.c and
# tests/http/test_*.c (one runner each; the folder's other .c files are
# helpers linked into each runner, and tests/lib/*.c into every runner of
# both), bench/*.c (one program each).
ENGINE_SRC := $(filter-out engine/quizd.c,$(wildcard engine/*.c))
# PostgreSQL's migrations, engine/sql/pg/NN-*.sql, embedded as C text
# (scripts/embed-pg-sql.sh); the folder is a prerequisite too, so adding,
# removing or renaming a file makes it again.
PG_SQL := $(sort $(wildcard engine/sql/pg/[0-9][0-9]-*.sql))
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/db_pg_sql.o
ADMIN_SRC := $(wildcard admin/*.c)
ADMIN_OBJ := $(ADMIN_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPER_SRC := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJ := $(UNIT_HELPER_SRC:%.c=$(BUILD)/%.o)
HTTP_SRC := $(wildcard tests/http/test_*.c)
HTTP_BIN := $(HTTP_SRC:tests/http/%.c=$(BUILD)/tests/http_%)
HTTP_HELPER_SRC := $(filter-out $(HTTP_SRC),$(wildcard tests/http/*.c))
HTTP_HELPER_OBJ := $(HTTP_HELPER_SRC:%.c=$(BUILD)/%.o)
TEST_LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/*.c))
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
BENCH_LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard bench/lib/*.c))
ALL_OBJ := $(ENGINE_OBJ) $(BUILD)/engine/quizd.o $(ADMIN_OBJ) \
	$(UNIT_SRC:%.c=$(BUILD)/%.o) $(UNIT_HELPER_OBJ) \
	$(HTTP_SRC:%.c=$(BUILD)/%.o) $(HTTP_HELPER_OBJ) $(TEST_LIB_OBJ) $(BENCH_SRC:%.c=$(BUILD)/%.o) $(BENCH_LIB_OBJ)

DB ?= demo.db
LISTEN ?= 127.0.0.1:8080

.SECONDARY: $(ALL_OBJ)

.PHONY: all deps test-deps run test unit-tests http-tests test-pg cluster-tests devtest bench check-banks \
	check-format format web-tests compose-check openapi-check layering-check layering-tests build-checks clean

all: $(BUILD)/quizd $(BUILD)/quizadm

deps:
	@./scripts/install-deps.sh

test-deps:
	@./scripts/install-deps.sh --test

# Each object depends on the headers it includes, as the compiler found
# them (-MMD -MP writes $(BUILD)/.../x.d beside x.o); an object without its
# .d (built before, or the .d removed) is rebuilt once to make it.
$(BUILD)/%.o: %.c $(BUILD)/%.d
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(COMPILE) -c $< -o $@

# The clients among the tests and benchmarks see libcurl's headers; the
# tests see libpq's and their own helpers'.
$(BUILD)/tests/http/%.o $(BUILD)/bench/%.o: COMPILE += $(CURL_CFLAGS)
$(BUILD)/tests/%.o: COMPILE += $(PQ_CFLAGS) -Itests/lib

DEP_FILES := $(ALL_OBJ:.o=.d)
$(DEP_FILES):
-include $(wildcard $(DEP_FILES))

$(BUILD)/gen/db_pg_sql.c: scripts/embed-pg-sql.sh $(PG_SQL) $(wildcard engine/sql/pg)
	@mkdir -p $(dir $@)
	@echo "  GEN $@"
	@./scripts/embed-pg-sql.sh engine/sql/pg > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/db_pg_sql.o: $(BUILD)/gen/db_pg_sql.c
	@echo "  CC $<"
	@$(COMPILE) -c $< -o $@

$(BUILD)/libquiz.a: $(ENGINE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/quizd: $(BUILD)/engine/quizd.o $(BUILD)/libquiz.a
	$(LINK) -o $@ $^ $(LIBS)

$(BUILD)/quizadm: $(ADMIN_OBJ) $(BUILD)/libquiz.a
	$(LINK) -o $@ $^ $(LIBS)

$(UNIT_BIN): $(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UNIT_HELPER_OBJ) $(TEST_LIB_OBJ) \
		$(BUILD)/libquiz.a
	$(LINK) -o $@ $^ $(LIBS) $(PQ_LIBS) -lcmocka

$(HTTP_BIN): $(BUILD)/tests/http_%: $(BUILD)/tests/http/%.o $(HTTP_HELPER_OBJ) $(TEST_LIB_OBJ) \
		$(BUILD)/libquiz.a
	$(LINK) -o $@ $^ $(LIBS) $(CURL_LIBS) $(PQ_LIBS) -lcmocka

$(BENCH_BIN): $(BUILD)/bench/%: $(BUILD)/bench/%.o $(BENCH_LIB_OBJ) $(BUILD)/libquiz.a
	$(LINK) -o $@ $^ $(LIBS) $(CURL_LIBS)

# The demo: a database with a demo province and the shipped banks, made once.
run: deps all
	@test -f $(DB) || ./$(BUILD)/quizadm --db $(DB) demo --banks question-banks/vi
	@echo "Open http://$(LISTEN)/ — admin / QuanTri-Demo-2026, pupil hs.an / ThiSinh-Demo-2026 (Ctrl-C stops)"
	./$(BUILD)/quizd --db $(DB) --listen $(LISTEN) --web web

test: test-deps all build-checks unit-tests http-tests test-pg layering-tests fuzz-replay check-banks bank-checker-tests openapi-check compose-check cluster-tests web-tests
	@echo "make test: all suites passed"

unit-tests: layering-check $(UNIT_BIN)
	@./tests/run-suites.sh unit $(UNIT_BIN)

http-tests: $(HTTP_BIN) $(BUILD)/quizd $(BUILD)/quizadm
	@QUIZD=$(BUILD)/quizd QUIZADM=$(BUILD)/quizadm ./tests/run-suites.sh http $(HTTP_BIN)

# The unit and HTTP suites again on PostgreSQL, on a throwaway cluster that
# tests/run-pg.sh starts in a temporary folder and stops at the end.
test-pg: $(UNIT_BIN) $(HTTP_BIN) $(BUILD)/quizd $(BUILD)/quizadm
	@QUIZD=$(BUILD)/quizd QUIZADM=$(BUILD)/quizadm ./tests/run-pg.sh "$(UNIT_BIN)" "$(HTTP_BIN)"

# scripts/cluster.sh end to end: PostgreSQL, two quizd and HAProxy on one
# machine (tests/cluster/): the script itself, then two instances on one
# database (sessions, attempts across instances, SIGKILL of an instance and
# an immediate stop of PostgreSQL under answer load, a live game, the sweeper).
cluster-tests: $(BUILD)/quizd $(BUILD)/quizadm
	@BUILD=$(abspath $(BUILD)) ./tests/cluster/test_cluster_script.sh
	@BUILD=$(abspath $(BUILD)) ./tests/cluster/test_two_instances.py

# The layering rules (tests/layering/check.py: includes, calls across
# layers, exports without callers, function and file sizes) against the list
# of known violations, which can only shrink; and a test of the check itself
# with planted violations.
layering-check:
	@$(PYTHON) tests/layering/check.py .

layering-tests:
	@$(PYTHON) -m unittest discover -s tests/layering

# The build's own promises, with make -n (flags a CFLAGS cannot strip,
# generated header dependencies, no libcurl in quizd and quizadm).
build-checks: all
	@./tests/build/check.sh

check-banks:
	@$(PYTHON) question-banks/check.py --strict-2027 --docs docs/question-banks.md

bank-checker-tests:
	@$(PYTHON) -m unittest discover -s tests/banks

# docs/openapi.yaml: every route documented and nothing more (the Python
# comparison with engine/routes.c), and a valid OpenAPI 3.0 document (npm's
# @apidevtools/swagger-parser, with a test of that check).
openapi-check:
	@$(PYTHON) tests/docs/check_openapi.py .
	@./tests/docs/run.sh

compose-check:
	@docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml: valid"
	@docker-compose -f docker-compose.yml --profile cluster config -q && \
		echo "docker-compose.yml, profile cluster: valid"
	@QUIZ_LB_Q1=127.0.0.1:1 QUIZ_LB_Q2=127.0.0.1:2 QUIZ_LB_SOCKET=/run/haproxy/quiz.sock \
		haproxy -c -q -f deploy/haproxy.cfg && echo "deploy/haproxy.cfg: valid"

web-tests: all
	@if [ -f tests/web/package.json ]; then ./tests/web/run.sh; fi

devtest:
	$(MAKE) SANITIZE=address,undefined unit-tests http-tests test-pg fuzz-replay

bench: deps all $(BENCH_BIN)
	@./bench/run.sh $(BUILD)

check-format:
	@./scripts/install-deps.sh --format
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format: clean"

format:
	@./scripts/install-deps.sh --format
	clang-format -i $(FORMAT_SRC)

include tests/fuzz/fuzz.mk

clean:
	rm -rf build
