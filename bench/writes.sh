#!/usr/bin/env bash
# Write throughput of the release build: `symbios import` of N generated actors, measured end
# to end (until the running server's search index has caught up), and `upsertActors` over
# HTTP with api/examples/upsert_load.rs.
#   bench/writes.sh sqlite|postgres [actors=100000] [upsert_items=50000]
# Starts `symbios serve` on a fresh database (a temporary SQLite folder, or a fresh
# PostgreSQL database `symbios_bench` on 127.0.0.1:5432) with the bundled dataset.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/bench/lib.sh"
backend="${1:?usage: bench/writes.sh sqlite|postgres [actors] [upsert_items]}"
actors="${2:-100000}"
upserts="${3:-50000}"
port="${SYMBIOS_BENCH_PORT:-18091}"
unset SYMBIOS_BENCH_PORT  # the server refuses unknown SYMBIOS_ settings

cargo build --release --manifest-path "$ROOT/Cargo.toml" -q -p symbios --bin symbios --example upsert_load
bin="$ROOT/target/release/symbios"
bench_data_dir "$port"
bench_unlimited
bench_database "$backend"

bench_serve "$bin"
ready() { curl -s "http://127.0.0.1:$port/readyz" | grep -q '"lag":0'; }
for _ in $(seq 1 300); do ready && break; sleep 0.1; done

# N actors in the import format, each with a Norwegian description and an identifier.
file="$data_dir/actors.ndjson"
awk -v n="$actors" 'BEGIN { for (i = 0; i < n; i++) printf "{\"type\":\"Actor\",\"record\":{\"slug\":\"bench-actor-%d\",\"name\":\"Benk selskap %d\",\"kind\":\"COMPANY\",\"country\":\"NO\",\"originalLang\":\"nb\",\"description\":[{\"lang\":\"nb\",\"text\":\"Selskap %d leverer overskuddsvarme og sidestrømmer til naboer i industriparken.\"}],\"identifiers\":[{\"scheme\":\"NO-BRC\",\"value\":\"7%08d\"}]}}\n", i, i, i, i }' >"$file"

bench_header "$backend"
start=$(date +%s.%N)
"$bin" import "$file" >"$data_dir/import.log" 2>&1
imported=$(date +%s.%N)
until ready; do sleep 0.05; done
indexed=$(date +%s.%N)
awk -v n="$actors" -v s="$start" -v i="$imported" -v x="$indexed" 'BEGIN {
  printf "import: %d actors, committed in %.1f s (%.0f records/s), searchable in %.1f s (%.0f records/s end to end)\n", n, i - s, n / (i - s), x - s, n / (x - s) }'
tail -1 "$data_dir/import.log"

key=$("$bin" apikey create --name bench --role partner --scheme NO-BRC 2>/dev/null)
for clients in 1 2 4; do
  "$ROOT/target/release/examples/upsert_load" "http://127.0.0.1:$port" "$key" "$upserts" 1000 "$clients" | sed 's/^/upsertActors: /'
done
