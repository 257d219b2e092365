# Sourced by the compare scripts: port FILE prints the port a server prints in the first line of FILE once it is
# listening ("Listening on ('127.0.0.1', 4321)" or "... 4321"), waiting up to 10 s for it.
port() {
  for _ in $(seq 100); do
    line=$(head -n1 "$1" 2>/dev/null || true)
    [[ $line =~ ([0-9]+)\)?$ ]] && { echo "${BASH_REMATCH[1]}"; return; }
    sleep 0.1
  done
  echo "no listening line in $1" >&2; exit 1
}
