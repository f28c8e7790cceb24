# Shared by the benchmark scripts: source it after cd-ing to the repository root.

wait_for() {  # URL [HEADER]: poll until it answers 2xx, for at most 60 s
  local deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null ${2:+-H "$2"} "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "$(basename "$0"): $1 did not come up." >&2; exit 1; }
    sleep 0.1
  done
}
