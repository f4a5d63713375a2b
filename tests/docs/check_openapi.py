"""Keeps docs/openapi.yaml in step with the route table: every route of
engine/routes.c must be documented with its method, and every documented
operation must exist. Prints a plain summary line; exits 1 on a mismatch."""
import re
import sys

import yaml

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."


def routes():
    text = open(f"{ROOT}/engine/routes.c", encoding="utf-8").read()
    return {(m.lower(), p) for m, p in re.findall(r'\{\s*"([A-Z]+)",\s*"([^"]+)"', text)}


def documented():
    spec = yaml.safe_load(open(f"{ROOT}/docs/openapi.yaml", encoding="utf-8"))
    ops = set()
    for path, item in spec.get("paths", {}).items():
        for method in item:
            if method in ("get", "put", "post", "delete", "patch"):
                ops.add((method, path))
    return ops


def main():
    code, doc = routes(), documented()
    missing = sorted(code - doc)
    extra = sorted(doc - code)
    for m, p in missing:
        print(f"docs/openapi.yaml: {m.upper()} {p} is served but not documented")
    for m, p in extra:
        print(f"docs/openapi.yaml: {m.upper()} {p} is documented but not served")
    bad = len(missing) + len(extra)
    print(f"openapi: {len(code) - len(missing)} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
