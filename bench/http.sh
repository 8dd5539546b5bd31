#!/usr/bin/env bash
# HTTP load of the release build with wrk, through the peers' load script (loopback only).
#   bench/http.sh sqlite|postgres [seconds=10]
# Starts `symbios serve` on a fresh database (a temporary SQLite folder, or a fresh PostgreSQL
# database `symbios_bench` on 127.0.0.1:5432), loads the bundled dataset, then measures
# bench/queries/{list,nested}.graphql with ../shared/peers/load.sh (wrk -t2 -c10).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/bench/lib.sh"
backend="${1:?usage: bench/http.sh sqlite|postgres [seconds]}"
secs="${2:-10}"
port="${SYMBIOS_BENCH_PORT:-18090}"
unset SYMBIOS_BENCH_PORT  # the server refuses unknown SYMBIOS_ settings
load="$ROOT/../shared/peers/load.sh"
[ -x "$load" ] || { echo "bench: $load not found (the shared peers folder sits beside the repo)" >&2; exit 2; }
bench_need wrk "apt-get install -y wrk"

cargo build --release --manifest-path "$ROOT/Cargo.toml" -q
bench_data_dir "$port"
bench_unlimited
bench_database "$backend"

bench_serve "$ROOT/target/release/symbios"
bench_wait_ready "$port"

bench_header "$backend"
for query in list nested; do
  "$load" "http://127.0.0.1:$port/graphql" "$ROOT/bench/queries/$query.graphql" 3 >/dev/null  # warm-up
  "$load" "http://127.0.0.1:$port/graphql" "$ROOT/bench/queries/$query.graphql" "$secs" | grep '^load:'
done
