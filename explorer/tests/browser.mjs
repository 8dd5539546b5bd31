// What every browser test shares: a fresh page that fails its test on script errors, on any
// Content-Security-Policy violation and on any request that would leave the server under test
// (127.0.0.1, or EXPLORER_URL's host when that names another one). Such requests are aborted
// before they reach the network and recorded: the pages must work without internet.
import assert from "node:assert/strict";

const VIEWPORT = { width: 1280, height: 800 };

/** Hosts a page may reach: the loopback address the test servers listen on, and the server under test. */
export function allowedHosts(base) {
  return new Set(["127.0.0.1", new URL(base).hostname]);
}

/**
 * Aborts and records every request of CONTEXT (documents, scripts, styles, fonts, images,
 * fetches, WebSockets) to a host outside ALLOWED; returns the list it fills.
 */
export async function blockOutside(context, allowed) {
  const attempted = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (allowed.has(url.hostname)) return route.fallback();
    attempted.push(url.href);
    return route.abort("blockedbyclient");
  });
  await context.routeWebSocket(/.*/, (socket) => {
    const url = new URL(socket.url());
    if (allowed.has(url.hostname)) return socket.connectToServer();
    attempted.push(url.href);
    return socket.close({ code: 1008, reason: "outside the server under test" });
  });
  return attempted;
}

/**
 * A fresh page (in its own context) at URL. `page.problems` holds script errors, CSP
 * violations (reported by the page's `securitypolicyviolation` events, on every document the
 * page loads) and requests to other hosts, for a test that provokes one on purpose; the test
 * fails if any is left when it ends.
 */
export async function openPage(browser, t, url, { base, locale = "en-GB" }) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale });
  context.setDefaultTimeout(10_000);
  const problems = { errors: [], violations: [], outside: await blockOutside(context, allowedHosts(base)) };
  await context.exposeBinding("__reportCspViolation", (_source, violation) => problems.violations.push(violation));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} ${e.sample ?? ""}`.trim()));
  });
  const page = await context.newPage();
  page.problems = problems;
  page.on("pageerror", (e) => problems.errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) problems.errors.push(m.text());
  });
  t.after(async () => {
    await context.close();
    assert.deepEqual(problems.errors, [], "no script errors");
    assert.deepEqual(problems.violations, [], "no Content-Security-Policy violations");
    assert.deepEqual(problems.outside, [], "no request outside the server under test");
  });
  if (url) await page.goto(url);
  return page;
}
