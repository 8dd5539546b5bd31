// The explorer's research views (issue 18) in a real chromium against a real server: the
// network diagram, the flows page, CSV downloads, citations, the year range, the type tabs,
// the statistics, the layout at 390 and 1,000 px, and the README's screenshots at 390, 1,000
// and 1,280 px. Every figure the page shows is checked against the API's own answer. Run with
// explorer/run-tests.sh (sets EXPLORER_URL and CHROMIUM_BIN).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { openPage } from "./browser.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, "..", "test-artifacts");
const DOCS = join(here, "..", "..", "docs");
const BASE = process.env.EXPLORER_URL;
const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
const KALUNDBORG = "case-study:kalundborg-symbiosis";

if (!BASE) throw new Error("set EXPLORER_URL (explorer/run-tests.sh does)");
mkdirSync(ARTIFACTS, { recursive: true });

function at(params = {}) {
  const url = new URL(BASE);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/** The API's answer to QUERY (GET, as the explorer asks). */
async function api(query, variables = {}) {
  const url = new URL("/graphql", BASE);
  url.searchParams.set("query", query);
  url.searchParams.set("variables", JSON.stringify(variables));
  const body = await fetch(url, { headers: { Accept: "application/graphql-response+json" } }).then((r) => r.json());
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});
after(async () => {
  await browser?.close();
});

const open = (t, url) => openPage(browser, t, url, { base: BASE });
const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
const countIn = (text) => Number(text.replace(/[\s\u00a0\u202f.,]/g, "").match(/\d+/)?.[0]);

async function browsed(page) {
  await page.waitForFunction(() => /\d/.test(document.querySelector("#status")?.textContent ?? "")
    && !document.querySelector("#browse-body[aria-busy]"));
  const text = await page.locator("#browse").innerText();
  assert.doesNotMatch(text, /\b(null|undefined|NaN|\[object Object\])\b/, "no blank value in the browse pane");
  return page.locator("#status").innerText();
}

async function recordShown(page, heading) {
  await page.locator("#record h2", { hasText: heading }).waitFor();
  await page.waitForFunction(() => !document.querySelector("#record[aria-busy]"));
  const text = await page.locator("#record").innerText();
  assert.doesNotMatch(text, /\b(null|undefined|NaN|\[object Object\])\b/, "no blank value in the record");
}

/** The text of a download the page offers when ACTION runs. */
async function downloaded(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download"), action()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, "utf8") };
}

/** Rows of an RFC 4180 text (quoted fields with commas, quotes and line breaks). */
function parseCsv(text) {
  const rows = [[]];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { rows.at(-1).push(field); field = ""; } else if (c === "\r" && text[i + 1] === "\n") {
      rows.at(-1).push(field); field = ""; rows.push([]); i++;
    } else field += c;
  }
  if (rows.at(-1).length === 0 && field === "") rows.pop();
  return rows;
}

const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const overlap = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test("the network diagram has a node per actor and an arrow per flow of the API's network", async (t) => {
  const { caseStudy } = await api(`{ caseStudy(slug: "kalundborg-symbiosis") { network { nodeCount edgeCount openFlows { id } } } }`);
  const net = caseStudy.network;
  assert.ok(net.nodeCount >= 3 && net.edgeCount >= 2, JSON.stringify(net));
  const page = await open(t, at({ lang: "en", open: KALUNDBORG }));
  await recordShown(page, "Kalundborg");
  const svg = page.locator("#record svg.network");
  await svg.waitFor();
  assert.equal(await svg.locator(".node").count(), net.nodeCount, "a node per actor");
  assert.equal(await svg.locator(".edge").count(), net.edgeCount, "an edge per flow");
  assert.equal(await svg.locator(".edge-label").count(), net.edgeCount, "a label per edge");
  assert.equal(await svg.locator(".open-flow").count(), net.openFlows.length, "a stub per open flow");
  assert.match(await svg.locator("title").first().textContent(), /Kalundborg/);
  assert.ok((await page.locator("#record .legend li").count()) >= 2, "a legend by category");
  assert.match(await page.locator("#record .legend").innerText(), /Energy/);
  // Edge labels in the chosen language, drawn as text.
  await page.getByLabel("Language").selectOption("da");
  await page.locator("#record .edge-label", { hasText: "Damp" }).first().waitFor();
  assert.equal(await svg.locator("foreignObject, script, img").count(), 0);
  await shot(page, "20-network");

  // Readable at phone width: within the screen, labels clear of each other.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(at({ lang: "en", open: KALUNDBORG }));
  await recordShown(page, "Kalundborg");
  const phone = page.locator("#record svg.network");
  await phone.scrollIntoViewIfNeeded();
  const box = await phone.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `the diagram fits the screen: ${JSON.stringify(box)}`);
  const labels = await phone.locator(".edge-label rect").evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().toJSON()));
  const clashes = labels.flatMap((a, i) => labels.slice(i + 1).filter((b) => overlap(a, b)));
  assert.deepEqual(clashes, [], "no two flow labels overlap");
  const fontPx = await phone.locator(".edge-label text").first().evaluate((node) => node.getBoundingClientRect().height);
  assert.ok(fontPx >= 11, `flow labels are readable on a phone (${fontPx}px)`);
  await shot(page, "21-network-390");

  // A node leads to its actor.
  const node = phone.locator(".node").first();
  const name = (await node.getAttribute("aria-label")).replace(/ \(.*\)$/, "");
  await node.click();
  await recordShown(page, name);
  assert.match(page.url(), /open=actor%3A/);
});

test("the flows page filters, pages and names resources in the chosen language", async (t) => {
  const count = async (filter) => (await api("query($f: ResourceFlowFilter) { resourceFlows(filter: $f) { totalCount } }", { f: filter })).resourceFlows.totalCount;
  const all = await count(null);
  const page = await open(t, at({ lang: "da" }));
  await page.locator("#views a[data-view=flows]").click();
  await page.waitForURL(/view=flows/);
  assert.equal(countIn(await browsed(page)), all, "the total is the API's");
  const table = page.locator("#browse table.flows");
  assert.equal(await table.locator("tbody tr").count(), Math.min(all, 20));
  assert.match(await table.innerText(), /Damp/, "resource names in Danish");
  assert.match(await table.innerText(), /Biprodukt/);
  await shot(page, "22-flows-da");

  const form = page.locator("form.flow-filters");
  const apply = async (fields, expected, filter) => {
    for (const [name, value] of Object.entries(fields)) {
      const control = form.locator(`[name=${name}]`);
      if ((await control.evaluate((node) => node.tagName)) === "SELECT") await control.selectOption(value);
      else await control.fill(value);
    }
    await form.locator("button[type=submit]").click();
    await page.waitForURL(expected);
    const shown = countIn(await browsed(page));
    assert.equal(shown, await count(filter), `${JSON.stringify(fields)}: the API's count`);
    return shown;
  };
  const energy = await apply({ category: "ENERGY" }, /f\.category=ENERGY/, { category: ["ENERGY"] });
  assert.ok(energy > 0 && energy < all, `energy ${energy} of ${all}`);
  for (const cat of await table.locator("tbody .cat").allInnerTexts()) assert.equal(cat, "Energi");
  const steam = await apply({ resource: "damp" }, /f\.resource=damp/, { category: ["ENERGY"], resourceContains: "damp" });
  assert.ok(steam >= 1 && steam <= energy);
  await apply({ category: "", resource: "", country: "DK" }, /f\.country=DK/, { country: ["DK"] });
  await apply({ country: "", caseStudy: "kalundborg-symbiosis" }, /f\.caseStudy=kalundborg-symbiosis/, { caseStudy: ["kalundborg-symbiosis"] });
  await apply({ caseStudy: "", fromKind: "COMPANY" }, /f\.fromKind=COMPANY/, { fromActorKind: ["COMPANY"] });
  await apply({ fromKind: "", toKind: "COMPANY" }, /f\.toKind=COMPANY/, { toActorKind: ["COMPANY"] });
  await apply({ toKind: "", status: "ACTIVE" }, /f\.status=ACTIVE/, { status: ["ACTIVE"] });
  const withQuantity = await apply({ status: "", quantity: "yes" }, /f\.quantity=yes/, { hasQuantity: true });
  assert.ok(withQuantity >= 1);
  assert.match(await table.innerText(), /175\.000 t\/yr/, "the gypsum flow with its quantity, in Danish number format");
  const file = await downloaded(page, () => page.locator("#browse button.download").click());
  assert.equal(file.name, "symbios-flows.csv");
  const rows = parseCsv(file.text.slice(1));
  assert.equal(rows.length - 1, withQuantity, "the CSV holds the filtered flows");
  assert.ok(rows.slice(1).every((row) => row[6] !== ""), "each with its quantity");

  // A shared link reproduces the filtered page; Back returns to the previous filter.
  const other = await open(t, page.url());
  assert.equal(countIn(await browsed(other)), withQuantity);
  await page.goBack();
  await page.waitForURL(/f\.status=ACTIVE/);
  assert.equal(countIn(await browsed(page)), await count({ status: ["ACTIVE"] }));
});

test("the flows page pages forwards and backwards with the API's cursors", async (t) => {
  const key = process.env.EXPLORER_EDITOR_KEY;
  if (!key) {
    t.skip("needs EXPLORER_EDITOR_KEY to add flows beyond one page (run-tests.sh creates one)");
    return;
  }
  // 25 flows with a resource no other has, in a case study with actors: two pages of 20.
  const word = `pagingtest${Date.now().toString(36)}`;
  // (Not Kalundborg, whose network the other tests and the screenshots show.)
  const { caseStudies } = await api("{ caseStudies(first: 100) { nodes { id slug actors { actor { id } } } } }");
  const host = caseStudies.nodes.find((c) => c.actors.length >= 2 && c.slug !== "kalundborg-symbiosis");
  const write = (query, variables) => fetch(new URL("/graphql", BASE), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  }).then((r) => r.json());
  const added = [];
  // They go again when the test ends, so that later tests and screenshots see the seed data.
  t.after(async () => {
    for (const flow of added) {
      const deleted = await write("mutation($id: ID!, $v: Int!) { deleteResourceFlow(id: $id, expectedVersion: $v) { id } }", { id: flow.id, v: flow.version });
      assert.equal(deleted.errors, undefined, JSON.stringify(deleted.errors));
    }
  });
  for (let i = 0; i < 25; i++) {
    const created = await write("mutation($input: CreateResourceFlowInput!) { createResourceFlow(input: $input) { id version } }", {
      input: {
        caseStudyId: host.id, fromActorId: host.actors[0].actor.id, toActorId: host.actors[1].actor.id,
        resource: `${word} ${String(i).padStart(2, "0")}`, category: "WATER", status: "PLANNED", originalLang: "en",
      },
    });
    assert.ok(created.data?.createResourceFlow?.id, JSON.stringify(created));
    added.push(created.data.createResourceFlow);
  }
  const { resourceFlows } = await api("query($f: ResourceFlowFilter) { resourceFlows(filter: $f, first: 100) { totalCount nodes { id } } }", { f: { resourceContains: word } });
  assert.equal(resourceFlows.totalCount, 25);
  const page = await open(t, at({ lang: "en", view: "flows", "f.resource": word }));
  assert.equal(countIn(await browsed(page)), 25);
  const ids = () => page.locator("#browse table.flows tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.id));
  assert.deepEqual(await ids(), resourceFlows.nodes.slice(0, 20).map((n) => n.id), "the first page in the API's order");
  assert.equal(await page.locator(".pager a[rel=prev]").count(), 0, "no page before the first");
  await page.locator(".pager a[rel=next]").click();
  await page.waitForURL(/f\.after=/);
  await browsed(page);
  assert.deepEqual(await ids(), resourceFlows.nodes.slice(20).map((n) => n.id), "the second page");
  assert.equal(await page.locator(".pager a[rel=next]").count(), 0, "no page after the last");
  await page.locator(".pager a[rel=prev]").click();
  await page.waitForURL(/f\.before=/);
  await browsed(page);
  assert.deepEqual(await ids(), resourceFlows.nodes.slice(0, 20).map((n) => n.id), "back to the first page");
  assert.equal(await page.locator(".pager a[rel=next]").count(), 1, "and on again from there");
  assert.equal(countIn(await page.locator("#status").innerText()), 25);
});

test("CSV downloads of a case study's flows and of search results", async (t) => {
  const { caseStudy } = await api(`query { caseStudy(slug: "kalundborg-symbiosis") { flows { id resource resourceName(lang: "da") { text } quantity } } }`);
  const page = await open(t, at({ lang: "da", open: KALUNDBORG }));
  await recordShown(page, "Kalundborg");
  const flows = await downloaded(page, () => page.locator("#record button.download").click());
  assert.equal(flows.name, "symbios-flows-kalundborg-symbiosis.csv");
  assert.ok(flows.text.startsWith("\uFEFF"), "a byte-order mark for spreadsheets");
  const rows = parseCsv(flows.text.slice(1));
  assert.deepEqual(rows[0], ["id", "case_study", "resource_da", "resource", "resource_lang", "category", "quantity", "unit", "year", "status", "from", "to"]);
  assert.equal(rows.length - 1, caseStudy.flows.length, "a row per flow");
  assert.ok(rows.every((row) => row.length === rows[0].length), "every row has every column");
  for (const flow of caseStudy.flows) {
    const row = rows.find((r) => r[0] === flow.id);
    assert.ok(row, flow.id);
    assert.equal(row[2], flow.resourceName.text);
    assert.equal(row[3], flow.resource);
    assert.equal(row[6], flow.quantity == null ? "" : String(flow.quantity));
  }
  assert.ok(flows.text.includes("\r\n"), "CRLF line ends");

  const { search } = await api(`{ search(query: "symbiosis", lang: "en") { totalCount } }`);
  await page.goto(at({ lang: "en", q: "symbiosis" }));
  await browsed(page);
  const results = await downloaded(page, () => page.locator("#browse button.download").click());
  assert.equal(results.name, "symbios-search-symbiosis.csv");
  const found = parseCsv(results.text.slice(1));
  assert.deepEqual(found[0], ["type", "name", "acronym", "slug", "country", "year", "kind", "summary_en", "score", "url"]);
  assert.equal(found.length - 1, Math.min(search.totalCount, 1000), "every result (up to 1,000)");
  assert.ok(found.some((row) => row[3] === "kalundborg-symbiosis" && row[9].endsWith("?open=case-study%3Akalundborg-symbiosis")));
});

test("cite this record: APA and BibTeX with the sources, and a copy button", async (t) => {
  const { caseStudy } = await api(`{ caseStudy(slug: "kalundborg-symbiosis") { title sources { url title } } }`);
  assert.ok(caseStudy.sources.length >= 1);
  const page = await open(t, at({ lang: "sv", open: KALUNDBORG }));
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await recordShown(page, "Kalundborg");
  const apaText = await page.locator('#record pre.citation[data-style="APA"]').textContent();
  assert.match(apaText, new RegExp(`^${escapeRe(caseStudy.title)} \\[Case study\\]\\. \\(\\d{4}, \\w+ \\d{1,2}\\)\\. In Symbios knowledge base\\. Retrieved \\w+ \\d{1,2}, \\d{4}, from ${new URL(BASE).origin.replace(/\./g, "\\.")}/`));
  for (const source of caseStudy.sources) {
    assert.ok(apaText.includes(source.title), `APA names the source ${source.title}`);
    assert.ok(apaText.includes(source.url));
  }
  const bib = await page.locator('#record pre.citation[data-style="BibTeX"]').textContent();
  assert.match(bib, /^@misc\{symbios-case-study-kalundborg-symbiosis,\n {2}title = \{\{/);
  assert.equal((bib.match(/^@misc\{/gm) ?? []).length, 1 + caseStudy.sources.length, "an entry per source");
  assert.match(bib, /urldate = \{\d{4}-\d{2}-\d{2}\}/);
  assert.equal((bib.match(/\{/g) ?? []).length - (bib.match(/\\\{/g) ?? []).length, (bib.match(/\}/g) ?? []).length - (bib.match(/\\\}/g) ?? []).length, "balanced braces");

  await page.locator("#record .cite button.copy").first().click();
  await page.locator("#record .cite .copy-status", { hasText: "Kopierat" }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), apaText);

  // A project cites the sources of its case studies.
  const { projects } = await api("{ projects(first: 1) { nodes { slug name caseStudies { sources { url } } } } }");
  const project = projects.nodes[0];
  await page.goto(at({ lang: "en", open: `project:${project.slug}` }));
  await recordShown(page, project.name);
  const projectBib = await page.locator('#record pre.citation[data-style="BibTeX"]').textContent();
  const sources = new Set(project.caseStudies.flatMap((c) => c.sources.map((s) => s.url)));
  assert.equal((projectBib.match(/^@misc\{/gm) ?? []).length, 1 + sources.size);
  assert.match(projectBib, new RegExp(`^@misc\\{symbios-project-${project.slug},`));
});

test("a year range narrows the search and is kept in the URL", async (t) => {
  const total = async (filter) => (await api("query($f: SearchFilter) { search(query: \"\", lang: \"en\", filter: $f) { totalCount } }", { f: filter })).search.totalCount;
  const page = await open(t, at({ lang: "en", yearFrom: "1900" }));
  const everything = countIn(await browsed(page));
  assert.equal(everything, await total({ yearFrom: 1900 }));
  const form = page.locator("form.year-range");
  await form.locator("input[name=yearFrom]").fill("1990");
  await form.locator("input[name=yearTo]").fill("2015");
  await form.locator("button[type=submit]").click();
  await page.waitForURL(/yearFrom=1990&yearTo=2015/);
  const ranged = countIn(await browsed(page));
  assert.equal(ranged, await total({ yearFrom: 1990, yearTo: 2015 }), "the API's count for the range");
  assert.ok(ranged < everything, `${ranged} of ${everything}`);
  assert.match(await page.locator(".chips").innerText(), /1990–2015/);
  for (const meta of await page.locator(".results .hit .meta").allInnerTexts()) {
    const year = Number(meta.match(/\b(1[89]\d\d|20\d\d)\b/)?.[1]);
    if (year) assert.ok(year >= 1990 && year <= 2015, meta);
  }
  // The range survives a reload and fills the inputs; the chip removes it.
  await page.reload();
  assert.equal(countIn(await browsed(page)), ranged);
  assert.equal(await form.locator("input[name=yearFrom]").inputValue(), "1990");
  await page.locator(".chips a", { hasText: "1990–2015" }).click();
  await page.waitForURL((u) => !/yearFrom/.test(u.href));
  await shot(page, "23-year-range");
});

test("tabs put case studies first and narrow to one type", async (t) => {
  const page = await open(t, at({ lang: "de", q: "symbiose" }));
  await browsed(page);
  const tabs = await page.locator(".tabs a").evaluateAll((as) => as.map((a) => a.dataset.value));
  assert.deepEqual(tabs, ["ALL", "CASE_STUDY", "PROJECT", "ACTOR", "FUNDER"]);
  assert.equal(await page.locator(".tabs a[aria-current=page]").getAttribute("data-value"), "ALL");
  const caseTab = page.locator('.tabs a[data-value="CASE_STUDY"]');
  assert.match(await caseTab.innerText(), /Fallstudien/);
  const expected = countIn(await caseTab.locator(".count").innerText());
  await caseTab.click();
  await page.waitForURL(/type=CASE_STUDY/);
  assert.equal(countIn(await browsed(page)), expected);
  assert.equal(await page.locator(".results .badge", { hasText: /Projekt|Akteur|Geldgeber/ }).count(), 0);
});

test("the statistics panel shows the API's counts and keeps units apart", async (t) => {
  const { statistics } = await api("{ statistics { caseStudies flowsByCategory { value count } impacts { metric unit total figures } } }");
  const page = await open(t, at({ lang: "en" }));
  await page.locator("#views a[data-view=stats]").click();
  await page.waitForURL(/view=stats/);
  assert.equal(countIn(await browsed(page)), statistics.caseStudies);
  const text = await page.locator("#browse").innerText();
  for (const row of statistics.flowsByCategory) assert.ok(text.includes(String(row.count)));
  const rows = await page.locator("table.impact-totals tbody tr").allInnerTexts();
  assert.equal(rows.length, statistics.impacts.length, "a row per metric and unit");
  for (const impact of statistics.impacts) {
    const shown = `${new Intl.NumberFormat("en", { maximumFractionDigits: 2 }).format(impact.total)} ${impact.unit}`;
    assert.ok(rows.some((r) => r.includes(shown)), `${shown} in ${rows}`);
  }
  await page.locator("form.stats-filter select").selectOption("DK");
  await page.locator("form.stats-filter button").click();
  await page.waitForURL(/s\.country=DK/);
  const dk = await api('{ statistics(filter: { country: ["DK"] }) { caseStudies } }');
  assert.equal(countIn(await browsed(page)), dk.statistics.caseStudies);
  await shot(page, "24-statistics");
});

test("at 390 px the filters wait behind a toggle and the first results come first", async (t) => {
  const page = await open(t);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(at({ lang: "en", q: "symbiosis" }));
  await browsed(page);
  const toggle = page.locator(".filters-toggle");
  assert.equal(await toggle.isVisible(), true);
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.equal(await page.locator("#filters").isVisible(), false, "the facets are collapsed");
  const first = await page.locator(".results .hit").first().boundingBox();
  assert.ok(first.y + first.height <= 844, `the first result is on the first screen (${first.y})`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
  await toggle.click();
  assert.equal(await page.locator("#filters").isVisible(), true);
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  await page.locator('#filters .facet-value[data-facet="country"]').first().waitFor();
});

for (const width of [1000, 1280]) {
  test(`at ${width} px the flow table's status column stays in sight`, async (t) => {
    const page = await open(t);
    await page.setViewportSize({ width, height: 800 });
    await page.goto(at({ lang: "de", open: KALUNDBORG }));
    await recordShown(page, "Kalundborg");
    const fits = await page.locator("#record .table-wrap").evaluate((wrap) => {
      const box = wrap.getBoundingClientRect();
      const cells = [...wrap.querySelectorAll("td.status")].map((td) => td.getBoundingClientRect());
      return { overflow: wrap.scrollWidth - wrap.clientWidth, cells: cells.length, inside: cells.every((c) => c.left >= box.left && c.right <= box.right + 0.5 && c.width > 0) };
    });
    assert.equal(fits.overflow, 0, "the table needs no sideways scrolling");
    assert.ok(fits.cells > 0 && fits.inside, JSON.stringify(fits));
    assert.match(await page.locator("#record td.status").first().innerText(), /Aktiv|Historisch|Geplant|Möglich/);
  });
}

// The README's screenshots: a results page and a case-study page at three widths. Saved in
// explorer/test-artifacts/ on every run; written to docs/ with UPDATE_README_SCREENSHOT=1.
for (const width of [390, 1000, 1280]) {
  test(`screenshots at ${width} px`, async (t) => {
    const page = await open(t);
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    const save = async (name) => {
      await page.evaluate(() => document.activeElement?.blur());
      await shot(page, name);
      if (process.env.UPDATE_README_SCREENSHOT === "1") {
        const path = join(DOCS, `${name}.png`);
        await page.screenshot({ path });
        assert.ok(statSync(path).size < 300_000, `${path} is under 300 KB`);
      }
    };
    await page.goto(at({ lang: "en", q: "industrial symbiosis" }));
    await browsed(page);
    await save(`explorer-${width}-results`);
    await page.goto(at({ lang: "en", open: KALUNDBORG }));
    await recordShown(page, "Kalundborg");
    await page.locator("#record svg.network").waitFor();
    if (width < 960) await page.locator("#record").evaluate((node) => node.scrollIntoView({ block: "start", behavior: "instant" }));
    await save(`explorer-${width}-case-study`);
    // And its network diagram, scrolled into view.
    await page.locator("#record .network-wrap").evaluate((node) => node.closest(".block").scrollIntoView({ block: "start", behavior: "instant" }));
    await save(`explorer-${width}-network`);
  });
}
