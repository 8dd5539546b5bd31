#!/usr/bin/env node
// A Symbios webhook receiver: verifies `Symbios-Signature`, drops repeated deliveries by
// `Symbios-Delivery`, and prints each change. Node.js 18 or newer, no dependencies.
//
//   SYMBIOS_WEBHOOK_SECRET=whsec_… PORT=8787 node examples/webhook-receiver.mjs
//
// Register it (it must be reachable from the server, at an address the server's
// `webhooks.allow_networks` allows when it is not public):
//   mutation { createWebhook(url: "http://<host>:8787/symbios", secret: "whsec_…") { webhook { id } } }

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.SYMBIOS_WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 8787);
const toleranceSeconds = 300;
const maxBodyBytes = 4 * 1024 * 1024;
if (!secret) {
  console.error('set SYMBIOS_WEBHOOK_SECRET to the secret createWebhook returned');
  process.exit(2);
}

// Delivery ids already applied. Keep them (or the highest seq applied) in your own store
// with the change itself, so that a repeat after a crash is recognised too.
const seen = new Set();

/** Whether `header` signs `raw` (a Buffer) under `secret`, recently. */
export function verify(secret, header, raw, now = Date.now() / 1000) {
  const parts = Object.fromEntries(
    String(header ?? '').split(',').map((part) => part.split('=', 2)),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(now - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer((request, response) => {
  if (request.method !== 'POST') {
    response.writeHead(405).end();
    return;
  }
  const chunks = [];
  let size = 0;
  request.on('data', (chunk) => {
    size += chunk.length;
    if (size > maxBodyBytes) {
      response.writeHead(413).end();
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    const raw = Buffer.concat(chunks);
    if (!verify(secret, request.headers['symbios-signature'], raw)) {
      response.writeHead(401).end('bad signature');
      return;
    }
    const delivery = request.headers['symbios-delivery'];
    if (seen.has(delivery)) {
      response.writeHead(204).end(); // a repeat: already applied
      return;
    }
    const change = JSON.parse(raw.toString('utf8'));
    // Apply the change here (upsert `change.entity` by `change.id`, or delete it for
    // `op: "DELETE"`), then remember the delivery, then answer 2xx.
    console.log(`${change.seq} ${change.op} ${change.entityType} ${change.id} v${change.version}`);
    seen.add(delivery);
    response.writeHead(204).end();
  });
});

server.listen(port, () => console.log(`listening on http://localhost:${port}/`));
