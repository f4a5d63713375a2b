#!/bin/sh
# check.sh - tests of the build itself (run by make test after `make all`),
# with `make -n` only: nothing is rebuilt or touched.
#  1. `make CFLAGS=...` cannot strip or undo the project's flags: with
#     CFLAGS="-O0 -Wno-error -std=gnu89" a compile still ends with -std=c11,
#     -Werror after -Wno-error, the warning set, -Iengine and -pthread.
#  2. Header dependencies are generated: a header an object includes (read
#     from its .d file) rebuilds it; an engine header it does not include
#     does not.
#  3. quizd and quizadm are linked without libcurl; the HTTP tests with it.
# Prints "build: N passed, N failed"; exits 1 on a failure.
set -u
cd "$(dirname "$0")/../.."
MAKE=${MAKE:-make}
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAILED: $1"; }

obj=build/engine/util.o
[ -f "$obj" ] && [ -f build/engine/util.d ] || { echo "build: run make all first" >&2; exit 1; }

# 1. Flags.
line=$($MAKE -n -B CFLAGS="-O0 -Wno-error -std=gnu89" "$obj" | grep -- " -c engine/util.c")
for flag in -std=c11 -Werror -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wwrite-strings -Wvla -Wformat=2 -fno-common -Iengine -pthread \
	-D_GNU_SOURCE -MMD -O0; do
	case " $line " in
	*" $flag "*) ;;
	*) bad "make CFLAGS=... drops $flag: $line"; continue ;;
	esac
done
last_std=$(printf '%s\n' "$line" | tr ' ' '\n' | grep -- '^-std=' | tail -n 1)
[ "$last_std" = "-std=c11" ] && ok "the last -std is c11 whatever CFLAGS says" || bad "last -std is $last_std"
# -Werror must come after the caller's -Wno-error.
rest=${line#*-Wno-error}
case " $rest " in
*" -Werror "*) ok "-Werror comes after a caller's -Wno-error" ;;
*) bad "-Werror does not follow -Wno-error: $line" ;;
esac
case " $line " in *" -O0 "*) ok "the caller's -O0 is kept" ;; *) bad "the caller's CFLAGS are lost" ;; esac

# 2. Generated header dependencies.
inc=$(sed -n 's/^build\/engine\/util\.o:.* \(engine\/util\.h\).*/\1/p' build/engine/util.d | head -n 1)
[ -n "$inc" ] || bad "build/engine/util.d does not list engine/util.h"
if [ -n "$inc" ]; then
	$MAKE -n -W "$inc" "$obj" | grep -q -- " -c engine/util.c" &&
		ok "a change of $inc rebuilds $obj" || bad "a change of $inc does not rebuild $obj"
fi
other=""
for h in engine/*.h; do
	grep -q " $h\( \|$\)" build/engine/util.d || { other=$h; break; }
done
if [ -n "$other" ]; then
	$MAKE -n -W "$other" "$obj" | grep -q -- " -c engine/util.c" &&
		bad "a change of $other (not included) rebuilds $obj" ||
		ok "a change of $other, which util.c does not include, leaves $obj alone"
fi

# 3. libcurl only where a client needs it.
for bin in build/quizd build/quizadm; do
	$MAKE -n -B "$bin" | grep -q -- "-o $bin .*-lcurl" &&
		bad "$bin is linked with libcurl" || ok "$bin is linked without libcurl"
	if command -v ldd >/dev/null && [ -x "$bin" ]; then
		ldd "$bin" | grep -q libcurl && bad "ldd $bin shows libcurl" || ok "ldd $bin shows no libcurl"
	fi
done
http_bin=$(ls build/tests/http_test_* 2>/dev/null | head -n 1)
if [ -n "$http_bin" ]; then
	$MAKE -n -B "$http_bin" | grep -q -- "-o $http_bin .*-lcurl" &&
		ok "$http_bin is linked with libcurl" || bad "$http_bin is not linked with libcurl"
fi

echo "build: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
