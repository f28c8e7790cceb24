# A throwaway PostgreSQL cluster for the tests: Debian's server binaries, a new cluster in a temporary
# folder, trust authentication on loopback only, stopped and deleted when the calling script exits.
# Sourced by scripts/test. `start_test_postgres` exports TSUNAGU_TEST_POSTGRES_URL when the server is up,
# and leaves it unset (with a one-line reason on stderr) when it truly cannot start; the tests that need
# PostgreSQL are then skipped and say why.

POSTGRES_PACKAGES=(postgresql)

# The newest installed server's binaries, or nothing.
postgres_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

start_test_postgres() {
  if [ -n "${TSUNAGU_TEST_POSTGRES_URL:-}" ]; then
    echo "Using the PostgreSQL server at TSUNAGU_TEST_POSTGRES_URL." >&2
    return 0
  fi
  if [ -z "$(postgres_bin_dir)" ]; then
    ensure_packages "${POSTGRES_PACKAGES[@]}" || true
  fi
  local bin
  bin=$(postgres_bin_dir) || true
  if [ -z "$bin" ]; then
    echo "PostgreSQL's server is not installed and could not be; the PostgreSQL tests will be skipped." >&2
    return 0
  fi

  # initdb refuses to run as root: the cluster then belongs to the postgres account Debian creates.
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    run=(runuser -u postgres --)
  fi
  TEST_POSTGRES_DIR=$(mktemp -d /tmp/tsunagu-postgres.XXXXXX)
  chmod 755 "$TEST_POSTGRES_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres "$TEST_POSTGRES_DIR"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

  if ! "${run[@]}" "$bin/initdb" -D "$TEST_POSTGRES_DIR/data" -U tsunagu --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$TEST_POSTGRES_DIR/initdb.log" 2>&1; then
    echo "initdb failed (see $TEST_POSTGRES_DIR/initdb.log); the PostgreSQL tests will be skipped." >&2
    return 0
  fi
  # Many test databases come and go; the settings favour speed, as nothing here outlives the run. Each test's pool
  # keeps its idle connections for a minute after the test, and the suite runs tests in parallel, so the slots are
  # many: at 300 the three-instance chaos test, near the end of a run, once found none free for a restarted
  # instance. Benchmarks
  # set TEST_POSTGRES_DURABLE=1 for PostgreSQL's durable defaults (fsync, synchronous commit).
  local speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${TEST_POSTGRES_DURABLE:-0}" = 1 ] && speed=""
  if ! "${run[@]}" "$bin/pg_ctl" -D "$TEST_POSTGRES_DIR/data" -l "$TEST_POSTGRES_DIR/server.log" -w -t 60 \
      -o "-p $port -k $TEST_POSTGRES_DIR -c listen_addresses=127.0.0.1 -c max_connections=1000 $speed" \
      start >/dev/null; then
    echo "PostgreSQL did not start (see $TEST_POSTGRES_DIR/server.log); the PostgreSQL tests will be skipped." >&2
    return 0
  fi
  TEST_POSTGRES_RUN=("${run[@]}")
  TEST_POSTGRES_BIN=$bin
  trap stop_test_postgres EXIT
  export TSUNAGU_TEST_POSTGRES_URL="postgres://tsunagu@127.0.0.1:$port/postgres"
  echo "Started a temporary PostgreSQL ($("$bin/postgres" --version)) on 127.0.0.1:$port." >&2
}

stop_test_postgres() {
  [ -n "${TEST_POSTGRES_DIR:-}" ] || return 0
  "${TEST_POSTGRES_RUN[@]}" "$TEST_POSTGRES_BIN/pg_ctl" -D "$TEST_POSTGRES_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TEST_POSTGRES_DIR"
  TEST_POSTGRES_DIR=""
}
