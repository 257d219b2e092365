#!/usr/bin/env bash
# The issue-10 server targets: the sample app-server (--quiet, plus APP_ARGS, e.g. APP_ARGS=--inline) against the
# hand-written baseline, alternated, in one run; then pipelined against KestrelPeer (a Kestrel ConnectionHandler doing
# the same job; KESTREL_ARGS=--inline gives it UnsafePreferInlineScheduling); then the memory per idle connection.
#   [APP_ARGS=...] benchmarks/compare-app-server.sh [ROUNDS] [SECONDS] [SCENARIOS]   (defaults 5, 5, all)
# SCENARIOS: a comma-separated subset of oneshot,keepalive,pipelined,64k,1m,kestrel,idle.
# Prints each round, the medians and "ratio app/baseline" (or "ratio app/kestrel") per scenario (see docs/PERFORMANCE.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${1:-5}
seconds=${2:-5}
scenarios=",${3:-oneshot,keepalive,pipelined,64k,1m,kestrel,idle},"
read -r -a app_args <<< "${APP_ARGS:-}"
read -r -a kestrel_args <<< "${KESTREL_ARGS:-}"
ulimit -n 20000
for p in samples/AppServer benchmarks/BaselineServer benchmarks/KestrelPeer benchmarks/AppProtocol.LoadTest; do dotnet build -c Release "$p" -v q -nologo >/dev/null; done
L=benchmarks/AppProtocol.LoadTest/bin/Release/net10.0/AppProtocol.LoadTest
out=$(mktemp -d)
samples/AppServer/bin/Release/net10.0/app-server 127.0.0.1 0 --quiet "${app_args[@]}" > "$out/app" 2>&1 & APP=$!
benchmarks/BaselineServer/bin/Release/net10.0/BaselineServer 127.0.0.1 0 > "$out/base" 2>&1 & BASE=$!
benchmarks/KestrelPeer/bin/Release/net10.0/KestrelPeer 127.0.0.1 0 "${kestrel_args[@]}" > "$out/kestrel" 2>&1 & KESTREL=$!
trap 'kill $APP $BASE $KESTREL 2>/dev/null || true; rm -rf "$out"' EXIT
source "$root/benchmarks/listening-port.sh"
APP_PORT=$(port "$out/app"); BASE_PORT=$(port "$out/base"); KESTREL_PORT=$(port "$out/kestrel")
echo "app-server --quiet ${APP_ARGS:-}; KestrelPeer ${KESTREL_ARGS:-}; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
C="--compare --target app=127.0.0.1:$APP_PORT/$APP --target baseline=127.0.0.1:$BASE_PORT/$BASE --rounds $rounds --warmup 1 --duration $seconds"
want() { [[ $scenarios == *",$1,"* ]]; }
if want oneshot; then echo "## one-shot search, 64 clients (target >= 0.95)"; $L $C --mode oneshot --connections 64; fi
if want keepalive; then echo "## keep-alive search, 64 connections (target >= 0.95)"; $L $C --mode keepalive --connections 64; fi
if want pipelined; then echo "## pipelined search, 64 x 16 (target >= 0.9)"; $L $C --mode pipelined --connections 64 --depth 16; fi
if want 64k; then echo "## keep-alive binary 64 KiB, 8 connections (target >= 0.9)"; $L $C --mode keepalive --connections 8 --workload binary --size 64k; fi
if want 1m; then echo "## keep-alive binary 1 MiB, 4 connections (target >= 1.0)"; $L $C --mode keepalive --connections 4 --workload binary --size 1m; fi
if want kestrel; then
  echo "## pipelined search, 64 x 16, against a Kestrel ConnectionHandler (target >= 2.5)"
  $L --compare --target app=127.0.0.1:$APP_PORT/$APP --target kestrel=127.0.0.1:$KESTREL_PORT/$KESTREL --rounds "$rounds" --warmup 1 --duration "$seconds" --mode pipelined --connections 64 --depth 16
fi
if want idle; then
  # A fresh app-server for the idle run: one that has just served the loads above has memory to spare, which would hide the cost.
  kill $APP; wait $APP 2>/dev/null || true
  samples/AppServer/bin/Release/net10.0/app-server 127.0.0.1 0 --quiet "${app_args[@]}" > "$out/idle" 2>&1 & APP=$!
  IDLE_PORT=$(port "$out/idle")
  echo "## idle connections (target <= 4 KiB each)"; $L --port "$IDLE_PORT" --mode idle --connections 10000 --warmup 2 --server-pid $APP
fi
