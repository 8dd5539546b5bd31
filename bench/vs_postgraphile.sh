#!/usr/bin/env bash
# Symbios on SQLite and Symbios on PostgreSQL beside PostGraphile v5, on the same data, same
# machine, one run: the peers' list, nested and full-text queries (bench/queries/peers/ and
# ../shared/peers/queries/postgraphile/; PostGraphile searches with PostgreSQL full-text
# search: per-language tsvector, GIN).
#   bench/vs_postgraphile.sh [N=10000] [seconds=10] [queries="list nested fts"] [servers="sqlite postgres postgraphile"]
# A server `sqlite-general` or `postgres-general` is Symbios with `planner.enabled = false`
# (every request through async-graphql and the DataLoader).
# Needs ../shared/peers set up: ./setup.sh && python3 gen_data.py N (loads PostgreSQL).
# Symbios on PostgreSQL uses the same PostgreSQL instance as PostGraphile, in a database of
# its own (symbios_vs_peers). Each server runs alone: loaded, warmed up (3 s, discarded),
# measured with the peers' load.sh (wrk -t2 -c10), stopped. Each measured line carries the
# server's CPU and PostgreSQL's CPU per request over the run (../shared/peers/cpu_split.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="$ROOT/../shared/peers"
n="${1:-10000}"
secs="${2:-10}"
queries="${3:-list nested fts}"
servers="${4:-sqlite postgres postgraphile}"
port="${SYMBIOS_BENCH_PORT:-18091}"
bin_dir="${SYMBIOS_BENCH_BIN_DIR:-}"
# The server reads every SYMBIOS_ variable as a setting and refuses unknown ones.
unset SYMBIOS_BENCH_PORT SYMBIOS_BENCH_BIN_DIR
source "$ROOT/bench/lib.sh"
bench_port_free "$port"
bench_peers_data "$n" "./setup.sh && python3 gen_data.py $n"

# SYMBIOS_BENCH_BIN_DIR: a folder holding `symbios` and `load_peers` built earlier (to measure
# a build while the tree moves on); otherwise the working tree's release build.
if [ -n "$bin_dir" ]; then
  symbios_bin="$bin_dir/symbios" load_peers_bin="$bin_dir/load_peers"
else
  cargo build --release --manifest-path "$ROOT/Cargo.toml" -q -p symbios --bin symbios --example load_peers
  symbios_bin="$ROOT/target/release/symbios" load_peers_bin="$ROOT/target/release/examples/load_peers"
fi
dir="$(mktemp -d /tmp/symbios-vs-peers.XXXXXX)"
server=""
trap 'kill "$server" 2>/dev/null || true; "$PEERS/stop.sh" v5 >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
echo "bench: $(git -C "$ROOT" rev-parse --short HEAD)${bin_dir:+ (binaries from $bin_dir)}, N=$n, $(nproc) cores, $(date -u +%FT%TZ)"

# measure LABEL URL QUERYDIR PID: warm-up, then one measured run per query, each line with
# the CPU per request of the server and of PostgreSQL.
measure() {
  local label="$1" url="$2" query_dir="$3" pid="$4" query line cpu requests
  for query in $queries; do
    "$PEERS/load.sh" "$url" "$query_dir/$query.graphql" 3 >/dev/null
    line="$("$PEERS/cpu_split.sh" "$pid" -- "$PEERS/load.sh" "$url" "$query_dir/$query.graphql" "$secs" 2>&1 | grep -E '^(load|cpu):' | paste -sd ' ')"
    requests="$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")"
    cpu="$(python3 - "$line" "${requests:-0}" <<'PY'
import re, sys
line, requests = sys.argv[1], int(sys.argv[2])
server = float(re.search(r"server=([0-9.]+)s", line).group(1))
postgres = float(re.search(r"postgres=([0-9.]+)s", line).group(1))
per = lambda seconds: seconds * 1e3 / requests if requests else float("nan")
print(f"cpu_per_request_ms: server={per(server):.3f} postgres={per(postgres):.3f}")
PY
)"
    echo "$line $cpu" | sed "s/^load:/load: $label/"
  done
}

# symbios SERVER: loads the data into a fresh database of SERVER's backend (sqlite or
# postgres; `-general` with the planner off), serves it and measures.
symbios() {
  local label="$1" backend="${1%-general}" data_dir="$dir/$1" planner=true
  [ "$label" = "$backend" ] || planner=false
  mkdir -p "$data_dir"
  bench_database "$backend" symbios_vs_peers
  "$load_peers_bin" "$data" "$data_dir"
  SYMBIOS_DATA_DIR="$data_dir" SYMBIOS_BIND="127.0.0.1:$port" SYMBIOS_LOG=warn SYMBIOS_SEED_ON_EMPTY=false \
    SYMBIOS_PLANNER__ENABLED="$planner" SYMBIOS_LIMITS__ANONYMOUS_PER_SECOND=0 "$symbios_bin" serve >"$data_dir/server.log" 2>&1 &
  server=$!
  local started ready
  started=$(date +%s.%N)
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
    kill -0 "$server" 2>/dev/null || { echo "bench: symbios-$label exited:" >&2; tail -n 5 "$data_dir/server.log" >&2; exit 1; }
    sleep 0.1
  done
  ready=$(date +%s.%N)
  echo "bench: symbios-$label ready in $(echo "$ready - $started" | bc) s, RSS $(ps -o rss= -p "$server") kB"
  measure "symbios-$label" "http://127.0.0.1:$port/graphql" "$ROOT/bench/queries/peers" "$server"
  echo "bench: symbios-$label RSS after the runs $(ps -o rss= -p "$server") kB"
  kill "$server"; wait "$server" 2>/dev/null || true
  server=""
}

for target in $servers; do
  case "$target" in
    sqlite | postgres | sqlite-general | postgres-general) symbios "$target" ;;
    postgraphile)
      "$PEERS/run_postgraphile.sh" v5 >/dev/null
      measure postgraphile-v5 http://127.0.0.1:5051/graphql "$PEERS/queries/postgraphile" "$(cat "$PEERS/run/postgraphile-v5.pid")"
      "$PEERS/stop.sh" v5 >/dev/null ;;
    *) echo "bench: unknown server $target (sqlite, postgres or postgraphile)" >&2; exit 2 ;;
  esac
done
unset SYMBIOS_DATABASE_URL
psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS symbios_vs_peers WITH (FORCE)" 2>/dev/null || true
