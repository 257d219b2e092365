#!/usr/bin/env bash
# Records the public API as it is: adds every symbol the PublicApiAnalyzers report as undeclared (RS0016) to
# PublicAPI.Unshipped.txt and removes every declared one that no longer exists (RS0017).
# Run after changing the public API on purpose; review the diff of the .txt file like any other change.
# Usage: eng/update-public-api.sh [project folder under src/, default AppProtocol]
set -euo pipefail
cd "$(dirname "$0")/../src/${1:-AppProtocol}"
for f in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
  [ -e "$f" ] || touch "$f"
  grep -qx '#nullable enable' "$f" 2>/dev/null || { printf '#nullable enable\n' | cat - "$f" > "$f.tmp" && mv "$f.tmp" "$f"; }
done
log=$(mktemp)
dotnet build --no-incremental -p:TreatWarningsAsErrors=false 2>&1 > "$log" || true
python3 - "$log" <<'PY'
import re, sys
log = open(sys.argv[1], encoding="utf-8").read()
def symbols(code):
    return {m.replace("''", "'") for m in re.findall(code + r": Symbol '((?:[^']|'')*)'", log)}
added, removed = symbols("RS0016"), symbols("RS0017")
lines = open("PublicAPI.Unshipped.txt", encoding="utf-8").read().splitlines()
body = sorted((set(lines[1:]) - removed) | added)
open("PublicAPI.Unshipped.txt", "w", encoding="utf-8").write("\n".join([lines[0]] + [l for l in body if l]) + "\n")
PY
rm -f "$log"
