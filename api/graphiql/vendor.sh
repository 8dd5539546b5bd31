#!/usr/bin/env bash
# Re-fetches the GraphiQL files embedded in the binary (api/graphiql/vendor/) from the npm
# registry at the pinned versions below, checks each package tarball's SHA-256 and writes
# vendor/SHA256SUMS for the files taken from them. The files are copied unchanged.
#
#   api/graphiql/vendor.sh           # fetch and (re)write vendor/
#   api/graphiql/vendor.sh --check   # fetch and fail if vendor/ differs from the packages
#
# To upgrade: change a version, run once with its new tarball digest printed by the failure,
# review the upstream changes, put the digest below, run again, then run explorer/run-tests.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vendor="$here/vendor"
check=""
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# package@version, SHA-256 of its registry tarball, then "file in the package=name in vendor/".
packages=(
  "react@18.3.1 8d9bed01a672e7eaf387942d781ad47c6a43089a30a0306060f9fd5ac7870347
     umd/react.production.min.js=react.production.min.js LICENSE=LICENSE-react"
  "react-dom@18.3.1 031d4427a99f2f3f6cac18bbbf308594a67e4f47d10f4896fdec446505b040e0
     umd/react-dom.production.min.js=react-dom.production.min.js"
  "graphiql@4.1.2 6aa9cb6d82e656d38b72991264f41545889881e8dc23059199be3b94fff2ad05
     graphiql.min.js=graphiql.min.js graphiql.min.css=graphiql.min.css LICENSE=LICENSE-graphiql"
  "@graphiql/plugin-explorer@4.0.6 2cc330a206eb4e437753036c2d849bac3322f71257b33955a4dddb6ae3cc4041
     dist/index.umd.js=plugin-explorer.umd.js dist/style.css=plugin-explorer.css"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out"

for entry in "${packages[@]}"; do
  read -r spec digest files <<<"$(echo $entry)"
  # shellcheck disable=SC2206 # the file list is split on purpose
  files=($files)
  # npm pack also checks the tarball against the registry's own integrity field.
  tarball="$(cd "$work" && npm pack --silent "$spec")"
  actual="$(sha256sum "$work/$tarball" | cut -d' ' -f1)"
  if [ "$actual" != "$digest" ]; then
    echo "$spec: tarball SHA-256 is $actual, pinned $digest" >&2
    exit 1
  fi
  mkdir -p "$work/${tarball%.tgz}"
  tar -xzf "$work/$tarball" -C "$work/${tarball%.tgz}"
  for mapping in "${files[@]}"; do
    cp "$work/${tarball%.tgz}/package/${mapping%%=*}" "$work/out/${mapping#*=}"
  done
  echo "$spec: tarball checked" >&2
done

(cd "$work/out" && sha256sum -- * | sort -k2) >"$work/SHA256SUMS"
mv "$work/SHA256SUMS" "$work/out/SHA256SUMS"

if [ -n "$check" ]; then
  if diff -r "$work/out" "$vendor" >&2; then
    echo "vendor/ matches the pinned packages" >&2
  else
    echo "vendor/ differs from the pinned packages (run $0 without --check)" >&2
    exit 1
  fi
else
  rm -rf "$vendor"
  cp -r "$work/out" "$vendor"
  echo "wrote $vendor" >&2
fi
