// GraphiQL at `/graphql` in a real chromium (playwright-core), with every request outside the
// server under test aborted and recorded (tests/browser.mjs): the page, React, GraphiQL and the
// explorer plugin all come from the binary. Run with explorer/run-tests.sh, which starts the
// server and sets EXPLORER_URL and CHROMIUM_BIN.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { openPage } from "./browser.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, "..", "test-artifacts");
const BASE = process.env.EXPLORER_URL;
const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

if (!BASE) throw new Error("set EXPLORER_URL (explorer/run-tests.sh does)");
const GRAPHIQL = new URL("/graphql", BASE).href;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});
after(async () => {
  await browser?.close();
});

const open = (t, url) => openPage(browser, t, url, { base: BASE });
const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

/** The text of one of GraphiQL's CodeMirror editors. */
const editorText = (page, selector) =>
  page.evaluate((s) => document.querySelector(`${s} .CodeMirror`)?.CodeMirror?.getValue() ?? "", selector);

/** Waits until the result pane holds a JSON answer, and returns it parsed. */
async function result(page) {
  await page.waitForFunction(() => {
    const text = document.querySelector(".graphiql-response .CodeMirror")?.CodeMirror?.getValue() ?? "";
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  });
  return JSON.parse(await editorText(page, ".graphiql-response"));
}

test("the offline guard aborts and records a request to another host", async (t) => {
  const page = await open(t);
  // 192.0.2.1 is TEST-NET-1: never a real server, and the guard must stop it first anyway.
  await assert.rejects(page.goto("http://192.0.2.1/graphiql.min.js"), /ERR_BLOCKED_BY_CLIENT/);
  assert.deepEqual(page.problems.outside, ["http://192.0.2.1/graphiql.min.js"]);
  page.problems.outside.length = 0;
});

test("GraphiQL loads from the server alone and runs a query", async (t) => {
  const page = await open(t);
  const requested = [];
  page.on("request", (request) => requested.push(new URL(request.url())));
  await page.goto(GRAPHIQL);
  await page.locator(".graphiql-container").waitFor();
  assert.equal(await page.title(), "Symbios GraphiQL");
  assert.match(await editorText(page, ".graphiql-query-editor"), /caseStudies\(first: 5\)/, "the example query is shown");

  await page.getByRole("button", { name: /^Execute query/ }).click();
  const answer = await result(page);
  assert.equal(answer.errors, undefined, JSON.stringify(answer));
  assert.ok(answer.data.caseStudies.totalCount >= 1, JSON.stringify(answer));
  assert.ok(answer.data.caseStudies.nodes.some((node) => node.slug === "kalundborg-symbiosis"), JSON.stringify(answer));
  await shot(page, "graphiql-01-result");

  const origin = new URL(BASE).origin;
  const paths = new Set(requested.map((url) => url.pathname));
  for (const path of ["/graphql", "/graphiql/graphiql.min.js", "/graphiql/graphiql.min.css", "/graphiql/plugin-explorer.umd.js", "/graphiql/start.js"]) {
    assert.ok(paths.has(path), `${path} was requested: ${[...paths]}`);
  }
  assert.deepEqual(requested.filter((url) => url.origin !== origin).map(String), [], "only the server's own origin");
});

test("GraphiQL's docs pane finds a type and shows its fields", async (t) => {
  const page = await open(t, GRAPHIQL);
  await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
  const docs = page.locator(".graphiql-doc-explorer");
  await docs.getByText("Root Types").waitFor();
  await docs.getByText("query:").waitFor();
  const search = docs.getByRole("combobox");
  await search.fill("CaseStudy");
  await page.getByRole("option", { name: "CaseStudy", exact: true }).click();
  await docs.locator(".graphiql-doc-explorer-title", { hasText: /^CaseStudy$/ }).waitFor();
  const text = await docs.innerText();
  assert.match(text, /\bflows\b/, text);
  assert.match(text, /\bsummary\b/, text);
  await shot(page, "graphiql-02-docs");
});

test("the explorer plugin builds a query that runs, with a header from the headers editor", async (t) => {
  const page = await open(t, GRAPHIQL);
  await page.getByRole("button", { name: "Show GraphiQL Explorer" }).click();
  const explorer = page.locator(".graphiql-explorer-root");
  await explorer.waitFor();
  // Start from an empty editor, then tick `themes` and its `slug` in the explorer.
  const query = () => editorText(page, ".graphiql-query-editor");
  await page.evaluate(() => document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue(""));
  // The explorer follows the editor: the example query's expanded `caseStudies` closes.
  await explorer.getByText("orderBy:").waitFor({ state: "detached" });
  const themes = explorer.getByText("themes", { exact: true }).first();
  await themes.click();
  await page.waitForFunction(() =>
    /^query \w+ {\s*themes\b/.test(document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue()));
  await explorer.getByText("slug", { exact: true }).first().click();
  await page.waitForFunction(() =>
    /themes\s*{\s*slug\s*}/.test(document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue()));
  assert.doesNotMatch(await query(), /caseStudies/, "only what was ticked");

  // A header typed into the headers editor travels with the request.
  await page.locator(".graphiql-editor-tools button", { hasText: "Headers" }).click();
  const headers = page.locator('section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror');
  await headers.waitFor();
  await headers.evaluate((editor) => editor.CodeMirror.setValue('{ "x-symbios-test": "headers-editor" }'));
  const sent = page.waitForRequest((request) => request.method() === "POST" && new URL(request.url()).pathname === "/graphql"
    && /themes/.test(request.postData() ?? ""));
  await page.getByRole("button", { name: /^Execute query/ }).click();
  assert.equal((await sent).headers()["x-symbios-test"], "headers-editor");
  const answer = await result(page);
  assert.ok(answer.data.themes.length >= 1, JSON.stringify(answer));
  assert.ok(answer.data.themes.every((theme) => typeof theme.slug === "string"), JSON.stringify(answer));
  await shot(page, "graphiql-03-explorer-plugin");
});

test("a dialog opens under the policy; the one refused style is the scroll lock's", async (t) => {
  const page = await open(t, GRAPHIQL);
  await page.getByRole("button", { name: "Open settings dialog" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("Theme").waitFor();
  await dialog.getByRole("button", { name: "Dark" }).click();
  await page.waitForFunction(() => document.body.classList.contains("graphiql-dark"));
  // Radix's scroll lock adds a <style> element, which `style-src 'self'` refuses (no
  // 'unsafe-inline', docs/security.md); the dialog works without it. Nothing else is refused.
  assert.deepEqual(page.problems.violations, ["style-src-elem blocked inline"]);
  page.problems.violations.length = 0;
  const refusals = page.problems.errors.filter((e) => /Content Security Policy/.test(e));
  assert.equal(refusals.length, 1, page.problems.errors.join("\n"));
  page.problems.errors.splice(0, page.problems.errors.length, ...page.problems.errors.filter((e) => !refusals.includes(e)));
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
});
