#!/usr/bin/env bash
# Packs app-client and app-server as .NET tools (a pointer package, the native-AOT linux-x64 package and the
# framework-dependent "any" fallback), installs them from that folder into a tool path, checks that the installed
# commands are native executables (ELF, no dotnet host, no .dll), runs one request of app-client against app-server,
# and with "measure" times app-client against the Python reference client (tests/reference/app-client.py), each run
# from start to exit for one request, in alternated runs (medians and ranges).
# Usage: eng/native-tools.sh [measure [RUNS]]     Needs clang and zlib1g-dev for native AOT. About 3 to 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

for project in samples/AppClient samples/AppServer; do
  dotnet pack -c Release "$project" -o "$work/pkg" -v q -nologo
  dotnet pack -c Release "$project" -r linux-x64 -o "$work/pkg" -v q -nologo
  dotnet pack -c Release "$project" -r any -o "$work/pkg" -v q -nologo
done
ls "$work/pkg"

# From a folder outside the repository: its nuget.config maps every package to nuget.org.
for tool in AppProtocol.AppClient AppProtocol.AppServer; do
  (cd "$work" && dotnet tool install --tool-path "$work/tools" --add-source "$work/pkg" "$tool")
done

for command in app-client app-server; do
  target=$(readlink -f "$work/tools/$command")
  file "$target"
  file "$target" | grep -q 'ELF 64-bit' || { echo "$command is not a native executable"; exit 1; }
  if ls "$(dirname "$target")"/*.dll >/dev/null 2>&1; then echo "$command has assemblies beside it: not native AOT"; exit 1; fi
done

"$work/tools/app-server" 127.0.0.1 0 > "$work/server.out" 2>&1 &
server=$!
port=""
for _ in $(seq 100); do
  port=$(sed -nE "s/^Listening on \('127\.0\.0\.1', ([0-9]+)\).*/\1/p" "$work/server.out")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.out"; echo "app-server did not start"; exit 1; }
"$work/tools/app-client" 127.0.0.1 "$port" search morpheus | tee "$work/client.out"
grep -q 'Got result: Follow the white rabbit.' "$work/client.out"
echo "native tools: OK"

if [ "${1:-}" = "measure" ]; then
  # Alternated: run i of one, then run i of the other, so that a change in the machine's load falls on both.
  python3 - "${2:-20}" "$work/tools/app-client" "$root/tests/reference/app-client.py" "$port" <<'PY'
import statistics, subprocess, sys, time
runs, native, reference, port = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
commands = {"app-client": [native, "127.0.0.1", port, "search", "morpheus"],
            "python reference": ["python3", reference, "127.0.0.1", port, "search", "morpheus"]}
times = {name: [] for name in commands}
for i in range(runs + 3):
    for name, command in commands.items():
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        if i >= 3:  # 3 warm-up rounds
            times[name].append(time.perf_counter() - start)
for name, t in times.items():
    t.sort()
    print(f"{name:>16}: median {statistics.median(t)*1000:.1f} ms, range {t[0]*1000:.1f} to {t[-1]*1000:.1f} ms, {len(t)} runs")
print(f"app-client / python reference, medians: {statistics.median(times['app-client']) / statistics.median(times['python reference']):.3f}")
PY
fi
