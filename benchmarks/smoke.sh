#!/usr/bin/env bash
# CI smoke run of the load tool: a couple of seconds of each mode and workload, and of the library's FrameClient
# driven by it (--client frameclient), failing on any error or mismatch.
#   benchmarks/smoke.sh              starts benchmarks/BaselineServer on a free loopback port and loads it
#   benchmarks/smoke.sh HOST:PORT    loads a server that is already running (for example the sample app-server)
# Takes 20 to 45 s on 2 busy cores, mostly the Release builds; the runs themselves are about 16 s. Exit status: 0 when every run was clean.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=${SMOKE_DURATION:-1.5}

dotnet build "$root/benchmarks/AppProtocol.LoadTest" -c Release -nologo -v q >/dev/null
loadtest=("dotnet" "$root/benchmarks/AppProtocol.LoadTest/bin/Release/net10.0/AppProtocol.LoadTest.dll")

if [[ $# -ge 1 ]]; then
  host=${1%:*}
  port=${1##*:}
else
  dotnet build "$root/benchmarks/BaselineServer" -c Release -nologo -v q >/dev/null
  coproc SERVER { exec dotnet "$root/benchmarks/BaselineServer/bin/Release/net10.0/BaselineServer.dll" 127.0.0.1 0; }
  server_pid=$SERVER_PID
  trap 'kill "$server_pid" 2>/dev/null || true' EXIT
  # The server prints "Listening on 127.0.0.1:PORT" once it accepts connections: wait for that line, not for time.
  read -t 30 -r listening <&"${SERVER[0]}" || { echo "smoke: BaselineServer did not start" >&2; exit 1; }
  host=127.0.0.1
  port=${listening##*:}
fi

run() {
  echo "smoke: $*"
  "${loadtest[@]}" --host "$host" --port "$port" --warmup 0.3 --duration "$duration" "$@"
}

run --mode oneshot --connections 16
run --mode keepalive --connections 16
run --mode pipelined --connections 16 --depth 8
run --mode keepalive --connections 4 --workload search --value nope
run --mode pipelined --connections 4 --depth 4 --workload binary --size 64k
run --mode keepalive --connections 2 --workload binary --size 1m
# FrameClient, as the README shows it, beside the tool's own connections: 4 clients with one caller each, then one
# client shared by 8 concurrent callers; half a second each, since the point is only that it answers right.
run --client frameclient --mode keepalive --connections 4 --duration 0.5
run --client frameclient --mode pipelined --connections 1 --depth 8 --duration 0.5
# The pool (every caller on one client of 8 connections) and the lease API.
run --client pool --mode pipelined --connections 1 --depth 16 --duration 0.5
run --client pool --lease --mode pipelined --connections 1 --depth 16 --duration 0.5

# The checks must be able to fail: a wrong expected answer has to be reported as mismatches (exit status 2),
# by the tool's own connections and by the FrameClient mode.
for client in raw frameclient; do
  echo "smoke: a deliberate mismatch must be detected (--client $client)"
  status=0
  "${loadtest[@]}" --host "$host" --port "$port" --warmup 0 --requests 20 --connections 2 --client "$client" --expect "not the answer" >/dev/null || status=$?
  if [[ $status -ne 2 ]]; then
    echo "smoke: the load tool did not report a deliberate mismatch with --client $client (exit status $status)" >&2
    exit 1
  fi
done

echo "smoke: all runs clean"
