#!/usr/bin/env bash
# The issue-5 targets: the sample app-server (--quiet) against the hand-written baseline, alternated, in one run.
#   benchmarks/compare-app-server.sh [ROUNDS] [SECONDS]     (defaults 5 and 5)
# Prints each round, the medians and "ratio app/baseline" for the four target scenarios, then the memory per idle
# connection of a fresh app-server with 10,000 of them open (a tenth of them warm it up; see docs/PERFORMANCE.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${1:-5}
seconds=${2:-5}
ulimit -n 20000
for p in samples/AppServer benchmarks/BaselineServer benchmarks/AppProtocol.LoadTest; do dotnet build -c Release "$p" -v q -nologo >/dev/null; done
L=benchmarks/AppProtocol.LoadTest/bin/Release/net10.0/AppProtocol.LoadTest
out=$(mktemp -d)
samples/AppServer/bin/Release/net10.0/app-server 127.0.0.1 0 --quiet > "$out/app" 2>&1 & APP=$!
benchmarks/BaselineServer/bin/Release/net10.0/BaselineServer 127.0.0.1 0 > "$out/base" 2>&1 & BASE=$!
trap 'kill $APP $BASE 2>/dev/null || true; rm -rf "$out"' EXIT
source "$root/benchmarks/listening-port.sh"
APP_PORT=$(port "$out/app"); BASE_PORT=$(port "$out/base")
C="--compare --target app=127.0.0.1:$APP_PORT/$APP --target baseline=127.0.0.1:$BASE_PORT/$BASE --rounds $rounds --warmup 1 --duration $seconds"
echo "## one-shot search, 64 clients (target >= 0.9)";     $L $C --mode oneshot --connections 64
echo "## keep-alive search, 64 connections (target >= 0.9)"; $L $C --mode keepalive --connections 64
echo "## pipelined search, 64 x 16 (target >= 0.8)";       $L $C --mode pipelined --connections 64 --depth 16
echo "## keep-alive binary 1 MiB, 4 connections (target >= 0.8)"; $L $C --mode keepalive --connections 4 --workload binary --size 1m
# A fresh app-server for the idle run: one that has just served the loads above has memory to spare, which would hide the cost.
kill $APP; wait $APP 2>/dev/null || true
samples/AppServer/bin/Release/net10.0/app-server 127.0.0.1 0 --quiet > "$out/idle" 2>&1 & APP=$!
IDLE_PORT=$(port "$out/idle")
echo "## idle connections (target <= 4 KiB each)";         $L --port "$IDLE_PORT" --mode idle --connections 10000 --warmup 2 --server-pid $APP
