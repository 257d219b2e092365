#!/usr/bin/env bash
# A file of SIZE up to file-server and back down with file-client on loopback, then the same bytes through a plain
# socket copy (benchmarks/plain-copy.py, file to socket to file) in the same run: SHA-256 of every copy, each
# process's peak RSS (/usr/bin/time -v, "Maximum resident set size") and throughput, and the ratio to the plain copy.
#
# Usage: benchmarks/file-transfer.sh SIZE [--max-rss-mib N] [--timeout SECONDS] [--work DIR]
#   SIZE             4g, 300m, 1048576 ... (IEC units: 1g = 1024^3 bytes)
#   --max-rss-mib N  fail (exit 1) when file-server's or a file-client's peak RSS is over N MiB (CI: 64)
#   --timeout S      fail when one transfer takes longer than S seconds (default 600)
#   --work DIR       where the files go (default a new temporary directory, removed at the end; needs 3 x SIZE free)
# FILE_SERVER_DLL / FILE_CLIENT_DLL point at other builds; NO_BUILD=1 skips the Release build.
# CI-sized run: benchmarks/file-transfer.sh 300m --max-rss-mib 64 --timeout 120
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmarks/listening-port.sh"

[[ $# -ge 1 ]] || { sed -n '2,12p' "$0"; exit 2; }
size=$(numfmt --from=iec "${1^^}")
shift
max_rss="" timeout_s=600 work=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --max-rss-mib) max_rss=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

server_dll=${FILE_SERVER_DLL:-$root/samples/FileTransfer/FileServer/bin/Release/net10.0/file-server.dll}
client_dll=${FILE_CLIENT_DLL:-$root/samples/FileTransfer/FileClient/bin/Release/net10.0/file-client.dll}
if [[ ${NO_BUILD:-} != 1 ]]; then
  [[ -n ${FILE_SERVER_DLL:-} ]] || dotnet build -c Release -v q -nologo "$root/samples/FileTransfer/FileServer" >/dev/null
  [[ -n ${FILE_CLIENT_DLL:-} ]] || dotnet build -c Release -v q -nologo "$root/samples/FileTransfer/FileClient" >/dev/null
fi

own_work=0
[[ -n $work ]] || { work=$(mktemp -d); own_work=1; }
mkdir -p "$work/served" "$work/down" "$work/plain"
server_pid=""
cleanup() {
  [[ -z $server_pid ]] || kill -TERM "$server_pid" 2>/dev/null || true
  [[ $own_work == 0 ]] || rm -rf "$work"
}
trap cleanup EXIT

echo "Creating $size bytes of random data in $work"
head -c "$size" /dev/urandom > "$work/file.bin"
want=$(sha256sum < "$work/file.bin" | cut -d' ' -f1)
# Each transfer starts with no dirty pages left by the step before it: otherwise the first one (the upload) pays for
# writing the new file back to disk, and the upload and a repeat of it differed by a factor of 2 to 3.
sync

# Runs a command under /usr/bin/time -v and the timeout; prints its wall seconds.
timed() {
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  timeout "$timeout_s" /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.log" 2>&1 \
    || { echo "$name failed or took over ${timeout_s} s:" >&2; tail -n 5 "$work/$name.log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
rss_mib() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/$1.time"; }
rate() { echo "scale=1; $size / 1048576 / $1" | bc -l; }

/usr/bin/time -v -o "$work/server.time" dotnet "$server_dll" 127.0.0.1 0 "$work/served" > "$work/server.log" 2>&1 &
timer_pid=$!
server_port=$(port "$work/server.log")
# /usr/bin/time passes no signal on: the server is its child.
server_pid=$(pgrep -P "$timer_pid")

up_s=$(timed upload dotnet "$client_dll" 127.0.0.1 "$server_port" upload "$work/file.bin")
sync
down_s=$(timed download dotnet "$client_dll" 127.0.0.1 "$server_port" download file.bin "$work/down/file.bin")
kill -TERM "$server_pid"
wait "$timer_pid" || true
server_pid=""

sync
python3 "$root/benchmarks/plain-copy.py" receive "$work/plain/port" "$work/plain/file.bin" &
receiver=$!
for _ in $(seq 100); do [[ -s $work/plain/port ]] && break; sleep 0.1; done
plain_s=$(timed plain python3 "$root/benchmarks/plain-copy.py" send "$(cat "$work/plain/port")" "$work/file.bin")
wait "$receiver"

status=0
for copy in served/file.bin down/file.bin plain/file.bin; do
  got=$(sha256sum < "$work/$copy" | cut -d' ' -f1)
  if [[ $got == "$want" ]]; then echo "sha256 $copy: same as the original"; else echo "sha256 $copy: DIFFERENT ($got, want $want)"; status=1; fi
done

printf '%-22s %10s %12s %14s\n' "" "seconds" "MiB/s" "peak RSS MiB"
printf '%-22s %10.2f %12s %14s\n' "file-client upload" "$up_s" "$(rate "$up_s")" "$(rss_mib upload)"
printf '%-22s %10.2f %12s %14s\n' "file-client download" "$down_s" "$(rate "$down_s")" "$(rss_mib download)"
printf '%-22s %10s %12s %14s\n' "file-server (both)" "" "" "$(rss_mib server)"
printf '%-22s %10.2f %12s %14s\n' "plain socket copy" "$plain_s" "$(rate "$plain_s")" "$(rss_mib plain)"
echo "ratio to the plain copy: upload $(echo "scale=2; $plain_s / $up_s" | bc -l), download $(echo "scale=2; $plain_s / $down_s" | bc -l) (target at least 0.8)"

if [[ -n $max_rss ]]; then
  for name in server upload download; do
    if (( $(echo "$(rss_mib $name) > $max_rss" | bc -l) )); then
      echo "peak RSS of $name: $(rss_mib $name) MiB, over the limit of $max_rss MiB"; status=1
    fi
  done
fi
exit $status
