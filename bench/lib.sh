# Shared by the bench scripts (sourced, not run): a fresh data folder and database, the
# server started in the background and stopped on exit, and the line that heads a result.
# The caller sets ROOT (the repository) before sourcing.

# bench_need COMMAND HINT: stops the bench (exit 2) when COMMAND is missing, with HINT on how
# to install it.
bench_need() {
  command -v "$1" >/dev/null || { echo "bench: $1 is missing: $2" >&2; exit 2; }
}

# bench_unlimited: lifts the server's rate limits, since load tests come from one address.
bench_unlimited() {
  export SYMBIOS_LIMITS__ANONYMOUS_PER_SECOND=0 SYMBIOS_LIMITS__KEY_PER_SECOND=0
}

# bench_port_free PORT: stops the script when something already listens on 127.0.0.1:PORT
# (a server left over from another run would answer /readyz and be measured instead).
bench_port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "bench: 127.0.0.1:$1 is already taken; stop what listens there or set SYMBIOS_BENCH_PORT" >&2
    exit 1
  fi
}

# bench_data_dir PORT [NAME=symbios-bench]: a temporary data folder in `data_dir`, and the
# server's folder, address and log level in the environment (PORT must be free).
bench_data_dir() {
  bench_port_free "$1"
  data_dir="$(mktemp -d "/tmp/${2:-symbios-bench}.XXXXXX")"
  export SYMBIOS_DATA_DIR="$data_dir" SYMBIOS_BIND="127.0.0.1:$1" SYMBIOS_LOG=warn
}

# bench_database sqlite|postgres [NAME=symbios_bench]: SQLite in the data folder, or a fresh
# PostgreSQL database NAME on 127.0.0.1:5432.
bench_database() {
  local name="${2:-symbios_bench}"
  case "$1" in
    sqlite) unset SYMBIOS_DATABASE_URL ;;
    postgres)
      psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"
      psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $name"
      export SYMBIOS_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$name" ;;
    *) echo "bench: backend must be sqlite or postgres" >&2; exit 2 ;;
  esac
}

# bench_serve COMMAND…: runs `COMMAND… serve` in the background (its pid in `server`, its log
# in the data folder); on exit the server is stopped and the data folder removed.
bench_serve() {
  "$@" serve >"$data_dir/server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
}

# bench_wait_ready PORT [TRIES=100]: waits (0.1 s a try) until /readyz answers 200.
bench_wait_ready() {
  for _ in $(seq 1 "${2:-100}"); do
    curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && break
    sleep 0.1
  done
}

# bench_header BACKEND [MORE]: the first line of a result: commit, backend, cores, time.
bench_header() {
  echo "bench: symbios $(git -C "$ROOT" rev-parse --short HEAD) on $1, $(nproc) cores, $(date -u +%FT%TZ)${2:+, $2}"
}

# bench_peers_data N HINT: the peers' generated dataset at N case studies in `data` (stops the
# bench, exit 2, when it is missing, with HINT on how to make it).
bench_peers_data() {
  data="$PEERS/data/n$1"
  [ -f "$data/case_study.ndjson" ] || { echo "bench: $data missing: run (cd $PEERS && $2)" >&2; exit 2; }
}
