#!/usr/bin/env bash
# The load tool and baseline server of this tree against those of an older tree, alternated, against each other's servers too.
#   benchmarks/compare-loadtool.sh OLD_TREE [ROUNDS] [SECONDS]   (OLD_TREE: a checkout of the old commit, e.g. a git worktree)
# Four pairings, each scenario in turn, the pairings' order reversed every other round: old tool on the old baseline
# ("before"), new tool on the new baseline ("after"), and the two crossings (which part of a change is the tool's, which
# the server's). Each baseline runs as its own Program starts it (this tree's: socket continuations inline).
# Prints one line per run (req/s, client and server CPU us per request; the old tool prints CPU in whole percent, so
# both are worked out from the percentages), then the median and range of each pairing and scenario.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
old=$(cd "$1" && pwd)
rounds=${2:-3}
seconds=${3:-3}
for tree in "$old" "$root"; do
  for p in benchmarks/AppProtocol.LoadTest benchmarks/BaselineServer; do dotnet build -c Release "$tree/$p" -v q -nologo >/dev/null; done
done
tool() { echo "$1/benchmarks/AppProtocol.LoadTest/bin/Release/net10.0/AppProtocol.LoadTest"; }
out=$(mktemp -d)
"$old/benchmarks/BaselineServer/bin/Release/net10.0/BaselineServer" 127.0.0.1 0 > "$out/old" 2>&1 & OLD=$!
"$root/benchmarks/BaselineServer/bin/Release/net10.0/BaselineServer" 127.0.0.1 0 > "$out/new" 2>&1 & NEW=$!
trap 'kill $OLD $NEW 2>/dev/null || true; rm -rf "$out"' EXIT
source "$root/benchmarks/listening-port.sh"
declare -A server=([old]="--port $(port "$out/old") --server-pid $OLD" [new]="--port $(port "$out/new") --server-pid $NEW")
pairings=("old-tool/old-server" "new-tool/new-server" "old-tool/new-server" "new-tool/old-server")
scenarios=("pipelined search, 64 x 16|--mode pipelined --connections 64 --depth 16"
  "keep-alive search, 64 connections|--mode keepalive --connections 64"
  "one-shot search, 64 clients|--mode oneshot --connections 64"
  "keep-alive binary 64 KiB, 8 connections|--mode keepalive --connections 8 --workload binary --size 64k"
  "keep-alive binary 1 MiB, 4 connections|--mode keepalive --connections 4 --workload binary --size 1m")

# One run: "req/s client-us server-us" from the tool's result line.
measure() {
  "$1" $2 --warmup 1 --duration "$seconds" | grep -E ' req/s ' | tail -n1 | tee -a "$out/lines" \
    | sed -E 's/,//g' | awk '{ for (i = 1; i <= NF; i++) { if ($(i+1) == "req/s") r = $i; if ($i == "client") c = $(i+1); if ($i == "server") s = $(i+1) }
        sub("%", "", c); sub("%", "", s); printf "%d %.2f %.2f\n", r, c * 1e4 / r, s * 1e4 / r }'
}

for scenario in "${scenarios[@]}"; do
  name=${scenario%%|*}; args=${scenario#*|}
  echo "## $name ($args), load average $(cut -d' ' -f1 /proc/loadavg)"
  : > "$out/results"
  for round in $(seq "$rounds"); do
    order=("${pairings[@]}"); (( round % 2 )) || order=("${pairings[3]}" "${pairings[2]}" "${pairings[1]}" "${pairings[0]}")
    for pairing in "${order[@]}"; do
      tree=$([[ $pairing == old-tool* ]] && echo "$old" || echo "$root")
      key=${pairing#*/}
      figures=$(measure "$(tool "$tree")" "$args ${server[${key%-server}]}")
      echo "round $round $pairing: $figures (req/s, client us/req, server us/req)"
      echo "$pairing $figures" >> "$out/results"
    done
  done
  for pairing in "${pairings[@]}"; do
    grep "^$pairing " "$out/results" | awk -v p="$pairing" '
      { r[NR] = $2; c[NR] = $3; s[NR] = $4 }
      function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                         return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      END { n = NR; lo = r[1]; hi = r[1]; for (i = 2; i <= n; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
            printf "median %s: %d req/s (%d-%d), client %.2f us/req, server %.2f us/req\n", p, median(r, n), lo, hi, median(c, n), median(s, n) }'
  done
done
