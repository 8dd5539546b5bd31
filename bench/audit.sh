#!/usr/bin/env bash
# The graphql-http audit suite (serverAudits of the npm package graphql-http, through the
# peers' audit.mjs) against a running Symbios on a fresh database.
#   bench/audit.sh
# Needs Node.js and ../shared/peers set up (./setup.sh installs graphql-http).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="$ROOT/../shared/peers"
port="${SYMBIOS_AUDIT_PORT:-18092}"
command -v node >/dev/null || { echo "audit: Node.js is missing" >&2; exit 2; }
[ -d "$PEERS/node_modules/graphql-http" ] || (cd "$PEERS" && npm ci --silent)
cargo build --release --manifest-path "$ROOT/Cargo.toml" -q -p symbios --bin symbios
dir="$(mktemp -d /tmp/symbios-audit.XXXXXX)"
SYMBIOS_DATA_DIR="$dir" SYMBIOS_BIND="127.0.0.1:$port" SYMBIOS_LOG=warn "$ROOT/target/release/symbios" serve >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
node "$PEERS/audit.mjs" "http://127.0.0.1:$port/graphql"
