// The explorer on a server with trusted documents on (`trusted_documents.enabled`): every
// document it sends is in the server's manifest, so browsing, suggestions, search and records
// work anonymously, while a document of anyone else's is refused. Run with
// explorer/run-tests.sh, which starts that second server and sets EXPLORER_TRUSTED_URL.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { openPage } from "./browser.mjs";

const BASE = process.env.EXPLORER_TRUSTED_URL;
const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

if (!BASE) throw new Error("set EXPLORER_TRUSTED_URL (explorer/run-tests.sh does)");

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});
after(async () => {
  await browser?.close();
});

test("the server under test refuses a document outside its manifest", async () => {
  const url = new URL("/graphql", BASE);
  url.searchParams.set("query", "{ themes { slug label { text } } }");
  const response = await fetch(url, { headers: { Accept: "application/graphql-response+json" } });
  assert.equal(response.status, 403);
  const body = await response.json();
  assert.equal(body.errors?.[0]?.extensions?.code, "DOCUMENT_NOT_TRUSTED");
});

test("the explorer works with trusted documents on", async (t) => {
  const page = await openPage(browser, t, new URL("/?lang=en", BASE).href, { base: BASE });
  const answers = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === "/graphql") answers.push(response);
  });
  await page.locator(".map .point").first().waitFor();

  const input = page.locator("input#q[role=combobox]");
  await input.focus();
  await input.pressSequentially("kalund", { delay: 30 });
  await page.locator("#suggestions [role=option]").first().waitFor();
  await input.press("Escape");

  await input.fill("gypsum");
  await input.press("Enter");
  await page.waitForFunction(() => /\d/.test(document.querySelector("#status")?.textContent ?? "")
    && !document.querySelector("#browse-body[aria-busy]"));
  await page.locator(".results .hit a", { hasText: "Kalundborg" }).first().click();
  await page.locator("#record h2", { hasText: "Kalundborg" }).waitFor();
  await page.waitForFunction(() => !document.querySelector("#record[aria-busy]"));
  assert.ok((await page.locator("#record table.flows tbody tr").count()) >= 5, "the flows are shown");

  // An actor's record, through its link in the case study.
  const actor = page.locator("#record ul.roles a").first();
  const name = await actor.innerText();
  await actor.click();
  await page.locator("#record h2", { hasText: name }).waitFor();
  await page.waitForFunction(() => !document.querySelector("#record[aria-busy]"));

  assert.ok(answers.length >= 5, `the explorer sent its queries (${answers.length})`);
  for (const response of answers) {
    const text = await response.text();
    assert.equal(response.status(), 200, `${response.url()}: ${text}`);
    assert.doesNotMatch(text, /DOCUMENT_NOT_TRUSTED/);
  }
});
