// A live subscriber of the Symbios change feed over WebSocket (graphql-ws), resuming from a
// stored cursor: it applies each change, then stores its cursor, so a restart, a dropped
// connection or a SLOW_CONSUMER close loses nothing and repeats at most the change being
// applied. Uses the pinned graphql-ws and ws of clients/ (npm ci --prefix clients).
//
//   SYMBIOS_URL=http://127.0.0.1:8080 SYMBIOS_KEY=… [STATE_FILE=./subscriber.cursor] \
//     [TYPES=ACTOR] node examples/subscriber.mjs
//
// On RESYNC_REQUIRED (the stored cursor is older than the retention window) it exits with 3:
// re-read the records (see docs/partner-sync.md), delete the state file and start it again.

import { createRequire } from 'node:module';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'clients', 'package.json'));
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const url = (process.env.SYMBIOS_URL ?? 'http://127.0.0.1:8080').replace(/^http/, 'ws') + '/graphql';
const stateFile = process.env.STATE_FILE ?? './subscriber.cursor';
const types = (process.env.TYPES ?? 'ACTOR').split(',').filter(Boolean);

const readCursor = () => (existsSync(stateFile) ? readFileSync(stateFile, 'utf8').trim() || null : null);
function storeCursor(cursor) {
  // Written aside, then renamed: a crash never leaves half a cursor.
  writeFileSync(`${stateFile}.tmp`, cursor);
  renameSync(`${stateFile}.tmp`, stateFile);
}

/** Apply one change to your copy; make it idempotent (a change may come again after a crash
 * between applying it and storing its cursor). */
function apply(change) {
  if (change.op === 'DELETE') {
    console.log(`#${change.seq} DELETE ${change.id} v${change.version}`);
  } else {
    console.log(`#${change.seq} UPSERT ${change.id} v${change.version} ${change.entity?.name ?? '(deleted since)'}`);
  }
}

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: () => (process.env.SYMBIOS_KEY ? { authorization: `Bearer ${process.env.SYMBIOS_KEY}` } : {}),
  // Reconnect for ever, with graphql-ws's randomised exponential back-off; each new
  // subscription below starts from the cursor stored last.
  retryAttempts: Infinity,
  shouldRetry: () => true,
  on: { closed: (event) => event?.code && console.error(`closed ${event.code} ${event.reason ?? ''}; resuming`) },
});

const query = `subscription ($after: String, $types: [ChangeEntityType!]) {
  changes(after: $after, types: $types) {
    seq op id version cursor entity { ... on Actor { name } }
  }
}`;

for (;;) {
  const after = readCursor();
  console.error(after ? `resuming after ${after}` : 'no cursor: from the oldest kept change');
  try {
    for await (const result of client.iterate({ query, variables: { after, types } })) {
      const code = result.errors?.[0]?.extensions?.code;
      if (code === 'RESYNC_REQUIRED') {
        console.error('RESYNC_REQUIRED: re-read the records, delete the state file, start again');
        process.exit(3);
      }
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      apply(result.data.changes);
      storeCursor(result.data.changes.cursor);
    }
  } catch (error) {
    console.error(`subscription ended: ${error?.message ?? error?.reason ?? error}; resuming`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
