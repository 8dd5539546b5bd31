// End-to-end tests of the Symbios GraphQL API with real Node.js GraphQL clients
// (Apollo Client, urql, graphql-request; graphql-ws, urql's subscription exchange and
// graphql-sse for subscriptions) against a real `symbios serve`.
//
//   npm ci --prefix clients && node clients/run.mjs
//
// The server binary is $SYMBIOS_BIN, else ../target/debug/symbios next to this file.
// Each run uses a fresh temporary data folder (bundled dataset, new editor key) and
// removes it afterwards. node:test sets a non-zero exit code when a test fails.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import {
  ApolloClient,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  gql,
} from '@apollo/client';
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { ClientError, GraphQLClient } from 'graphql-request';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(process.env.SYMBIOS_BIN || join(here, '..', 'target', 'debug', 'symbios'));
const STARTUP_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------
// Server lifecycle
// ---------------------------------------------------------------------------

const server = { child: null, dataDir: null, url: null, key: null };

/** Environment for the binary: no SYMBIOS_* settings leak in from the caller
 * (a SYMBIOS_DATABASE_URL would point the tests at a real database). */
function serverEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('SYMBIOS_')) env[k] = v;
  }
  return { ...env, SYMBIOS_DATA_DIR: server.dataDir, ...extra };
}

async function startServer() {
  if (!existsSync(BIN)) {
    throw new Error(`server binary not found at ${BIN}: build it with \`cargo build\` or set SYMBIOS_BIN`);
  }
  server.dataDir = mkdtempSync(join(tmpdir(), 'symbios-clients-'));
  // The child runs in the temporary folder so that no ./symbios.toml is picked up.
  const cwd = server.dataDir;

  const out = execFileSync(BIN, ['apikey', 'create', '--name', 'node-clients', '--role', 'editor'], {
    cwd,
    env: serverEnv({ SYMBIOS_LOG: 'warn' }),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.key = out.split('\n')[0].trim();
  assert.match(server.key, /^\S+$/, `no API key on the first line of \`apikey create\`: ${JSON.stringify(out)}`);

  const child = spawn(BIN, ['serve'], {
    cwd,
    env: serverEnv({ SYMBIOS_BIND: '127.0.0.1:0', SYMBIOS_LOG: 'warn' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server.child = child;
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));

  // Read stdout until "Symbios is serving on http://127.0.0.1:PORT".
  const lines = createInterface({ input: child.stdout });
  const seen = [];
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "Symbios is serving on" line within ${STARTUP_TIMEOUT_MS} ms; stdout: ${seen.join(' | ')}`)),
      STARTUP_TIMEOUT_MS,
    );
    lines.on('line', (line) => {
      seen.push(line);
      const m = line.match(/Symbios is serving on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`symbios serve exited early (code ${code}, signal ${signal}); stdout: ${seen.join(' | ')}`));
    });
  });
  // Keep draining stdout so the server never blocks on a full pipe.
  lines.on('line', () => {});
  server.url = url;

  // Wait for /readyz to say 200.
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`symbios serve exited while waiting for /readyz (code ${child.exitCode})`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (e) {
      last = String(e);
    }
    await sleep(200);
  }
  throw new Error(`${url}/readyz not 200 within ${STARTUP_TIMEOUT_MS} ms; last: ${last}`);
}

async function stopServer() {
  const child = server.child;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    // An unref'd timer, so that it does not hold the runner open after a quick exit.
    const timedOut = await Promise.race([exited.then(() => false), sleep(10_000, true, { ref: false })]);
    if (timedOut) {
      process.stderr.write('symbios serve did not stop within 10 s of SIGTERM; sending SIGKILL\n');
      child.kill('SIGKILL');
      await exited;
    }
  }
  removeDataDir();
}

function removeDataDir() {
  if (server.dataDir) {
    rmSync(server.dataDir, { recursive: true, force: true });
    server.dataDir = null;
  }
}

// Last resort when the runner dies without running `after` (uncaught error, Ctrl-C).
process.on('exit', () => {
  if (server.child && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
  }
  removeDataDir();
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => process.exit(130));
}

before(startServer, { timeout: 2 * STARTUP_TIMEOUT_MS + 10_000 });
after(stopServer);

// ---------------------------------------------------------------------------
// Client adapters: each runs an operation with its own client and hands back
// { data, errors } where `errors` is taken from where that client surfaces
// GraphQL errors. Anything else (network errors, unparsed bodies) is rethrown.
// ---------------------------------------------------------------------------

/** A fetch that records method, headers and status of every request. */
function recordingFetch(log) {
  return async (input, init) => {
    const req = new Request(input, init);
    const entry = {
      method: req.method,
      url: req.url,
      accept: req.headers.get('accept'),
      contentType: req.headers.get('content-type'),
      authorization: req.headers.has('authorization'),
    };
    log.push(entry);
    const res = await fetch(req);
    entry.status = res.status;
    entry.responseType = res.headers.get('content-type');
    return res;
  };
}

const bearer = (key) => (key ? { authorization: `Bearer ${key}` } : {});

function apolloAdapter(endpoint) {
  const log = [];
  const client = new ApolloClient({
    // Default Accept: application/graphql-response+json,application/json;q=0.9.
    // Apollo parses the body of a non-2xx graphql-response+json answer and reports
    // its errors as CombinedGraphQLErrors, so the 401 needs no special Accept.
    link: new HttpLink({ uri: endpoint, fetch: recordingFetch(log) }),
    cache: new InMemoryCache(),
  });
  async function run(fn) {
    try {
      const r = await fn();
      return { data: r.data, errors: r.error ? [r.error] : [] };
    } catch (e) {
      // errorPolicy "none" (the default): GraphQL errors reject the promise.
      if (CombinedGraphQLErrors.is(e)) return { data: e.data ?? null, errors: e.errors };
      throw e;
    }
  }
  return {
    log,
    queryMethod: 'POST', // Apollo sends queries with POST unless useGETForQueries is set
    query: (doc, variables) =>
      run(() => client.query({ query: gql(doc), variables, fetchPolicy: 'no-cache' })),
    mutate: (doc, variables, { key } = {}) =>
      run(() =>
        client.mutate({
          mutation: gql(doc),
          variables,
          fetchPolicy: 'no-cache',
          context: { headers: bearer(key) },
        }),
      ),
  };
}

function urqlAdapter(endpoint) {
  const log = [];
  // preferGetMethod is left at its default ('within-url-limit' since urql 4), so
  // queries go out as GET (mutations always use POST); the tests assert that.
  const client = new UrqlClient({
    url: endpoint,
    exchanges: [fetchExchange],
    fetch: recordingFetch(log),
  });
  function unwrap(r) {
    if (r.error) {
      if (r.error.networkError) throw r.error.networkError;
      return { data: r.data ?? null, errors: r.error.graphQLErrors };
    }
    return { data: r.data, errors: [] };
  }
  return {
    log,
    queryMethod: 'GET',
    query: async (doc, variables) =>
      unwrap(await client.query(doc, variables, { requestPolicy: 'network-only' }).toPromise()),
    mutate: async (doc, variables, { key } = {}) =>
      unwrap(await client.mutation(doc, variables, { fetchOptions: { headers: bearer(key) } }).toPromise()),
  };
}

function graphqlRequestAdapter(endpoint) {
  const log = [];
  const client = new GraphQLClient(endpoint, { fetch: recordingFetch(log) });
  async function run(fn) {
    try {
      return { data: await fn(), errors: [] };
    } catch (e) {
      // ClientError carries the parsed body whatever the HTTP status was.
      if (e instanceof ClientError) return { data: e.response.data ?? null, errors: e.response.errors ?? [] };
      throw e;
    }
  }
  return {
    log,
    queryMethod: 'POST',
    query: (doc, variables) => run(() => client.request({ document: doc, variables })),
    mutate: (doc, variables, { key } = {}) =>
      run(() => client.request({ document: doc, variables, requestHeaders: bearer(key) })),
  };
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

const CASE_STUDY = `
  query CaseStudy($slug: String!) {
    caseStudy(slug: $slug) {
      title
      actors { role actor { name } }
      flows { resource quantity unit }
    }
  }`;

const ACTORS_PAGE = `
  query ActorsPage($after: String) {
    actors(first: 10, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { slug }
    }
  }`;

const CREATE_ACTOR = `
  mutation CreateActor($name: String!) {
    createActor(input: { name: $name, kind: COMPANY, country: "NO", originalLang: "nb" }) {
      id slug version
    }
  }`;

const UPDATE_ACTOR = `
  mutation UpdateActor($id: ID!, $expectedVersion: Int!) {
    updateActor(id: $id, expectedVersion: $expectedVersion, patch: { website: "https://example.org" }) {
      version
    }
  }`;

// ---------------------------------------------------------------------------
// Tests, the same for each client
// ---------------------------------------------------------------------------

function errorWithCode(errors, code) {
  const found = errors.find((e) => e?.extensions?.code === code);
  assert.ok(found, `expected a GraphQL error with code ${code}, got ${JSON.stringify(errors)}`);
  return found;
}

/** Runs `fn` and returns the requests the client made meanwhile. */
async function capture(c, fn) {
  const from = c.log.length;
  const result = await fn();
  return { result, requests: c.log.slice(from) };
}

function describeRequests(requests) {
  return requests
    .map((r) => `${r.method} accept=${JSON.stringify(r.accept)} -> ${r.status} ${r.responseType}`)
    .join('; ');
}

const adapters = [
  ['Apollo Client', apolloAdapter],
  ['urql', urqlAdapter],
  ['graphql-request', graphqlRequestAdapter],
];
const runId = Date.now().toString(36);

for (const [name, makeAdapter] of adapters) {
  describe(name, { timeout: 4 * TEST_TIMEOUT_MS }, () => {
    let c;
    let created; // { id, slug, version } from the createActor test

    before(() => {
      c = makeAdapter(`${server.url}/graphql`);
    });

    it('queries a case study with actors and flows', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const { result, requests } = await capture(c, () => c.query(CASE_STUDY, { slug: 'kalundborg-symbiosis' }));
      assert.deepEqual(result.errors, []);
      const cs = result.data.caseStudy;
      assert.ok(cs, 'caseStudy(slug: "kalundborg-symbiosis") is null');
      assert.match(cs.title, /Kalundborg/);
      assert.ok(Array.isArray(cs.flows) && cs.flows.length > 0, 'no flows');
      for (const f of cs.flows) assert.equal(typeof f.resource, 'string');
      assert.ok(Array.isArray(cs.actors) && cs.actors.length > 0, 'no actors');
      for (const a of cs.actors) assert.equal(typeof a.role, 'string');

      assert.equal(requests.length, 1, describeRequests(requests));
      assert.equal(requests[0].method, c.queryMethod, `query sent as ${requests[0].method}`);
      if (requests[0].method === 'POST') assert.match(requests[0].contentType ?? '', /^application\/json/);
      if (requests[0].method === 'GET') assert.match(requests[0].url, /[?&]query=/);
      t.diagnostic(`request: ${describeRequests(requests)}`);
    });

    it('pages through all actors', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const slugs = [];
      let after = null;
      let totalCount;
      let pages = 0;
      const from = c.log.length;
      for (;;) {
        const { data, errors } = await c.query(ACTORS_PAGE, { after });
        assert.deepEqual(errors, []);
        const conn = data.actors;
        if (totalCount === undefined) totalCount = conn.totalCount;
        assert.equal(conn.totalCount, totalCount, 'totalCount changed between pages');
        assert.ok(conn.nodes.length <= 10, `page of ${conn.nodes.length} > first: 10`);
        slugs.push(...conn.nodes.map((n) => n.slug));
        pages += 1;
        assert.ok(pages <= 1000, 'more than 1000 pages: the cursor does not advance');
        if (!conn.pageInfo.hasNextPage) break;
        assert.ok(conn.pageInfo.endCursor, 'hasNextPage but no endCursor');
        after = conn.pageInfo.endCursor;
      }
      assert.ok(totalCount > 0, 'no actors at all');
      assert.equal(slugs.length, totalCount);
      const dupes = slugs.filter((s, i) => slugs.indexOf(s) !== i);
      assert.deepEqual(dupes, [], 'slugs repeat across pages');
      assert.equal(pages, Math.ceil(totalCount / 10));
      const methods = new Set(c.log.slice(from).map((r) => r.method));
      assert.deepEqual([...methods], [c.queryMethod]);
      t.diagnostic(`${totalCount} actors in ${pages} pages`);
    });

    it('creates an actor with the editor key', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const actorName = `Node ${name} ${runId}`;
      const { result, requests } = await capture(c, () => c.mutate(CREATE_ACTOR, { name: actorName }, { key: server.key }));
      assert.deepEqual(result.errors, []);
      created = result.data.createActor;
      assert.ok(created.id, 'no id');
      assert.ok(created.slug, 'no slug');
      assert.equal(created.version, 1);
      assert.equal(requests.length, 1);
      assert.equal(requests[0].method, 'POST');
      assert.equal(requests[0].authorization, true);
      t.diagnostic(`created ${created.slug}; request: ${describeRequests(requests)}`);
    });

    it('updates the actor at version 1', { timeout: TEST_TIMEOUT_MS }, async () => {
      assert.ok(created, 'createActor failed');
      const { data, errors } = await c.mutate(UPDATE_ACTOR, { id: created.id, expectedVersion: 1 }, { key: server.key });
      assert.deepEqual(errors, []);
      assert.equal(data.updateActor.version, 2);
    });

    it('reports VERSION_CONFLICT with currentVersion on a stale update', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      assert.ok(created, 'createActor failed');
      const { result, requests } = await capture(c, () =>
        c.mutate(UPDATE_ACTOR, { id: created.id, expectedVersion: 1 }, { key: server.key }),
      );
      const err = errorWithCode(result.errors, 'VERSION_CONFLICT');
      assert.equal(err.extensions.currentVersion, 2);
      assert.deepEqual(err.path, ['updateActor']);
      assert.equal(result.data?.updateActor ?? null, null);
      t.diagnostic(`request: ${describeRequests(requests)}`);
    });

    it('reports UNAUTHENTICATED for a mutation without a key', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const { result, requests } = await capture(c, () =>
        c.mutate(CREATE_ACTOR, { name: `Node ${name} ${runId} no key` }),
      );
      const err = errorWithCode(result.errors, 'UNAUTHENTICATED');
      assert.equal(typeof err.message, 'string');
      assert.equal(result.data?.createActor ?? null, null);
      assert.equal(requests.length, 1);
      assert.equal(requests[0].authorization, false);
      t.diagnostic(`request: ${describeRequests(requests)}`);
    });

    it('reports UNAUTHENTICATED for an unknown key', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      // Refused before execution: the body has `errors` and no `data`.
      const { result, requests } = await capture(c, () =>
        c.mutate(CREATE_ACTOR, { name: `Node ${name} ${runId} bad key` }, { key: 'symbios_not-a-real-key' }),
      );
      errorWithCode(result.errors, 'UNAUTHENTICATED');
      assert.equal(result.data?.createActor ?? null, null);
      t.diagnostic(`request: ${describeRequests(requests)}`);
    });
  });
}

// ---------------------------------------------------------------------------
// GraphQL-over-HTTP conformance: graphql-http's serverAudits
// ---------------------------------------------------------------------------

describe('graphql-http server audits', { timeout: 4 * TEST_TIMEOUT_MS }, () => {
  it('passes every MUST and SHOULD audit', { timeout: 4 * TEST_TIMEOUT_MS }, async (t) => {
    const { serverAudits } = await import('graphql-http');
    const results = [];
    // One at a time: a deterministic order and no burst against the server.
    for (const audit of serverAudits({ url: `${server.url}/graphql`, fetchFn: fetch })) {
      results.push(await audit.fn());
    }
    const failed = results.filter((result) => result.status !== 'ok');
    const byStatus = (status) => failed.filter((result) => result.status === status);
    t.diagnostic(
      `${results.length} audits: ${results.length - failed.length} ok, ${byStatus('error').length} errors, ` +
        `${byStatus('warn').length} warnings, ${byStatus('notice').length} notices`,
    );
    assert.deepEqual(
      failed.filter((result) => result.status === 'error' || result.status === 'warn')
        .map((result) => `${result.status}: ${result.name}: ${result.reason}`),
      [],
    );
  });
});

// ---------------------------------------------------------------------------
// Subscriptions: graphql-ws (WebSocket, graphql-transport-ws), urql's subscription
// exchange over graphql-ws, and graphql-sse (Server-Sent Events, distinct connections),
// each receiving live changes after the feed's current end.
// ---------------------------------------------------------------------------

const CHANGES = `subscription ($after: String) {
  changes(after: $after, types: [ACTOR]) { seq cursor op id entity { ... on Actor { name } } }
}`;

/** The feed's end cursor now. */
async function feedEnd() {
  let after = null;
  for (;;) {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query ($after: String) { changes(after: $after, first: 1000) { pageInfo { hasNextPage endCursor } } }',
        variables: { after },
      }),
    });
    const body = await res.json();
    const page = body.data.changes.pageInfo;
    after = page.endCursor;
    if (!page.hasNextPage) return after;
  }
}

async function createCompany(name) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.key}` },
    body: JSON.stringify({
      query: 'mutation ($name: String!) { createActor(input: { name: $name, kind: COMPANY, country: "DK", originalLang: "da" }) { id } }',
      variables: { name },
    }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data.createActor.id;
}

/** Collects `count` changes from `subscribe(onChange, onError)` (which returns a stop
 * function) while `names` are created; checks they are those, in order. */
async function receivesLiveChanges(subscribe, label) {
  const names = [1, 2, 3].map((n) => `${label} Varme ${n} ApS ${Date.now()}`);
  const received = [];
  let stop;
  const done = new Promise((resolveDone, reject) => {
    stop = subscribe(
      (change) => {
        received.push(change);
        if (received.length === names.length) resolveDone();
      },
      reject,
    );
  });
  const ids = [];
  for (const name of names) ids.push(await createCompany(name));
  await done;
  stop();
  assert.deepEqual(received.map((change) => change.id), ids);
  assert.deepEqual(received.map((change) => change.entity.name), names);
  const seqs = received.map((change) => change.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
}

/** The subscribe function of receivesLiveChanges for a graphql-ws or graphql-sse client
 * (both take a payload and a sink, and return the function that stops). */
function subscribeWith(client, after) {
  return (onChange, onError) =>
    client.subscribe(
      { query: CHANGES, variables: { after } },
      {
        next: (result) => (result.errors ? onError(new Error(JSON.stringify(result.errors))) : onChange(result.data.changes)),
        error: (error) => onError(error instanceof Error ? error : new Error(String(error?.reason ?? error))),
        complete: () => {},
      },
    );
}

describe('subscriptions', { timeout: 2 * TEST_TIMEOUT_MS }, () => {
  const wsUrl = () => `${server.url.replace('http', 'ws')}/graphql`;

  it('graphql-ws receives live changes', { timeout: TEST_TIMEOUT_MS }, async () => {
    const after = await feedEnd();
    const client = createWsClient({
      url: wsUrl(),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${server.key}` },
      retryAttempts: 0,
    });
    try {
      await receivesLiveChanges(subscribeWith(client, after), 'Graphql-ws');
    } finally {
      await client.dispose();
    }
  });

  it("urql's subscription exchange receives live changes", { timeout: TEST_TIMEOUT_MS }, async () => {
    const after = await feedEnd();
    const wsClient = createWsClient({ url: wsUrl(), webSocketImpl: WebSocket, retryAttempts: 0 });
    const client = new UrqlClient({
      url: `${server.url}/graphql`,
      exchanges: [
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: wsClient.subscribe({ ...request, query: request.query || '' }, sink) }),
          }),
        }),
      ],
    });
    try {
      await receivesLiveChanges((onChange, onError) => {
        const { unsubscribe } = client.subscription(CHANGES, { after }).subscribe((result) => {
          if (result.error) onError(result.error);
          else onChange(result.data.changes);
        });
        return unsubscribe;
      }, 'Urql');
    } finally {
      await wsClient.dispose();
    }
  });

  it('graphql-sse receives live changes', { timeout: TEST_TIMEOUT_MS }, async () => {
    const after = await feedEnd();
    const client = createSseClient({ url: `${server.url}/graphql`, singleConnection: false, retryAttempts: 0 });
    try {
      await receivesLiveChanges(subscribeWith(client, after), 'Graphql-sse');
    } finally {
      client.dispose();
    }
  });
});
