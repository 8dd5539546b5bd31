#!/usr/bin/env bash
# The graphql-http audit suite (serverAudits of the npm package graphql-http, through the
# peers' audit.mjs) against a running Symbios on a fresh database.
#   bench/audit.sh
# Needs Node.js and ../shared/peers set up (./setup.sh installs graphql-http).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/bench/lib.sh"
PEERS="$ROOT/../shared/peers"
port="${SYMBIOS_AUDIT_PORT:-18092}"
command -v node >/dev/null || { echo "audit: Node.js is missing" >&2; exit 2; }
[ -d "$PEERS/node_modules/graphql-http" ] || (cd "$PEERS" && npm ci --silent)
cargo build --release --manifest-path "$ROOT/Cargo.toml" -q -p symbios --bin symbios
bench_data_dir "$port" symbios-audit
bench_database sqlite
bench_serve "$ROOT/target/release/symbios"
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
node "$PEERS/audit.mjs" "http://127.0.0.1:$port/graphql"
