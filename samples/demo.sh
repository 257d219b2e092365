#!/usr/bin/env bash
# Starts the sample app-server on a free port, runs app-client against it for a JSON and a binary request, stops the server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dotnet build -c Release "$root/samples/AppServer" -v q -nologo >/dev/null
dotnet build -c Release "$root/samples/AppClient" -v q -nologo >/dev/null
bin=net10.0
server_out=$(mktemp)
dotnet "$root/samples/AppServer/bin/Release/$bin/app-server.dll" 127.0.0.1 0 > "$server_out" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$server_out"' EXIT
for _ in $(seq 100); do grep -q "Listening on" "$server_out" && break; sleep 0.1; done
port=$(sed -nE "s/^Listening on \('127\.0\.0\.1', ([0-9]+)\).*/\1/p" "$server_out")
[ -n "$port" ] || { echo "app-server did not start:"; cat "$server_out"; exit 1; }
echo "--- app-server: $(head -n1 "$server_out")"
for request in "search morpheus" "search 🐶" "foo bar"; do
  echo "--- app-client 127.0.0.1 $port $request"
  # shellcheck disable=SC2086
  dotnet "$root/samples/AppClient/bin/Release/$bin/app-client.dll" 127.0.0.1 "$port" $request
done
echo "--- app-server printed:"
cat "$server_out"
