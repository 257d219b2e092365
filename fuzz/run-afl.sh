#!/usr/bin/env bash
# Fuzzes the frame reader (or, with FUZZ_TARGET=proxy, the PROXY protocol header parser) with AFL++ and SharpFuzz.
#   fuzz/run-afl.sh [seconds] [output-folder]     (defaults: 600 seconds, fuzz/out; fuzz/out-proxy for the proxy target)
# Needs: afl++ (apt-get install afl++), the dotnet tool SharpFuzz.CommandLine (dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0).
# Resumes a previous campaign in the same output folder (AFL_AUTORESUME). Crashes land in <output>/default/crashes;
# replay one with the uninstrumented copy: dotnet <output>/replay/AppProtocol.Fuzz.dll replay <file> (replay-proxy for the proxy target)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-600}"
target="${FUZZ_TARGET:-frame}"
case "$target" in
  frame) corpus="$here/corpus"; dict="$here/frame.dict"; mode=(); replay_mode="replay" ;;
  proxy) corpus="$here/corpus-proxy"; dict="$here/proxy.dict"; mode=(proxy); replay_mode="replay-proxy" ;;
  *) echo "FUZZ_TARGET must be frame or proxy" >&2; exit 2 ;;
esac
out="$(realpath -m "${2:-$here/out$([ "$target" = frame ] || echo "-$target")}")"
bin="$out/bin"
replay="$out/replay"
export PATH="$PATH:$HOME/.dotnet/tools"

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 1; }
command -v sharpfuzz >/dev/null || { echo "sharpfuzz not found: dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0" >&2; exit 1; }

# Build, then instrument only the library under test: the harness and the BCL stay uninstrumented.
# The instrumented library only runs under afl-fuzz, so an uninstrumented copy is kept for replaying crashes.
rm -rf "$bin" "$replay"
dotnet publish "$here/AppProtocol.Fuzz/AppProtocol.Fuzz.csproj" -c Release -o "$bin" --nologo -v quiet
cp -r "$bin" "$replay"
sharpfuzz "$bin/AppProtocol.dll"

# dotnet is not an AFL-instrumented binary (SharpFuzz talks to afl-fuzz itself), hence AFL_SKIP_BIN_CHECK.
# Shared CI-like machines lack the performance governor and a core_pattern AFL likes; neither matters for finding bugs.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1 AFL_NO_UI=1
afl-fuzz -i "$corpus" -o "$out" -x "$dict" -t 10000 -m none -V "$seconds" -- dotnet "$bin/AppProtocol.Fuzz.dll" "${mode[@]}"

stats="$out/default/fuzzer_stats"
echo "Crashes: $out/default/crashes (replay: dotnet $replay/AppProtocol.Fuzz.dll $replay_mode $out/default/crashes)"
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|edges_found|total_edges|bitmap_cvg|saved_crashes|saved_hangs|unique_crashes|unique_hangs) ' "$stats" || cat "$stats"
