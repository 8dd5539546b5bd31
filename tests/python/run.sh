#!/usr/bin/env bash
# The network downloads read by NetworkX (tests/python/test_network.py) and the records'
# JSON-LD read by pyld (tests/python/test_jsonld.py) against the debug
# binary `cargo test` built (or $SYMBIOS_BIN), with the pinned packages of requirements.txt
# in a virtual environment of their own. Skips (exit 0) without Python 3, venv or pip, except
# under CI (exit 1).
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${SYMBIOS_BIN:-$dir/../../target/debug/symbios}"

in_ci() {
  [ -n "${CI:-}" ] && [ "${CI}" != false ]
}

if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if in_ci; then
    echo "failed: CI is set but python3 with venv and pip is not installed" >&2
    exit 1
  fi
  echo "skipped: python3 with venv and pip not found"
  exit 0
fi
if [ ! -x "$bin" ]; then
  echo "failed: no server binary at $bin: build it with \`cargo build\` or set SYMBIOS_BIN" >&2
  exit 1
fi

venv="${SYMBIOS_PYTHON_VENV:-$dir/../../target/python-venv}"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$dir/requirements.txt" "$venv/requirements.txt"; then
  python3 -m venv --clear "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$dir/requirements.txt"
  cp "$dir/requirements.txt" "$venv/requirements.txt"
fi

data_dir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

# Only this run's settings reach the server (no SYMBIOS_* of the caller's).
unset_symbios=()
for name in $(compgen -e | grep '^SYMBIOS_' || true); do
  unset_symbios+=(-u "$name")
done
coproc SERVER {
  exec env "${unset_symbios[@]}" SYMBIOS_DATA_DIR="$data_dir" SYMBIOS_BIND=127.0.0.1:0 \
    SYMBIOS_LOG=warn "$bin" serve 2>"$data_dir/stderr"
}
server_pid=$SERVER_PID

# The server prints its URL once it listens, after the bundled data is loaded.
url=""
while IFS= read -r -t 120 line <&"${SERVER[0]}"; do
  if [[ "$line" =~ (http://127\.0\.0\.1:[0-9]+) ]]; then
    url="${BASH_REMATCH[1]}"
    break
  fi
done
if [ -z "$url" ]; then
  echo "failed: the server printed no URL: $(cat "$data_dir/stderr")" >&2
  exit 1
fi
# Keep reading what it prints, so that it never blocks on a full pipe.
exec 3<&"${SERVER[0]}"
cat <&3 >/dev/null &
"$venv/bin/python" "$dir/test_network.py" "$url"
"$venv/bin/python" "$dir/test_jsonld.py" "$url"
