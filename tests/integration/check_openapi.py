#!/usr/bin/python3
"""Checks that docs/api/openapi.yaml documents exactly the routes hale-server
serves (methods and paths), so the spec stays true to the code."""
import re
import subprocess
import sys

import yaml

server, spec_path = sys.argv[1], sys.argv[2]
served = set()
for line in subprocess.run([server, "--list-routes"], check=True, capture_output=True,
                           text=True).stdout.splitlines():
    method, path = line.split(" ", 1)
    served.add((method, path))

spec = yaml.safe_load(open(spec_path, encoding="utf-8"))
assert spec["openapi"].startswith("3.1"), "the spec must be OpenAPI 3.1"
documented = set()
for path, item in spec["paths"].items():
    for method in item:
        if method in ("get", "post", "put", "patch", "delete"):
            documented.add((method.upper(), re.sub(r"\{[^}]+\}", "{}", path)))

missing = sorted(served - documented)
stale = sorted(documented - served)
for method, path in missing:
    print(f"served but not in the spec: {method} {path}")
for method, path in stale:
    print(f"in the spec but not served: {method} {path}")
print(f"{len(served)} routes served, {len(documented)} documented")
sys.exit(1 if missing or stale else 0)
