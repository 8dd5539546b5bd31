#!/usr/bin/env bash
# partner-sync.sh: keeps a partner registry and Symbios in step, in both directions.
#
#   1. push: sends the partner's records with `upsertActors`, in chunks of at most 1,000
#      items, each with an idempotency key made from the chunk's content;
#   2. pull: reads the change feed (`changes`, actors only) after the cursor kept in
#      STATE_FILE, page by page, and keeps the new cursor.
#
# Usage:  partner-sync.sh [sync|push|pull] [RECORDS_FILE]
#
#   sync (default)  push, then pull
#   push            push only
#   pull            pull only
#   RECORDS_FILE    a JSON array or NDJSON of ActorUpsert objects
#                   (default: partner-registry.json next to this script)
#
# Settings (environment):
#   SYMBIOS_KEY   the partner's API key (required; `symbios apikey create --role partner …`)
#   SYMBIOS_URL   default http://127.0.0.1:8080
#   SCHEME        identifier scheme of the registry, default NO-BRC
#   STATE_FILE    where the feed cursor is kept, default ./partner-sync.cursor
#   CHUNK_SIZE    items per upsertActors call, default 1000 (the most the server takes)
#   CHUNK_BYTES   largest chunk in bytes, default 900000 (the server refuses bodies over 1 MiB)
#   PAGE_SIZE     changes per page, default 500 (at most 1000)
#   IDEMPOTENCY_SALT  mixed into the idempotency keys, default empty. The same records give
#                 the same keys, so sending them again writes nothing; set a new salt (e.g.
#                 today's date) to send unchanged records again, e.g. after a restore.
#
# Exit status: 0 done; 1 a request failed (nothing after it was done); 2 usage or settings;
# 3 done, but the server rejected some items (listed in the output).
#
# Needs bash 4+, curl and jq (and sha256sum or shasum for the idempotency keys).

set -euo pipefail

SYMBIOS_URL=${SYMBIOS_URL:-http://127.0.0.1:8080}
SCHEME=${SCHEME:-NO-BRC}
STATE_FILE=${STATE_FILE:-./partner-sync.cursor}
CHUNK_SIZE=${CHUNK_SIZE:-1000}
CHUNK_BYTES=${CHUNK_BYTES:-900000}
PAGE_SIZE=${PAGE_SIZE:-500}
IDEMPOTENCY_SALT=${IDEMPOTENCY_SALT:-}
ENDPOINT="${SYMBIOS_URL%/}/graphql"

die() { echo "partner-sync: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit "${1:-2}"; }

MODE=sync
case ${1:-} in
  sync | push | pull) MODE=$1; shift ;;
  -h | --help) usage 0 ;;
esac
RECORDS_FILE=${1:-"$(dirname "$0")/partner-registry.json"}

if [[ -z ${SYMBIOS_KEY:-} ]]; then
  echo "partner-sync: SYMBIOS_KEY is not set." >&2
  echo "  Set it to the partner's API key, e.g. SYMBIOS_KEY=symbios_… $0" >&2
  echo "  (an operator creates one with: symbios apikey create --name NAME --role partner --scheme $SCHEME)" >&2
  exit 2
fi
case $SYMBIOS_KEY in
  symbios_*) ;;
  *) echo "partner-sync: SYMBIOS_KEY does not look like a Symbios key (they start with symbios_)" >&2; exit 2 ;;
esac
in_range() {
  if ! [[ $2 =~ ^[0-9]+$ ]] || (($2 < $3 || $2 > $4)); then
    echo "partner-sync: $1 must be $3–$4, not '$2'" >&2
    exit 2
  fi
}
in_range CHUNK_SIZE "$CHUNK_SIZE" 1 1000
in_range CHUNK_BYTES "$CHUNK_BYTES" 1000 1048576
in_range PAGE_SIZE "$PAGE_SIZE" 1 1000
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "partner-sync: $tool is not installed" >&2; exit 2; }
done
if command -v sha256sum >/dev/null; then
  sha256() { sha256sum | cut -c1-64; }
elif command -v shasum >/dev/null; then
  sha256() { shasum -a 256 | cut -c1-64; }
else
  echo "partner-sync: needs sha256sum or shasum" >&2
  exit 2
fi

umask 077
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The key goes to curl in a file, so that it does not show in the process list.
printf 'Authorization: Bearer %s\n' "$SYMBIOS_KEY" >"$TMP/auth-header"

# ---------------------------------------------------------------------------------------
# HTTP

# post BODY_FILE: sends one GraphQL request; the answer goes to $TMP/response and its HTTP
# status to HTTP_STATUS. Retries when there is no answer, on 429 and on 5xx: safe for
# queries, and for upsertActors because every call carries an idempotency key.
post() {
  local body=$1 attempt status
  for attempt in 1 2 3 4; do
    status=$(curl --silent --show-error --max-time 120 \
      --header @"$TMP/auth-header" \
      --header 'Content-Type: application/json' \
      --header 'Accept: application/graphql-response+json, application/json;q=0.9' \
      --output "$TMP/response" --write-out '%{http_code}' \
      --data-binary @"$body" "$ENDPOINT") || status=000
    case $status in
      000 | 429 | 5??)
        if ((attempt < 4)); then
          echo "partner-sync: HTTP $status from $ENDPOINT; trying again in $((attempt * 5)) s" >&2
          sleep $((attempt * 5))
          continue
        fi
        ;;
    esac
    break
  done
  HTTP_STATUS=$status
}

# The first error code in the answer, or nothing.
error_code() { jq -r '.errors[0].extensions.code // empty' "$TMP/response" 2>/dev/null || true; }

# check WHAT: stops with a readable message unless the answer is a success.
check() {
  local what=$1 code
  [[ $HTTP_STATUS != 000 ]] || die "$what: no answer from $ENDPOINT"
  if ! jq -e 'type == "object"' "$TMP/response" >/dev/null 2>&1; then
    [[ $HTTP_STATUS != 413 ]] || die "$what: HTTP 413, the request is too large; lower CHUNK_BYTES"
    die "$what: HTTP $HTTP_STATUS: $(head -c 300 "$TMP/response")"
  fi
  if jq -e '(.errors // []) | length > 0' "$TMP/response" >/dev/null; then
    echo "partner-sync: $what failed (HTTP $HTTP_STATUS):" >&2
    jq -r '.errors[] | "  \(.extensions.code // "?"): \(.message)"
      + (if .extensions.requestId then " (request id \(.extensions.requestId))" else "" end)' \
      "$TMP/response" >&2
    code=$(error_code)
    case $code in
      UNAUTHENTICATED) echo "  The key is unknown or revoked: ask the Symbios operator for a new one." >&2 ;;
      FORBIDDEN) echo "  This key may not do that: a partner key writes only actors under its own scheme." >&2 ;;
      INTERNAL) echo "  A fault on the server: try later, and quote the request id when reporting it." >&2 ;;
    esac
    exit 1
  fi
  [[ $HTTP_STATUS == 200 ]] || die "$what: HTTP $HTTP_STATUS: $(head -c 300 "$TMP/response")"
}

# ---------------------------------------------------------------------------------------
# Step 1: push

# shellcheck disable=SC2016 # GraphQL variables, not shell ones
UPSERT='mutation Push($scheme: String!, $items: [ActorUpsert!]!, $idempotencyKey: String) {
  upsertActors(scheme: $scheme, items: $items, idempotencyKey: $idempotencyKey) {
    created updated unchanged rejected replayed
    items { externalId status id version errors { field reason } }
  }
}'

declare -A OWN_WRITES=() # "id:version" of what this run wrote, to mark it in the feed
REJECTED=0

push() {
  [[ -r $RECORDS_FILE ]] || { echo "partner-sync: cannot read $RECORDS_FILE" >&2; exit 2; }
  # A JSON array or NDJSON (one object a line) → one array of ActorUpsert objects, with
  # only the fields the server knows, so that extra fields in the file do no harm.
  jq -s -S -c '
    (if length == 1 and (.[0] | type) == "array" then .[0] else . end)
    | map({externalId: (.externalId | if . == null then . else tostring end), sourceVersion, name, kind, country,
           website, originalLang, description}
          | with_entries(select(.value != null)))' "$RECORDS_FILE" >"$TMP/records.json" \
    || { echo "partner-sync: $RECORDS_FILE is not JSON or NDJSON" >&2; exit 2; }
  local total missing
  total=$(jq length "$TMP/records.json")
  missing=$(jq -r '[to_entries[] | select(.value.externalId == null) | .key + 1] | join(", ")' "$TMP/records.json")
  [[ -z $missing ]] || { echo "partner-sync: record(s) $missing of $RECORDS_FILE have no externalId" >&2; exit 2; }
  echo "== push: $total records from $RECORDS_FILE under $SCHEME"

  # Chunks of at most CHUNK_SIZE items and about CHUNK_BYTES bytes, one a line. The same
  # records always give the same chunks, and so the same idempotency keys.
  jq -c --argjson n "$CHUNK_SIZE" --argjson bytes "$CHUNK_BYTES" '
    reduce .[] as $item ({done: [], current: [], size: 0};
      ($item | tojson | utf8bytelength) as $size
      | if (.current | length) > 0 and ((.current | length) >= $n or .size + $size > $bytes)
        then .done += [.current] | .current = [$item] | .size = $size
        else .current += [$item] | .size += $size end)
    | (.done + (if (.current | length) > 0 then [.current] else [] end))[]' \
    "$TMP/records.json" >"$TMP/chunks.ndjson"

  local chunks number=0 chunk key
  chunks=$(wc -l <"$TMP/chunks.ndjson")
  while IFS= read -r chunk; do
    number=$((number + 1))
    printf '%s\n' "$chunk" >"$TMP/chunk.json"
    key="$SCHEME:$({ printf '%s' "$IDEMPOTENCY_SALT"; cat "$TMP/chunk.json"; } | sha256)"
    jq -n --arg query "$UPSERT" --arg scheme "$SCHEME" --arg key "$key" \
      --slurpfile items "$TMP/chunk.json" \
      '{query: $query, variables: {scheme: $scheme, items: $items[0], idempotencyKey: $key}}' \
      >"$TMP/body.json"
    post "$TMP/body.json"
    check "upsertActors (chunk $number of $chunks)"

    jq -r --arg n "$number" --arg of "$chunks" --arg key "$key" '.data.upsertActors
      | "chunk \($n)/\($of): \(.items | length) items, idempotency key \($key[0:19])…"
      + (if .replayed then "\n  replayed: this chunk was sent before; the answer below is the stored one, nothing was written" else "" end),
        "  created \(.created), updated \(.updated), unchanged \(.unchanged), rejected \(.rejected)"' \
      "$TMP/response"
    # One line per item, in the order sent: status, externalId, version, name, id.
    jq -r --slurpfile sent "$TMP/chunk.json" '
      [.data.upsertActors.items, $sent[0]] | transpose[] | . as [$result, $item]
      | "  \($result.status | . + " " * (10 - length)) \($result.externalId)  "
        + (if $result.version then "v\($result.version)" else "--" end)
        + "  \($item.name)" + (if $result.id then "  \($result.id)" else "" end),
        ($result.errors[] | "      \(.field): \(.reason)")' "$TMP/response"

    local id version
    while IFS=$'\t' read -r id version; do
      OWN_WRITES["$id:$version"]=1
    done < <(jq -r '.data.upsertActors
      | select(.replayed | not) | .items[]
      | select(.status == "CREATED" or .status == "UPDATED") | [.id, .version] | @tsv' "$TMP/response")
    REJECTED=$((REJECTED + $(jq '.data.upsertActors.rejected' "$TMP/response")))
  done <"$TMP/chunks.ndjson"
}

# ---------------------------------------------------------------------------------------
# Step 2: pull

# shellcheck disable=SC2016 # GraphQL variables, not shell ones
CHANGES='query Pull($after: String, $first: Int!) {
  changes(after: $after, first: $first, types: [ACTOR]) {
    edges { node { seq op id version at
      entity { ... on Actor { name version identifiers { scheme value } } } } }
    pageInfo { hasNextPage endCursor }
  }
}'

# shellcheck disable=SC2016 # GraphQL variables, not shell ones
ACTORS='query Reread($scheme: String!, $after: String) {
  actors(filter: {scheme: [$scheme]}, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name version identifiers { scheme value } }
  }
}'

# apply_change SEQ OP ID VERSION NAME EXTERNAL_ID: where a real client updates its own
# registry. UPSERT: the record as it is now (NAME is "-" when it was deleted since);
# DELETE: a tombstone. This example only prints it.
apply_change() {
  local name=$5 mark=""
  if [[ $2 == DELETE ]]; then
    name="(deleted; drop the record you hold for this id)"
  elif [[ $name == - ]]; then
    name="(deleted since; a DELETE follows)"
  fi
  [[ $6 == - ]] || mark=" [$SCHEME $6]"
  [[ -z ${OWN_WRITES["$3:$4"]:-} ]] || mark="$mark  (our push)"
  printf '  #%-5s %-6s %s v%-3s %s%s\n' "$1" "$2" "$3" "$4" "$name" "$mark"
}

# Reads every actor that has an identifier under SCHEME: the starting point when there is
# no cursor yet, and after RESYNC_REQUIRED.
full_read() {
  local after=null count=0 id name version external
  echo "   full read of actors with a $SCHEME identifier:"
  while :; do
    jq -n --arg query "$ACTORS" --arg scheme "$SCHEME" --argjson after "$after" \
      '{query: $query, variables: {scheme: $scheme, after: $after}}' >"$TMP/body.json"
    post "$TMP/body.json"
    check "actors (full read)"
    while IFS=$'\t' read -r id version name external; do
      count=$((count + 1))
      printf '  actor   %s v%-3s %s [%s %s]\n' "$id" "$version" "$name" "$SCHEME" "$external"
    done < <(jq -r --arg scheme "$SCHEME" '.data.actors.nodes[]
      | [.id, .version, .name,
         ([.identifiers[] | select(.scheme == $scheme) | .value][0] // "-")] | @tsv' "$TMP/response")
    jq -e '.data.actors.pageInfo.hasNextPage' "$TMP/response" >/dev/null || break
    after=$(jq '.data.actors.pageInfo.endCursor' "$TMP/response")
  done
  echo "   $count actors read"
}

save_cursor() {
  printf '%s\n' "$1" >"$STATE_FILE.tmp"
  mv "$STATE_FILE.tmp" "$STATE_FILE"
}

pull() {
  local after=null resynced=false pages=0 count=0 cursor
  echo "== pull: actor changes"
  if [[ -s $STATE_FILE ]]; then
    cursor=$(<"$STATE_FILE")
    after=$(jq -n --arg cursor "$cursor" '$cursor')
    echo "   after the cursor in $STATE_FILE ($cursor)"
  else
    echo "   no cursor in $STATE_FILE yet: full read first, then the feed from its oldest change"
    full_read
  fi
  while :; do
    jq -n --arg query "$CHANGES" --argjson after "$after" --argjson first "$PAGE_SIZE" \
      '{query: $query, variables: {after: $after, first: $first}}' >"$TMP/body.json"
    post "$TMP/body.json"
    if [[ $(error_code) == RESYNC_REQUIRED && $resynced == false ]]; then
      echo "   RESYNC_REQUIRED: the server no longer keeps the changes after this cursor."
      echo "   server: $(jq -r '.errors[0].message' "$TMP/response")"
      echo "   What to do: forget the cursor, read the records afresh, follow the feed from its start."
      echo "   Deleting $STATE_FILE and doing that now."
      rm -f "$STATE_FILE"
      resynced=true
      after=null
      full_read
      continue
    fi
    check "changes"
    pages=$((pages + 1))
    local seq op id version name external
    while IFS=$'\t' read -r seq op id version name external; do
      count=$((count + 1))
      apply_change "$seq" "$op" "$id" "$version" "$name" "$external"
    done < <(jq -r --arg scheme "$SCHEME" '.data.changes.edges[].node
      | [.seq, .op, .id, .version, (.entity.name // "-"),
         ([(.entity.identifiers // [])[] | select(.scheme == $scheme) | .value][0] // "-")]
      | @tsv' "$TMP/response")
    # Keep the cursor only after the page is applied: a crash before this line means the
    # page is read again next time, never skipped.
    cursor=$(jq -r '.data.changes.pageInfo.endCursor' "$TMP/response")
    save_cursor "$cursor"
    jq -e '.data.changes.pageInfo.hasNextPage' "$TMP/response" >/dev/null || break
    after=$(jq -n --arg cursor "$cursor" '$cursor')
  done
  echo "   $count changes in $pages page(s); cursor $cursor kept in $STATE_FILE"
}

# ---------------------------------------------------------------------------------------

case $MODE in
  sync) push; pull ;;
  push) push ;;
  pull) pull ;;
esac

if ((REJECTED > 0)); then
  echo "partner-sync: $REJECTED item(s) rejected; see the reasons above" >&2
  exit 3
fi
