#!/bin/sh
# run.sh - the OpenAPI schema check: installs @apidevtools/swagger-parser
# from the committed lock file when missing or older than the lock (npm ci),
# validates docs/openapi.yaml as OpenAPI 3.0, then runs the test of the
# check itself (planted defects must be rejected). Run from anywhere.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

command -v node >/dev/null || { echo "tests/docs/run.sh: node is missing; run scripts/install-deps.sh --test" >&2; exit 1; }
command -v npm >/dev/null || { echo "tests/docs/run.sh: npm is missing; run scripts/install-deps.sh --test" >&2; exit 1; }

stamp=tests/docs/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ tests/docs/package-lock.json -nt "$stamp" ]; then
	echo "tests/docs/run.sh: installing node modules in tests/docs (npm ci)" >&2
	(cd tests/docs && npm ci --no-audit --no-fund >&2)
fi

node tests/docs/validate_openapi.mjs docs/openapi.yaml
node --test --test-reporter=spec tests/docs/openapi.test.mjs
