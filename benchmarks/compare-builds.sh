#!/usr/bin/env bash
# The sample app-server of two builds against each other, alternated (A B A B ...), with the load tool of this tree.
#   benchmarks/compare-builds.sh OLD_TREE [ROUNDS] [SECONDS]   (OLD_TREE: a checkout of the old commit, e.g. a git worktree)
# Prints each round, the medians and ranges, and "ratio new/old" for the load tool's scenarios.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
old=$(cd "$1" && pwd)
rounds=${2:-5}
seconds=${3:-3}
for tree in "$old" "$root"; do dotnet build -c Release "$tree/samples/AppServer" -v q -nologo >/dev/null; done
dotnet build -c Release "$root/benchmarks/AppProtocol.LoadTest" -v q -nologo >/dev/null
L=$root/benchmarks/AppProtocol.LoadTest/bin/Release/net10.0/AppProtocol.LoadTest
out=$(mktemp -d)
"$old/samples/AppServer/bin/Release/net10.0/app-server" 127.0.0.1 0 --quiet > "$out/old" 2>&1 & OLD=$!
"$root/samples/AppServer/bin/Release/net10.0/app-server" 127.0.0.1 0 --quiet > "$out/new" 2>&1 & NEW=$!
trap 'kill $OLD $NEW 2>/dev/null || true; rm -rf "$out"' EXIT
source "$root/benchmarks/listening-port.sh"
C="--compare --target new=127.0.0.1:$(port "$out/new")/$NEW --target old=127.0.0.1:$(port "$out/old")/$OLD --rounds $rounds --warmup 1 --duration $seconds"
echo "## one-shot search, 64 clients";              $L $C --mode oneshot --connections 64
echo "## keep-alive search, 64 connections";        $L $C --mode keepalive --connections 64
echo "## pipelined search, 64 x 16";                $L $C --mode pipelined --connections 64 --depth 16
echo "## keep-alive binary 64 KiB, 8 connections";  $L $C --mode keepalive --connections 8 --workload binary --size 64k
echo "## keep-alive binary 1 MiB, 4 connections";   $L $C --mode keepalive --connections 4 --workload binary --size 1m
