#!/usr/bin/env bash
# HTTP load of the release build with wrk, through the peers' load script (loopback only).
#   bench/http.sh sqlite|postgres [seconds=10]
# Starts `symbios serve` on a fresh database (a temporary SQLite folder, or a fresh PostgreSQL
# database `symbios_bench` on 127.0.0.1:5432), loads the bundled dataset, then measures
# bench/queries/{list,nested}.graphql with ../shared/peers/load.sh (wrk -t2 -c10).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
backend="${1:?usage: bench/http.sh sqlite|postgres [seconds]}"
secs="${2:-10}"
port="${SYMBIOS_BENCH_PORT:-18090}"
load="$ROOT/../shared/peers/load.sh"
[ -x "$load" ] || { echo "bench: $load not found (the shared peers folder sits beside the repo)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install -y wrk" >&2; exit 2; }

cargo build --release --manifest-path "$ROOT/Cargo.toml" -q
data_dir="$(mktemp -d /tmp/symbios-bench.XXXXXX)"
export SYMBIOS_DATA_DIR="$data_dir" SYMBIOS_BIND="127.0.0.1:$port" SYMBIOS_LOG=warn
# Load tests come from one address: lift the per-address rate limit.
export SYMBIOS_LIMITS__ANONYMOUS_PER_SECOND=0 SYMBIOS_LIMITS__KEY_PER_SECOND=0
case "$backend" in
  sqlite) unset SYMBIOS_DATABASE_URL ;;
  postgres)
    psql -h 127.0.0.1 -U postgres -d test -qc 'DROP DATABASE IF EXISTS symbios_bench WITH (FORCE)'
    psql -h 127.0.0.1 -U postgres -d test -qc 'CREATE DATABASE symbios_bench'
    export SYMBIOS_DATABASE_URL="postgres://postgres@127.0.0.1:5432/symbios_bench" ;;
  *) echo "bench: backend must be sqlite or postgres" >&2; exit 2 ;;
esac

"$ROOT/target/release/symbios" serve >"$data_dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done

echo "bench: symbios $(git -C "$ROOT" rev-parse --short HEAD) on $backend, $(nproc) cores, $(date -u +%FT%TZ)"
for query in list nested; do
  "$load" "http://127.0.0.1:$port/graphql" "$ROOT/bench/queries/$query.graphql" 3 >/dev/null  # warm-up
  "$load" "http://127.0.0.1:$port/graphql" "$ROOT/bench/queries/$query.graphql" "$secs" | grep '^load:'
done
