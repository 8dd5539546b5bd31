// Load tool of bench/subscriptions.sh: holds IDLE subscribers on the reader replica (each a
// WebSocket with `changes(types: [FUNDER])`, which the writes never match), then makes
// WRITES actors one after the other through the writer replica and measures how long each
// takes from sending the mutation to its change arriving at a subscriber of the reader.
// Prints the reader's RSS before and after the idle subscribers, and the latencies.
//   node bench/subscriptions.mjs WRITER_URL READER_URL READER_PID KEY [idle=1000] [writes=300]
// Uses the `ws` package of clients/ (npm ci --prefix clients).

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'clients', 'package.json'));
const WebSocket = require('ws');

const [writer, reader, readerPid, key, idleArg, writesArg] = process.argv.slice(2);
const IDLE = Number(idleArg ?? 1000);
const WRITES = Number(writesArg ?? 300);
const SUBSCRIPTION = `subscription ($after: String, $types: [ChangeEntityType!]) {
  changes(after: $after, types: $types) { seq cursor id }
}`;

function rssKib(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]);
}

async function graphql(url, query, variables, bearer) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function feedEnd() {
  let after = null;
  for (;;) {
    const { changes } = await graphql(reader, 'query ($after: String) { changes(after: $after, first: 1000) { pageInfo { hasNextPage endCursor } } }', { after });
    after = changes.pageInfo.endCursor;
    if (!changes.pageInfo.hasNextPage) return after;
  }
}

/** A subscriber: resolves once its subscription is running (a query sent after it on the
 * same connection has completed). */
function subscriber(types, after, onChange) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${reader.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('error', reject);
    socket.on('close', (code, reason) => onChange(null, `closed ${code} ${reason}`));
    socket.on('message', (raw) => {
      const message = JSON.parse(raw);
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { after, types } } }));
        socket.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: '{ __typename }' } }));
      } else if (message.id === 'q' && message.type === 'complete') {
        resolve(socket);
      } else if (message.id === 's' && message.type === 'next') {
        onChange(message.payload.data?.changes ?? null, JSON.stringify(message.payload.errors ?? null));
      } else if (message.type === 'error') {
        reject(new Error(JSON.stringify(message)));
      }
    });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const after = await feedEnd();
const before = rssKib(readerPid);
let idleMessages = 0;
const sockets = [];
for (let i = 0; i < IDLE; i += 50) {
  const batch = [];
  for (let j = i; j < Math.min(IDLE, i + 50); j++) {
    batch.push(subscriber(['FUNDER'], after, () => { idleMessages += 1; }));
  }
  sockets.push(...(await Promise.all(batch)));
}
await new Promise((r) => setTimeout(r, 1000));
const held = rssKib(readerPid);

const waiting = new Map();
let finished = false;
const live = await subscriber(['ACTOR'], after, (change, detail) => {
  if (!change) {
    if (finished) return;
    throw new Error(`live subscriber: ${detail}`);
  }
  const arrived = performance.now();
  const wait = waiting.get(change.id);
  if (wait) wait(arrived);
  else waiting.set(change.id, arrived);
});
const latencies = [];
const roundTrips = [];
for (let n = 0; n < WRITES; n++) {
  const sent = performance.now();
  const { createActor } = await graphql(
    writer,
    'mutation ($name: String!) { createActor(input: { name: $name, kind: COMPANY, country: "DK", originalLang: "da" }) { id } }',
    { name: `Bench Varme ${n} ${Date.now()}` },
    key,
  );
  const answered = performance.now();
  roundTrips.push(answered - sent);
  const arrived = waiting.has(createActor.id)
    ? waiting.get(createActor.id)
    : await new Promise((resolve) => waiting.set(createActor.id, resolve));
  waiting.delete(createActor.id);
  latencies.push(arrived - sent);
}
const ms = (v) => v.toFixed(1);
latencies.sort((a, b) => a - b);
roundTrips.sort((a, b) => a - b);
console.log(`reader RSS: ${(before / 1024).toFixed(1)} MiB before, ${(held / 1024).toFixed(1)} MiB with ${IDLE} idle subscribers: ${((held - before) / IDLE).toFixed(1)} KiB per subscriber`);
console.log(`write through the writer -> change at the reader's subscriber, ${WRITES} writes: p50 ${ms(percentile(latencies, 50))} ms, p90 ${ms(percentile(latencies, 90))} ms, p99 ${ms(percentile(latencies, 99))} ms, max ${ms(latencies[latencies.length - 1])} ms`);
console.log(`the mutation's own round trip: p50 ${ms(percentile(roundTrips, 50))} ms, p99 ${ms(percentile(roundTrips, 99))} ms`);
console.log(`messages to idle subscribers: ${idleMessages}`);
finished = true;
live.close();
for (const socket of sockets) socket.terminate();
