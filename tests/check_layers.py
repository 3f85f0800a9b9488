#!/usr/bin/python3
"""Checks that includes point one way through the layers (docs/architecture.md):
the shared contract in sync/core includes nothing of the project but itself,
the server nothing of the device's side, models nothing of the screens or of
the sync client. Exits 1 naming every include that points the wrong way."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
# Each directory and the project directories its files may include from.
ALLOWED = {
    "sync/core": {"sync/core"},
    "sync/server": {"sync/core", "sync/server"},
    "models": {"sync/core", "models"},
    "sync/client": {"sync/core", "models", "sync/client"},
    "ui": {"sync/core", "models", "sync/client", "ui"},
    "app": {"sync/core", "models", "sync/client", "ui", "app"},
}
PROJECT_DIRS = ("sync/core", "sync/server", "sync/client", "models", "ui", "app", "tests")
include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

wrong, checked = [], 0
for layer, allowed in ALLOWED.items():
    for path in sorted((root / layer).rglob("*")):
        if path.suffix not in (".cpp", ".h"):
            continue
        checked += 1
        for target in include.findall(path.read_text(encoding="utf-8")):
            owner = next((d for d in PROJECT_DIRS if target.startswith(d + "/")), None)
            if owner is not None and owner not in allowed:
                wrong.append(f"{path.relative_to(root)} includes {target} ({layer} may use "
                             f"{', '.join(sorted(allowed))})")
for line in wrong:
    print(line)
print(f"{checked} files checked, {len(wrong)} includes against the layers")
sys.exit(1 if wrong or checked == 0 else 0)
