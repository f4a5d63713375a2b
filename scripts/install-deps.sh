#!/bin/sh
# Installs the Debian packages the project needs that are missing.
# Run as root it installs them; otherwise it prints the exact command.
set -eu

PKGS="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libsodium-dev libjansson-dev
libcmocka-dev libcsv-dev libxlsxwriter-dev libxml2-dev libcurl4-openssl-dev libunistring-dev
zlib1g-dev libqrencode-dev libjs-chart.js libpq-dev postgresql-15 haproxy
sqlite3 wrk python3 python3-jsonschema python3-yaml docker-compose curl ca-certificates procps unzip"
# Browser tests (playwright-core drives Debian's chromium) and the CSV check in LibreOffice;
# the OpenAPI validator (npm); the format check (make check-format, run by CI).
PKGS_FORMAT="clang-format"
PKGS_TEST="chromium nodejs npm libreoffice-calc-nogui $PKGS_FORMAT"

# libFuzzer targets (make fuzz): Debian's clang and its fuzzer runtime.
PKGS_FUZZ="clang libclang-rt-14-dev"

want="$PKGS"
[ "${1:-}" = "--test" ] && want="$PKGS $PKGS_TEST"
[ "${1:-}" = "--fuzz" ] && want="$PKGS $PKGS_FUZZ"
[ "${1:-}" = "--format" ] && want="$PKGS_FORMAT"

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# node/npm may come from elsewhere than Debian (e.g. a preinstalled Node.js).
case " $missing " in *" nodejs "*) command -v node >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ nodejs//');; esac
case " $missing " in *" npm "*) command -v npm >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ npm//');; esac

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "Missing Debian packages:$missing" >&2
	echo "Install them with:  sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "Installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
