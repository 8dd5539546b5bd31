#!/usr/bin/env bash
# Browser tests of the explorer at `/` and of GraphiQL at `/graphql` (explorer/tests/*.test.mjs)
# in Debian's chromium, driven by playwright-core, against a real Symbios server. Every request
# to a host other than the server's is aborted and fails the test (tests/browser.mjs).
#
#   explorer/run-tests.sh                      # starts ${SYMBIOS_BIN:-target/debug/symbios}
#   EXPLORER_URL=http://host:port/ explorer/run-tests.sh   # test a running server instead
#                                              # (EXPLORER_EDITOR_KEY=… for the write tests,
#                                              # EXPLORER_TRUSTED_URL=… for the trusted-documents one)
#
# Skips (exit 0) when node/npm or chromium are not available, except under CI (exit 1). Screenshots go to
# explorer/test-artifacts/; the README screenshot to docs/explorer.png.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

# Under CI a missing tool is a failure (the run must not pass with these tests unrun);
# elsewhere the tests are skipped, and say so.
skip() {
  if [ -n "${CI:-}" ] && [ "${CI}" != false ]; then
    echo "failed: CI is set but $1" >&2
    exit 1
  fi
  echo "skipped: $1"
  exit 0
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  skip "node/npm are not available"
fi

find_chromium() {
  local c
  for c in "${CHROMIUM_BIN:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}
chromium_bin="$(find_chromium || true)"
if [ -z "$chromium_bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium with apt-get…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 || true
  chromium_bin="$(find_chromium || true)"
fi
if [ -z "$chromium_bin" ]; then
  skip "chromium is not available"
fi

npm ci --prefix "$here" --no-audit --no-fund --loglevel=error

url="${EXPLORER_URL:-}"
if [ -z "$url" ]; then
  bin="${SYMBIOS_BIN:-target/debug/symbios}"
  case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
  if [ ! -x "$bin" ]; then
    echo "no server binary at $bin: build it (cargo build) or set SYMBIOS_BIN" >&2
    exit 1
  fi
  work="$(mktemp -d)"
  log="$work/server.log"
  # A clean environment for the server: none of the caller's SYMBIOS_* settings.
  unset_args=()
  while IFS= read -r name; do unset_args+=(-u "$name"); done < <(env | sed -n 's/^\(SYMBIOS_[A-Za-z0-9_]*\)=.*/\1/p')
  (cd "$work" && exec env "${unset_args[@]}" SYMBIOS_DATA_DIR="$work/data" SYMBIOS_BIND=127.0.0.1:0 "$bin" serve) >"$log" 2>&1 &
  server_pid=$!
  cleanup() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    rm -rf "$work"
  }
  trap cleanup EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  # Fails the run with MESSAGE and the server's log.
  server_failed() {
    echo "$1" >&2
    cat "$log" >&2
    exit 1
  }

  # Prints the URL of the server PID, which logs to LOG, once it says where it serves and
  # answers /readyz; fails the run (naming it WHAT) when it stops or does not get ready.
  # Runs in a command substitution: the caller adds `|| exit 1`.
  serving_url() {
    local log="$1" pid="$2" what="$3" url=""
    for _ in $(seq 1 600); do
      url="$(sed -n 's/.*Symbios is serving on \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -n 1)"
      [ -n "$url" ] && break
      kill -0 "$pid" 2>/dev/null || server_failed "$what stopped:"
      sleep 0.2
    done
    [ -n "$url" ] || server_failed "$what did not say where it serves:"
    for _ in $(seq 1 300); do
      if node -e 'fetch(process.argv[1]).then(r => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$url/readyz"; then
        echo "$url"
        return 0
      fi
      sleep 0.2
    done
    server_failed "$what did not get ready: $url/readyz"
  }

  url="$(serving_url "$log" "$server_pid" "the server")" || exit 1
  url="$url/"
  # An editor key for the tests that write hostile records through the API (against the same
  # data folder; only its hash is stored).
  EXPLORER_EDITOR_KEY="$(cd "$work" && env "${unset_args[@]}" SYMBIOS_DATA_DIR="$work/data" "$bin" apikey create --name explorer-tests --role editor 2>>"$log")"
  export EXPLORER_EDITOR_KEY

  # A second server on the same database with trusted documents on (tests/trusted.test.mjs),
  # with an index of its own (the first server holds its index's lock).
  trusted_log="$work/trusted.log"
  (cd "$work" && exec env "${unset_args[@]}" SYMBIOS_DATA_DIR="$work/data" SYMBIOS_INDEX_DIR="$work/index-trusted" \
    SYMBIOS_TRUSTED_DOCUMENTS__ENABLED=true SYMBIOS_BIND=127.0.0.1:0 "$bin" serve) >"$trusted_log" 2>&1 &
  trusted_pid=$!
  cleanup() {
    kill "$server_pid" "$trusted_pid" 2>/dev/null || true
    wait "$server_pid" "$trusted_pid" 2>/dev/null || true
    rm -rf "$work"
  }
  trusted_url="$(serving_url "$trusted_log" "$trusted_pid" "the trusted-documents server")" || exit 1
  EXPLORER_TRUSTED_URL="$trusted_url/"
  export EXPLORER_TRUSTED_URL
fi

echo "testing the explorer at $url with $chromium_bin" >&2
cd "$here"
tests=(tests/formats.test.mjs tests/explorer.test.mjs tests/research.test.mjs tests/graphiql.test.mjs)
# Against a running server (EXPLORER_URL given), the trusted-documents test needs
# EXPLORER_TRUSTED_URL: a server with trusted_documents.enabled.
[ -n "${EXPLORER_TRUSTED_URL:-}" ] && tests+=(tests/trusted.test.mjs)
EXPLORER_URL="$url" CHROMIUM_BIN="$chromium_bin" node --test --test-concurrency=1 "${tests[@]}"
