#!/usr/bin/env bash
# The scaling curve: the peers' generated dataset at N case studies (with their actors,
# projects, funders and relations) imported with `symbios import`, then served and loaded.
#   bench/scaling.sh N sqlite|postgres [seconds=10]
# Needs ../shared/peers/data/nN (cd ../shared/peers && python3 gen_data.py N); converts it
# once to the import format (bench/peers_to_import.py, kept in /tmp/symbios-import-nN.ndjson).
# Prints one `scaling:` line: import records/s, index build s, data and index size on disk,
# server RSS, list / nested / search req/s and p99 (the peers' queries, load.sh: wrk -t2
# -c10), and start-up time to ready with the index already built.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="$ROOT/../shared/peers"
n="${1:?usage: bench/scaling.sh N sqlite|postgres [seconds]}"
backend="${2:?usage: bench/scaling.sh N sqlite|postgres [seconds]}"
secs="${3:-10}"
port="${SYMBIOS_BENCH_PORT:-18092}"
bin_dir="${SYMBIOS_BENCH_BIN_DIR:-}"
# SYMBIOS_BENCH_KEEP_DATA=1 keeps the data folder (SQLite) for serving runs of other builds.
keep_data="${SYMBIOS_BENCH_KEEP_DATA:-}"
# The server reads every SYMBIOS_ variable as a setting and refuses unknown ones.
unset SYMBIOS_BENCH_PORT SYMBIOS_BENCH_BIN_DIR SYMBIOS_BENCH_KEEP_DATA
source "$ROOT/bench/lib.sh"
bench_peers_data "$n" "python3 gen_data.py $n"
bench_unlimited

import_file="/tmp/symbios-import-n$n.ndjson"
[ -s "$import_file" ] || python3 "$ROOT/bench/peers_to_import.py" "$data" > "$import_file"
lines=$(wc -l < "$import_file")
# SYMBIOS_BENCH_BIN_DIR: a folder holding a `symbios` built earlier; otherwise the working
# tree's release build (the same targets as bench/vs_postgraphile.sh, one build for both).
if [ -n "$bin_dir" ]; then
  bin="$bin_dir/symbios"
else
  cargo build --release --manifest-path "$ROOT/Cargo.toml" -q -p symbios --bin symbios --example load_peers
  bin="$ROOT/target/release/symbios"
fi
bench_data_dir "$port" symbios-scaling
bench_database "$backend" symbios_scaling
export SYMBIOS_SEED_ON_EMPTY=false
trap 'if [ -n "${server:-}" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi; if [ -n "$keep_data" ]; then echo "bench: data kept in $data_dir"; else rm -rf "$data_dir"; fi' EXIT
bench_header "$backend" "N=$n, $lines import lines"

started=$(date +%s.%N)
"$bin" import --batch-size 5000 "$import_file" > "$data_dir/import.log" 2>&1 \
  || { echo "bench: import refused lines:" >&2; tail -n 5 "$data_dir/import.log" >&2; exit 1; }
import_s=$(echo "$(date +%s.%N) - $started" | bc)

# start_server: starts the server (pid in `server`) and sets `ready_s` to the seconds until
# /readyz answers 200.
start_server() {
  local t0
  t0=$(date +%s.%N)
  "$bin" serve > "$data_dir/server.log" 2>&1 &
  server=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
    kill -0 "$server" 2>/dev/null || { echo "bench: server exited" >&2; tail -n 5 "$data_dir/server.log" >&2; exit 1; }
    sleep 0.1
  done
  ready_s=$(echo "$(date +%s.%N) - $t0" | bc)
}
# The first start builds the index from the database; readiness waits for it.
start_server
index_s=$ready_s
results=""
for query in list nested fts; do
  "$PEERS/load.sh" "http://127.0.0.1:$port/graphql" "$ROOT/bench/queries/peers/$query.graphql" 3 >/dev/null
  line="$("$PEERS/load.sh" "http://127.0.0.1:$port/graphql" "$ROOT/bench/queries/peers/$query.graphql" "$secs" | grep '^load:')"
  rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")
  p99=$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")
  results="$results $query=${rps}req/s,p99=${p99}ms"
done
rss_kb=$(ps -o rss= -p "$server" | tr -d ' ')
kill "$server"; wait "$server" 2>/dev/null || true
start_server
start_s=$ready_s
kill "$server"; wait "$server" 2>/dev/null || true
server=""

index_mb=$(du -sm "$data_dir/index" 2>/dev/null | cut -f1)
if [ "$backend" = postgres ]; then
  db_mb=$(psql -h 127.0.0.1 -U postgres -d test -tAc "SELECT pg_database_size('symbios_scaling') / 1048576")
else
  db_mb=$(du -cm "$data_dir"/symbios.db* | tail -n 1 | cut -f1)
fi
echo "scaling: N=$n backend=$backend import=$(echo "$lines / $import_s" | bc)records/s (${import_s%.*} s)" \
  "index_build=${index_s}s data=${db_mb}MB index=${index_mb:-0}MB rss=$((rss_kb / 1024))MB$results start=${start_s}s"
if [ "$backend" = postgres ]; then
  unset SYMBIOS_DATABASE_URL
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS symbios_scaling WITH (FORCE)"
fi
