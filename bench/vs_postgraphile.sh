#!/usr/bin/env bash
# Symbios beside PostGraphile v5 on the same data, same machine, one run: the peers' list,
# nested and full-text queries (bench/queries/peers/ and ../shared/peers/queries/postgraphile/;
# PostGraphile searches with PostgreSQL full-text search: per-language tsvector, GIN).
#   bench/vs_postgraphile.sh [N=10000] [seconds=10] [queries="list nested fts"]
# Needs ../shared/peers set up: ./setup.sh && python3 gen_data.py N (loads PostgreSQL).
# Loads data/nN into a fresh Symbios SQLite database with the load_peers example, waits for
# the index, then runs the peers' load.sh (wrk -t2 -c10) on each server in turn, alone.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="$ROOT/../shared/peers"
n="${1:-10000}"
secs="${2:-10}"
queries="${3:-list nested fts}"
port="${SYMBIOS_BENCH_PORT:-18091}"
data="$PEERS/data/n$n"
[ -f "$data/case_study.ndjson" ] || { echo "bench: $data missing: run (cd $PEERS && ./setup.sh && python3 gen_data.py $n)" >&2; exit 2; }

cargo build --release --manifest-path "$ROOT/Cargo.toml" -q -p symbios --bin symbios --example load_peers
dir="$(mktemp -d /tmp/symbios-search-bench.XXXXXX)"
trap 'kill "${server:-}" 2>/dev/null || true; "$PEERS/stop.sh" v5 >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$ROOT/target/release/examples/load_peers" "$data" "$dir"

SYMBIOS_DATA_DIR="$dir" SYMBIOS_BIND="127.0.0.1:$port" SYMBIOS_LOG=warn SYMBIOS_SEED_ON_EMPTY=false SYMBIOS_LIMITS__ANONYMOUS_PER_SECOND=0 \
  "$ROOT/target/release/symbios" serve >"$dir/server.log" 2>&1 &
server=$!
started=$(date +%s.%N)
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
echo "bench: symbios index ready in $(echo "$(date +%s.%N) - $started" | bc) s: $(curl -s "http://127.0.0.1:$port/readyz")"

echo "bench: $(git -C "$ROOT" rev-parse --short HEAD), N=$n, $(nproc) cores, $(date -u +%FT%TZ)"
for query in $queries; do
  "$PEERS/load.sh" "http://127.0.0.1:$port/graphql" "$ROOT/bench/queries/peers/$query.graphql" 3 >/dev/null
  "$PEERS/load.sh" "http://127.0.0.1:$port/graphql" "$ROOT/bench/queries/peers/$query.graphql" "$secs" | grep '^load:' | sed 's/^load:/load: symbios/'
done
kill "$server"; wait "$server" 2>/dev/null || true

"$PEERS/run_postgraphile.sh" v5 >/dev/null
for query in $queries; do
  "$PEERS/load.sh" http://127.0.0.1:5051/graphql "$PEERS/queries/postgraphile/$query.graphql" 3 >/dev/null
  "$PEERS/load.sh" http://127.0.0.1:5051/graphql "$PEERS/queries/postgraphile/$query.graphql" "$secs" | grep '^load:' | sed 's/^load:/load: postgraphile-v5/'
done
"$PEERS/stop.sh" v5 >/dev/null
