#!/usr/bin/env bash
# app-server-kestrel (AppProtocol on Kestrel via UseAppProtocol) against app-server (the library's own sockets),
# alternated, in one run: keep-alive and pipelined search.
#   benchmarks/compare-kestrel.sh [ROUNDS] [SECONDS]     (defaults 3 and 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${1:-3}
seconds=${2:-5}
for p in samples/AppServer samples/KestrelAppServer benchmarks/AppProtocol.LoadTest; do dotnet build -c Release "$p" -v q -nologo >/dev/null; done
L=benchmarks/AppProtocol.LoadTest/bin/Release/net10.0/AppProtocol.LoadTest
out=$(mktemp -d)
samples/KestrelAppServer/bin/Release/net10.0/app-server-kestrel 127.0.0.1 0 --quiet > "$out/kestrel" 2>&1 & KESTREL=$!
samples/AppServer/bin/Release/net10.0/app-server 127.0.0.1 0 --quiet > "$out/app" 2>&1 & APP=$!
trap 'kill $KESTREL $APP 2>/dev/null || true; rm -rf "$out"' EXIT
source "$root/benchmarks/listening-port.sh"
KESTREL_PORT=$(port "$out/kestrel"); APP_PORT=$(port "$out/app")
C="--compare --target kestrel=127.0.0.1:$KESTREL_PORT/$KESTREL --target app=127.0.0.1:$APP_PORT/$APP --rounds $rounds --warmup 1 --duration $seconds"
echo "## keep-alive search, 64 connections";  $L $C --mode keepalive --connections 64
echo "## pipelined search, 64 x 16";          $L $C --mode pipelined --connections 64 --depth 16
