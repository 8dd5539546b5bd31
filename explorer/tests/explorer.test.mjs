// Acceptance tests of the explorer in a real chromium (playwright-core), against a real
// Symbios server. Run with explorer/run-tests.sh, which starts the server and sets
// EXPLORER_URL (the page at `/`) and CHROMIUM_BIN.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { openPage } from "./browser.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, "..", "test-artifacts");
const README_SHOT = join(here, "..", "..", "docs", "explorer.png");
const BASE = process.env.EXPLORER_URL;
const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

if (!BASE) throw new Error("set EXPLORER_URL (explorer/run-tests.sh does)");
mkdirSync(ARTIFACTS, { recursive: true });

/** The explorer URL with these parameters (keeps those of EXPLORER_URL). */
function at(params = {}) {
  const url = new URL(BASE);
  for (const [k, v] of Object.entries(params)) {
    for (const one of [v].flat()) url.searchParams.append(k, one);
  }
  return url.href;
}

let browser;
before(async () => {
  // Fail fast and clearly when the server does not serve the explorer at `/`.
  const page = await fetch(at()).then((r) => (r.ok ? r.text() : ""), () => "");
  assert.match(page, /\/explorer\/app\.js/, `no explorer page at ${BASE}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});
after(async () => {
  await browser?.close();
});

/** A fresh page at URL, watched for errors, CSP violations and requests to other hosts (tests/browser.mjs). */
const open = (t, url) => openPage(browser, t, url, { base: BASE });

const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
const status = (page) => page.locator("#status").innerText();
const countIn = (text) => Number(text.replace(/[\s\u00a0\u202f.,]/g, "").match(/\d+/)?.[0]);

/** Waits for the status line to report a finished search. */
async function searched(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector("#status")?.textContent ?? "";
    return /\d/.test(s) && !document.querySelector("#browse-body[aria-busy]");
  });
  await noBlanks(page, "#browse");
  return status(page);
}

/** No "null" or "undefined" leaked into the page text. */
async function noBlanks(page, selector) {
  const text = await page.locator(selector).innerText();
  assert.doesNotMatch(text, /\b(null|undefined|NaN|\[object Object\])\b/, `${selector} shows a blank value`);
}

async function recordShown(page, heading) {
  await page.locator("#record h2", { hasText: heading }).waitFor();
  await page.waitForFunction(() => !document.querySelector("#record[aria-busy]"));
  await noBlanks(page, "#record");
}

test("the start page leads to Kalundborg's resource flows in two steps", async (t) => {
  const page = await open(t, at({ lang: "en" }));
  await page.locator(".map .point").first().waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  assert.ok((await page.locator(".map .country").count()) > 20, "country outlines are drawn");
  assert.equal(await page.locator(".map .point").count(), await page.locator(".cards .card").count(), "a point per case study");
  await shot(page, "01-start");

  // From the map.
  await page.locator('.map .point[data-key="case-study:kalundborg-symbiosis"]').click();
  await recordShown(page, "Kalundborg");
  const rows = page.locator("#record table.flows tbody tr");
  assert.ok((await rows.count()) >= 5, "the flows table has the Kalundborg flows");
  const table = await page.locator("#record table.flows").innerText();
  assert.match(table, /Gypsum/);
  assert.match(table, /Ørsted/);
  assert.match(table, /175,000 t\/yr/);
  assert.match(table, /By-product/);
  assert.match(page.url(), /open=case-study%3Akalundborg-symbiosis/);
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H2", "the focus moves to the record");
  await shot(page, "02-kalundborg-from-map");

  // And from the list, after closing.
  await page.locator("#record .close").click();
  await page.locator("#record .placeholder").waitFor();
  await page.locator(".cards a", { hasText: "Kalundborg" }).click();
  await recordShown(page, "Kalundborg");
  assert.ok((await page.locator("#record table.flows tbody tr").count()) >= 5);
});

test("suggestions work with the keyboard", async (t) => {
  const page = await open(t, at({ lang: "da" }));
  const input = page.locator("input#q[role=combobox]");
  await input.focus();
  await input.pressSequentially("kalund", { delay: 30 });
  const options = page.locator("#suggestions [role=option]");
  await options.first().waitFor();
  assert.equal(await input.getAttribute("aria-expanded"), "true");
  assert.match(await page.locator("#suggestions").innerText(), /Kalundborg Symbiose/);
  await shot(page, "03-suggestions");

  await input.press("Escape");
  assert.equal(await page.locator("#suggestions").isHidden(), true, "Escape closes the list");
  await input.press("ArrowDown"); // reopens
  await options.first().waitFor();
  await input.press("ArrowDown");
  assert.equal(await input.getAttribute("aria-activedescendant"), "suggestion-0");
  assert.equal(await options.first().getAttribute("aria-selected"), "true");
  const chosen = await options.first().locator(".s-text").innerText();
  await input.press("Enter");
  await recordShown(page, chosen.split(" (")[0]);
  assert.match(page.url(), /open=/);
});

test("searches in Swedish and in Danish with highlighted fragments", async (t) => {
  const page = await open(t, at({ lang: "sv" }));
  const input = page.locator("input#q[role=combobox]");
  await input.fill("industriell symbios");
  await input.press("Enter");
  const sv = await searched(page);
  assert.match(sv, /träff(ar)? för ”industriell symbios”/);
  assert.ok(countIn(sv) >= 3, sv);
  const first = page.locator(".results .hit").first();
  assert.match(await first.innerText(), /Sotenäs/);
  assert.ok((await first.locator(".fragment mark").count()) > 0, "matches are marked");
  assert.equal(await first.locator(".fragment").first().getAttribute("lang"), "sv", "fragments in the chosen language first");
  assert.equal(await page.locator(".fragment script, .fragment img").count(), 0);
  assert.match(page.url(), /q=industriell\+symbios/);
  await shot(page, "04-search-sv");

  await page.goto(at({ lang: "da", q: "sidestrømme" }));
  const da = await searched(page);
  assert.match(da, /resultat(er)? for »sidestrømme«/);
  assert.ok(countIn(da) >= 3, da);
  assert.equal(await page.locator("html").getAttribute("lang"), "da");
  assert.ok((await page.locator(".results .fragment mark").count()) > 0);
  assert.match(await page.locator(".facets").innerText(), /land/i);
  await shot(page, "05-search-da");
});

test("a facet narrows the results and the count follows", async (t) => {
  const page = await open(t, at({ lang: "en", q: "symbiosis" }));
  const before = countIn(await searched(page));
  const dk = page.locator('.facet-value[data-facet="country"][data-value="DK"]');
  const dkCount = countIn(await dk.locator(".count").innerText());
  assert.ok(dkCount > 0 && dkCount < before, `DK ${dkCount} of ${before}`);
  await dk.click();
  await page.waitForURL(/country=DK/);
  const afterText = await searched(page);
  assert.equal(countIn(afterText), dkCount, afterText);
  assert.equal(await page.locator(".results .hit").count(), Math.min(dkCount, 20));
  assert.equal(await page.locator('.facet-value.selected[data-value="DK"]').count(), 1);
  assert.match(await page.locator(".chips").innerText(), /Denmark/);
  await shot(page, "06-facet-dk");

  // A type facet on top, then back.
  await page.locator('.tabs a[data-facet="type"][data-value="CASE_STUDY"]').click();
  await page.waitForURL(/type=CASE_STUDY/);
  const cs = countIn(await searched(page));
  assert.ok(cs >= 1 && cs <= dkCount);
  assert.match(await page.locator(".results").innerText(), /Kalundborg/);
  await page.goBack();
  await page.waitForURL((u) => !/type=/.test(u.href));
  assert.equal(countIn(await searched(page)), dkCount, "back restores the previous search");
});

test("the language switch changes labels and served descriptions", async (t) => {
  const page = await open(t, at({ lang: "en", open: "case-study:kalundborg-symbiosis" }));
  await recordShown(page, "Kalundborg");
  const summaryEn = await page.locator("#record .lead").innerText();
  assert.match(await page.locator("#record").innerText(), /Resource flows/);
  assert.match(await page.locator("#record .lead .lang-marker").innerText(), /Translated from Danish/i);
  assert.equal(await page.locator("#record .lead").getAttribute("lang"), "en");

  await page.getByLabel("Language").selectOption("sv");
  await page.locator("#record h3", { hasText: "Resursflöden" }).waitFor();
  await recordShown(page, "Kalundborg");
  assert.equal(await page.locator("html").getAttribute("lang"), "sv");
  assert.match(await page.locator("label[for=q]").innerText(), /Sök fallstudier/);
  const summarySv = await page.locator("#record .lead").innerText();
  assert.notEqual(summarySv, summaryEn);
  assert.match(summarySv, /Översatt från danska/);
  assert.equal(await page.locator("#record .lead").getAttribute("lang"), "sv");
  assert.match(await page.locator("#record table.flows").innerText(), /Biprodukt/);
  assert.match(page.url(), /lang=sv/);
  await shot(page, "07-lang-sv");

  await page.getByLabel("Språk").selectOption("da");
  await page.locator("#record h3", { hasText: "Ressourcestrømme" }).waitFor();
  await recordShown(page, "Kalundborg");
  assert.equal(await page.locator("#record .lead .lang-marker").count(), 0, "the original needs no marker");

  // Finnish is not available: the original is served, with a marker saying so.
  await page.getByLabel("Sprog").selectOption("fi");
  await page.locator("#record h3", { hasText: "Resurssivirrat" }).waitFor();
  await recordShown(page, "Kalundborg");
  assert.equal(await page.locator("#record .lead").getAttribute("lang"), "da");
  assert.match(await page.locator("#record .lead .lang-marker").innerText(), /alkuperäiskielellä/);
  await shot(page, "08-lang-fi");
});

test("a shared link reproduces the search, the filters and the open record", async (t) => {
  const page = await open(t, at({ lang: "nb" }));
  const input = page.locator("input#q[role=combobox]");
  await input.fill("symbiose");
  await input.press("Enter");
  await searched(page);
  await page.locator('.facet-value[data-facet="country"][data-value="NO"]').click();
  await page.waitForURL(/country=NO/);
  const statusBefore = await searched(page);
  const firstHit = page.locator(".results .hit h3 a").first();
  const title = await firstHit.innerText();
  await firstHit.click();
  await recordShown(page, title);
  const shared = page.url();
  assert.match(shared, /q=symbiose/);
  assert.match(shared, /open=/);

  const other = await open(t, shared);
  await recordShown(other, title);
  assert.equal(await searched(other), statusBefore);
  assert.equal(await other.locator("input#q[role=combobox]").inputValue(), "symbiose");
  assert.equal(await other.locator('.facet-value.selected[data-value="NO"]').count(), 1);
  assert.equal(await other.locator("html").getAttribute("lang"), "nb");
  assert.equal(await other.locator(".results .hit.active").count(), 1, "the open record is marked in the results");
  await shot(other, "09-shared-link");
});

test("actor details: kind, country, website, roles and identifiers", async (t) => {
  const page = await open(t, at({ lang: "en", open: "case-study:kalundborg-symbiosis" }));
  await recordShown(page, "Kalundborg");
  await page.locator("#record .roles a", { hasText: "Novo Nordisk" }).click();
  await recordShown(page, "Novo Nordisk");
  const text = await page.locator("#record").innerText();
  assert.match(text, /Company/);
  assert.match(text, /Denmark/);
  assert.match(text, /novonordisk\.com/);
  assert.match(text, /DK-CVR/);
  assert.match(text, /Kalundborg Symbiose/);
  await shot(page, "10-actor");
  await page.goBack();
  await recordShown(page, "Kalundborg");
});

test("API errors are shown in plain words", async (t) => {
  const page = await open(t);
  const reply = (status, body, headers = {}) => (route) =>
    route.fulfill({ status, headers: { "content-type": "application/graphql-response+json", ...headers }, body: JSON.stringify(body) });

  await page.route("**/graphql?*", reply(429, { errors: [{ message: "rate limited", extensions: { code: "RATE_LIMITED", retryAfter: 7 } }] }, { "retry-after": "7" }));
  await page.goto(at({ lang: "en", q: "steam" }));
  await page.locator("#error").getByText("wait 7 seconds").waitFor();

  await page.unroute("**/graphql?*");
  await page.route("**/graphql?*", reply(500, { errors: [{ message: "internal error", extensions: { code: "INTERNAL", requestId: "req-123" } }] }));
  await page.goto(at({ lang: "en", q: "water" }));
  await page.locator("#error").getByText("req-123").waitFor();

  await page.unroute("**/graphql?*");
  await page.route("**/graphql?*", reply(200, { errors: [{ message: "query took too long", extensions: { code: "TIMEOUT" } }] }));
  await page.goto(at({ lang: "de", q: "wasser" }));
  await page.locator("#error").getByText("zu lange").waitFor();

  await page.unroute("**/graphql?*");
  await page.route("**/graphql?*", (route) => route.abort("connectionrefused"));
  await page.goto(at({ lang: "en", q: "heat" }));
  await page.locator("#error").getByText("cannot be reached").waitFor();
  await shot(page, "11-error");

  // Retrying once the server answers again.
  await page.unroute("**/graphql?*");
  await page.locator("#error button").click();
  await searched(page);
  assert.equal(await page.locator("#error .error").count(), 0);

  // A real BAD_USER_INPUT from the server, through the same path.
  const bad = await page.evaluate(async () => {
    const target = new URL("/graphql", location.origin);
    target.searchParams.set("query", '{ caseStudy(slug: "x", id: "y") { slug } }');
    const r = await fetch(target, { headers: { Accept: "application/graphql-response+json" } });
    return (await r.json()).errors?.[0]?.extensions?.code;
  });
  assert.equal(bad, "BAD_USER_INPUT");
});

test("accessibility basics: labels, roles, live region, focus", async (t) => {
  const page = await open(t, at({ lang: "en", q: "gypsum" }));
  await searched(page);
  assert.equal(await page.locator("#status").getAttribute("aria-live"), "polite");
  for (const id of ["q", "lang"]) assert.equal(await page.locator(`label[for=${id}]`).count(), 1, `label for #${id}`);
  assert.equal(await page.locator("input#q[role=combobox]").getAttribute("aria-controls"), "suggestions");
  assert.equal(await page.getByRole("search").count(), 1);
  // Every result and facet value is a link a keyboard reaches.
  const hrefs = await page.locator(".results a, .facets a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(hrefs.length > 0 && hrefs.every((h) => h && h.startsWith("/")));
  // Tab from the search box reaches the results.
  await page.locator("input#q[role=combobox]").focus();
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => Boolean(document.activeElement?.closest(".results")));
  }
  assert.ok(reached, "the results are reachable with Tab");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "the focus is visible");
  await page.keyboard.press("Enter");
  await page.waitForURL(/open=/);
  await page.waitForFunction(() => document.activeElement?.closest("#record"));
});

test("README screenshot: the start page with Kalundborg open", async (t) => {
  const page = await open(t, at({ lang: "en", open: "case-study:kalundborg-symbiosis" }));
  await recordShown(page, "Kalundborg");
  await page.locator(".map .point.active").waitFor();
  await page.evaluate(() => document.activeElement?.blur());
  await shot(page, "12-readme");
  // The README's screenshot is replaced only when asked for, so that test runs leave the
  // working tree as it was: UPDATE_README_SCREENSHOT=1 explorer/run-tests.sh
  if (process.env.UPDATE_README_SCREENSHOT === "1") {
    mkdirSync(dirname(README_SHOT), { recursive: true });
    await page.screenshot({ path: README_SHOT });
  }
});

// ---------------------------------------------------------------------------------------
// Hostile input (issue 15): links, servers and records that try to run script in the page.

const PAYLOAD = `<img src=x onerror="window.__pwned=1">`;

/** A GraphQL answer for every query the explorer sends, with one search hit carrying `fragment`. */
function answerWithFragment(fragment) {
  return {
    data: {
      themes: [],
      suggest: [],
      caseStudies: { totalCount: 0, nodes: [] },
      search: {
        totalCount: 1,
        pageInfo: { hasNextPage: false, endCursor: null },
        facets: { type: [], country: [], theme: [], lang: [], year: [] },
        edges: [{ node: {
          score: 1,
          highlights: [{ field: "text", lang: "en", fragment }],
          entity: { __typename: "Actor", id: "00000000-0000-0000-0000-000000000001", slug: "hostile", name: "Hostile", kind: "COMPANY", country: "IS" },
        } }],
      },
    },
  };
}

/** Starts a GraphQL server on another origin that answers everything with a script-carrying fragment. */
async function hostileServer(t) {
  const received = [];
  const server = createServer((request, response) => {
    received.push(request.url);
    response.writeHead(200, {
      "content-type": "application/json",
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "*",
    });
    response.end(request.method === "OPTIONS" ? "" : JSON.stringify(answerWithFragment(`<mark>x</mark> ${PAYLOAD}`)));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { origin: `http://127.0.0.1:${server.address().port}`, received };
}

const pwned = (page) => page.evaluate(() => window.__pwned);

test("the page is served under a strict Content-Security-Policy that the suite watches", async (t) => {
  const response = await fetch(at());
  const policy = response.headers.get("content-security-policy") ?? "";
  for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "object-src 'none'",
    "base-uri 'none'", "frame-ancestors 'none'", "require-trusted-types-for 'script'"]) {
    assert.ok(policy.split(/;\s*/).includes(directive), `${directive} in ${policy || "(no policy)"}`);
  }
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");

  // The watch on violations works: a request to another origin and an HTML string in an HTML
  // sink are both refused by the browser and reported.
  const page = await open(t, at({ lang: "en" }));
  await page.locator(".cards .card").first().waitFor();
  const refused = await page.evaluate(async () => {
    const image = new Image();
    const loaded = new Promise((resolve) => { image.onerror = () => resolve("refused"); image.onload = () => resolve("loaded"); });
    image.src = "http://127.0.0.1:9/tracker.png";
    const sink = (() => {
      try {
        document.createElement("div").innerHTML = "<b>x</b>";
        return "assigned";
      } catch (error) {
        return error.name;
      }
    })();
    return { image: await loaded, sink };
  });
  assert.deepEqual(refused, { image: "refused", sink: "TypeError" });
  await expectViolations(page, [/^img-src blocked http:\/\/127\.0\.0\.1:9\/tracker\.png/, /^require-trusted-types-for blocked/]);
});

/** Waits for these violations (and the console errors they log), then forgets them. */
async function expectViolations(page, patterns) {
  const deadline = Date.now() + 5_000;
  while (!patterns.every((p) => page.problems.violations.some((v) => p.test(v)))) {
    assert.ok(Date.now() < deadline, `expected violations ${patterns} in ${JSON.stringify(page.problems.violations)}`);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  }
  page.problems.violations.length = 0;
  page.problems.errors.splice(0, page.problems.errors.length, ...page.problems.errors.filter((e) => !/Content Security Policy|TrustedHTML/.test(e)));
}

test("a link cannot point the explorer at another server", async (t) => {
  const hostile = await hostileServer(t);
  const page = await open(t);
  const requested = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.goto(at({ lang: "en", q: "x", api: hostile.origin }));
  await searched(page);
  assert.deepEqual(requested.filter((url) => url.startsWith(hostile.origin)), [], "no request to the other origin");
  assert.deepEqual(hostile.received, [], "the other server was never asked");
  assert.ok(requested.some((url) => url.startsWith(new URL("/graphql?", BASE).href)), "the page asked its own /graphql");
  assert.equal(await page.locator(".results img, .results script").count(), 0);
  assert.equal(await pwned(page), undefined, "no script from the other server ran");
  assert.doesNotMatch(page.url(), /[?&]api=/, "the parameter is not carried on");
});

test("highlights are rebuilt from text: only <mark> becomes markup", async (t) => {
  const page = await open(t);
  // What a compromised server or a proxy could send: raw markup beside the escaped text.
  const fragment = `before <mark>match</mark> &amp;lt;b&amp;gt; ${PAYLOAD} &quot;q&quot; &#x27;s &amp; &nbsp; <mark>two</mark> </mark> <mark>`;
  await page.route("**/graphql?*", (route) => route.fulfill({
    status: 200,
    headers: { "content-type": "application/graphql-response+json" },
    body: JSON.stringify(answerWithFragment(fragment)),
  }));
  await page.goto(at({ lang: "en", q: "match" }));
  await searched(page);
  const shown = page.locator(".results .fragment").first();
  assert.deepEqual(await shown.locator("mark").allTextContents(), ["match", "two"], "the real matches stay marked");
  assert.equal(await shown.evaluate((p) => p.querySelectorAll("*:not(mark)").length), 0, "no element but <mark>");
  assert.equal(
    await shown.textContent(),
    `before match &lt;b&gt; ${PAYLOAD} "q" 's & &nbsp; two </mark> `,
    "escaped text is decoded once; other markup is shown as it came",
  );
  assert.equal(await page.locator(".results img").count(), 0);
  assert.equal(await pwned(page), undefined);
});

test("a record with markup in its name and description is shown as text", async (t) => {
  const key = process.env.EXPLORER_EDITOR_KEY;
  if (!key) {
    t.skip("needs EXPLORER_EDITOR_KEY (run-tests.sh creates one when it starts the server)");
    return;
  }
  const word = `quokkaboard${Date.now().toString(36)}`;
  const name = `Evil ${word} ${PAYLOAD} AS`;
  const description = `Makes ${word} from ${PAYLOAD} & "quotes" 'apostrophes' &lt;b&gt; <mark>not a match</mark>`;
  const created = await fetch(new URL("/graphql", BASE), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({
      query: "mutation($input: CreateActorInput!) { createActor(input: $input) { slug } }",
      variables: { input: { name, kind: "COMPANY", country: "IS", originalLang: "en", description: [{ lang: "en", text: description }] } },
    }),
  }).then((r) => r.json());
  assert.ok(created.data?.createActor?.slug, JSON.stringify(created));

  // The index follows the database asynchronously: poll the API until the record is found.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const url = new URL("/graphql", BASE);
    url.searchParams.set("query", `{ search(query: "${word}") { totalCount } }`);
    const found = await fetch(url).then((r) => r.json());
    if (found.data?.search?.totalCount === 1) break;
    assert.ok(Date.now() < deadline, `the new actor was not indexed: ${JSON.stringify(found)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const page = await open(t, at({ lang: "en", q: word }));
  await searched(page);
  const hit = page.locator(".results .hit").first();
  assert.equal(await hit.locator("h3").innerText(), name, "the name is shown literally");
  const fragment = hit.locator(".fragment").first();
  assert.equal(await fragment.locator("mark").first().textContent(), word, "the search word is marked");
  const shown = (await fragment.textContent()).trim();
  assert.ok(description.includes(shown) && shown.includes(PAYLOAD), `shown literally: ${shown}`);
  assert.equal(await page.locator("#browse img").count(), 0);

  await hit.locator("h3 a").click();
  await recordShown(page, word);
  assert.equal(await page.locator("#record h2").innerText(), name);
  assert.equal(await page.locator("#record .lead").innerText(), description);
  assert.equal(await page.locator("#record img").count(), 0);
  assert.equal(await pwned(page), undefined);
});

test("the explorer works offline: every request it makes goes to its own server", async (t) => {
  const page = await open(t);
  const requested = [];
  page.on("request", (request) => requested.push(new URL(request.url())));
  await page.goto(at({ lang: "en" }));
  await page.locator(".map .point").first().waitFor();
  const input = page.locator("input#q[role=combobox]");
  await input.fill("gypsum");
  await input.press("Enter");
  assert.ok(countIn(await searched(page)) >= 1, "the search finds the gypsum flow");
  await page.locator(".results .hit a", { hasText: "Kalundborg" }).first().click();
  await recordShown(page, "Kalundborg");
  const paths = new Set(requested.map((url) => url.pathname));
  for (const path of ["/", "/explorer/app.js", "/explorer/style.css", "/explorer/countries.json", "/graphql"]) {
    assert.ok(paths.has(path), `${path} was requested: ${[...paths]}`);
  }
  const origin = new URL(BASE).origin;
  assert.deepEqual(requested.filter((url) => url.origin !== origin).map(String), [], "only the server's own origin");
});
