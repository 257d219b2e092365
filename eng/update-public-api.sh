#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt.
# Run after changing the public API on purpose; review the diff of the .txt file like any other change.
set -euo pipefail
cd "$(dirname "$0")/../src/AppProtocol"
for f in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
  grep -qx '#nullable enable' "$f" 2>/dev/null || { printf '#nullable enable\n' | cat - "$f" > "$f.tmp" && mv "$f.tmp" "$f"; }
done
dotnet build --no-incremental -p:TreatWarningsAsErrors=false 2>&1 \
  | grep -o "RS0016: Symbol '[^']*\(''[^']*\)*'" \
  | sed -e "s/^RS0016: Symbol '//" -e "s/'\$//" -e "s/''/'/g" \
  | sort -u >> PublicAPI.Unshipped.txt || true
{ head -n1 PublicAPI.Unshipped.txt; tail -n +2 PublicAPI.Unshipped.txt | sort -u; } > PublicAPI.tmp && mv PublicAPI.tmp PublicAPI.Unshipped.txt
