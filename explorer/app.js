// Symbios explorer: a reference portal that uses only the public GraphQL API of its own origin.
// Plain ES module, no dependencies. Nothing from the network is ever parsed as HTML: record
// texts are inserted as text, and search highlights are rebuilt from text with only <mark>
// (the server's CSP enforces this with Trusted Types).
import { LANGS, preferredLang, t, tn, label, langName, countryName, ownName } from "./i18n.js";
import { renderMap } from "./map.js";
import { renderNetwork, renderLegend, CATEGORIES } from "./network.js";
import { csvText, downloadCsv } from "./csv.js";
import { apa, bibtex } from "./cite.js";

// ---------------------------------------------------------------------------------------
// API access

/**
 * The GraphQL endpoint: always this page's own origin. Nothing in the URL can change it, so a
 * link cannot point the page at another server (issue 15).
 */
const API = new URL("/graphql", location.origin).href;

class ApiError extends Error {
  constructor(code, { message = "", requestId = null, retryAfter = null } = {}) {
    super(message || code);
    this.code = code;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }
}

/** Runs a query with GET (query and variables in the URL). */
async function gql(query, variables = {}, { signal } = {}) {
  const url = new URL(API);
  url.searchParams.set("query", query.replace(/\s+/g, " ").trim());
  url.searchParams.set("variables", JSON.stringify(variables));
  let response;
  try {
    response = await fetch(url, {
      headers: { Accept: "application/graphql-response+json, application/json;q=0.9" },
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("NETWORK", { message: error.message });
  }
  const requestId = response.headers.get("x-request-id");
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const first = body?.errors?.[0];
  const code = first?.extensions?.code ?? (response.status === 429 ? "RATE_LIMITED" : null);
  if (code || first) {
    const retryAfter = Number(response.headers.get("retry-after") ?? first?.extensions?.retryAfter ?? 1);
    throw new ApiError(code ?? "OTHER", {
      message: first?.message ?? `HTTP ${response.status}`,
      requestId: first?.extensions?.requestId ?? requestId,
      retryAfter: Number.isFinite(retryAfter) ? retryAfter : 1,
    });
  }
  if (!response.ok || !body?.data) {
    throw new ApiError(response.status >= 500 ? "INTERNAL" : "OTHER", {
      message: `HTTP ${response.status}`,
      requestId,
    });
  }
  return body.data;
}

/** Plain words for an API error, in the interface language. */
function errorText(lang, error) {
  switch (error.code) {
    case "NETWORK":
      return t(lang, "err_NETWORK");
    case "RATE_LIMITED":
      return t(lang, "err_RATE_LIMITED", { seconds: error.retryAfter ?? 1 });
    case "TIMEOUT":
      return t(lang, "err_TIMEOUT");
    case "INTERNAL":
      return t(lang, "err_INTERNAL", { id: error.requestId ?? "?" });
    case "BAD_USER_INPUT":
    case "QUERY_TOO_COMPLEX":
      return t(lang, "err_BAD_USER_INPUT", { message: error.message });
    default:
      return t(lang, "err_OTHER", { code: error.code, message: error.message });
  }
}

// ---------------------------------------------------------------------------------------
// Queries

const LOCALIZED = "fragment T on LocalizedText { text lang original originalLang availableLanguages }";

const Q_HOME = `query Home($lang: String) {
  caseStudies(first: 100, orderBy: { field: NAME }) {
    totalCount
    nodes { id slug title country establishedYear originalLang
      location { place country latitude longitude }
      summary(lang: $lang) { ...T }
      flows { id } }
  }
} ${LOCALIZED}`;

const Q_THEMES = `query Themes($lang: String) { themes { slug label(lang: $lang) { text } } }`;

const Q_SUGGEST = `query Suggest($prefix: String!, $lang: String) {
  suggest(prefix: $prefix, lang: $lang, first: 8) {
    text
    entity { __typename ... on CaseStudy { slug } ... on Project { slug } ... on Actor { slug } ... on Funder { slug } }
  }
}`;

const Q_SEARCH = `query Search($q: String!, $lang: String, $types: [SearchType!], $filter: SearchFilter, $after: String) {
  search(query: $q, lang: $lang, types: $types, filter: $filter, first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets { type { value count } country { value count } theme { value count } lang { value count } year { value count } }
    edges { node { score highlights { field lang fragment }
      entity { __typename
        ... on CaseStudy { id slug title country establishedYear originalLang summary(lang: $lang) { text lang } }
        ... on Project { id slug name acronym originalLang summary(lang: $lang) { text lang } }
        ... on Actor { id slug name kind country }
        ... on Funder { id slug name kind country } } } }
  }
}`;

const Q_CASE = `query CaseStudy($slug: String!, $lang: String) {
  caseStudy(slug: $slug) {
    id slug title kind status country establishedYear originalLang
    location { place municipality region country latitude longitude }
    summary(lang: $lang) { ...T }
    body(lang: $lang) { ...T }
    themes { slug label(lang: $lang) { text } }
    actors { role actor { slug name kind country } }
    flows { id resource resourceLang resourceName(lang: $lang) { text lang original } category quantity unit year status ewcCode
      from { slug name } to { slug name } description(lang: $lang) { ...T } }
    network { nodeCount edgeCount nodes { slug name kind }
      edges { id category resourceName(lang: $lang) { text } from { slug name } to { slug name } }
      openFlows { id category resourceName(lang: $lang) { text } from { slug name } } }
    impacts { metric value unit year note }
    projects { slug name acronym status startDate endDate
      fundings { programme amount currency periodStart periodEnd funder { slug name kind country } } }
    sources { url title accessed }
    updatedAt
  }
} ${LOCALIZED}`;

const Q_ACTOR = `query Actor($slug: String!, $lang: String) {
  actor(slug: $slug) {
    id slug name kind country website originalLang
    description(lang: $lang) { ...T }
    identifiers { scheme value }
    projects { role project { slug name acronym status } }
    caseStudies { role caseStudy { slug title country sources { url title accessed } } }
    updatedAt
    flowsOut { id resource resourceLang resourceName(lang: $lang) { text lang } category to { slug name } caseStudy { slug title } }
    flowsIn { id resource resourceLang resourceName(lang: $lang) { text lang } category from { slug name } caseStudy { slug title } }
    funder { slug name }
  }
} ${LOCALIZED}`;

const Q_PROJECT = `query Project($slug: String!, $lang: String) {
  project(slug: $slug) {
    id slug name acronym status startDate endDate website originalLang
    summary(lang: $lang) { ...T }
    themes { slug label(lang: $lang) { text } }
    participants { role actor { slug name kind country } }
    fundings { programme amount currency periodStart periodEnd funder { slug name kind country } }
    caseStudies { slug title country sources { url title accessed } }
    updatedAt
  }
} ${LOCALIZED}`;

const Q_FUNDER = `query Funder($slug: String!, $lang: String) {
  funder(slug: $slug) {
    id slug name kind country website
    description(lang: $lang) { ...T }
    actor { slug name }
    fundings { programme amount currency periodStart periodEnd project { slug name acronym } }
  }
} ${LOCALIZED}`;

const Q_FLOWS = `query Flows($filter: ResourceFlowFilter, $lang: String, $first: Int, $after: String, $last: Int, $before: String) {
  resourceFlows(filter: $filter, orderBy: { field: RESOURCE }, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id resource resourceLang resourceName(lang: $lang) { text lang original } category quantity unit year status
      caseStudy { slug title country } from { slug name kind } to { slug name kind } }
  }
}`;

const Q_STATS = `query Statistics($filter: CaseStudyFilter) {
  statistics(filter: $filter) {
    caseStudies
    caseStudiesByCountry { value count }
    caseStudiesByStatus { value count }
    caseStudiesByTheme { theme count }
    actorsByKind { value count }
    flowsByCategory { value count }
    impacts { metric unit total figures }
  }
}`;

const Q_SEARCH_EXPORT = `query SearchExport($q: String!, $lang: String, $types: [SearchType!], $filter: SearchFilter, $after: String) {
  search(query: $q, lang: $lang, types: $types, filter: $filter, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { score
      entity { __typename
        ... on CaseStudy { slug title country establishedYear kind summary(lang: $lang) { text } }
        ... on Project { slug name acronym startDate summary(lang: $lang) { text } }
        ... on Actor { slug name kind country }
        ... on Funder { slug name kind country } } } }
  }
}`;

// ---------------------------------------------------------------------------------------
// State and URL

const TYPE_OF = { CaseStudy: "case-study", Project: "project", Actor: "actor", Funder: "funder" };
const SEARCH_TYPES = ["CASE_STUDY", "PROJECT", "ACTOR", "FUNDER"];

const VIEWS = ["flows", "stats"];
const FLOW_STATUSES = ["ACTIVE", "HISTORIC", "PLANNED", "POTENTIAL"];
const ACTOR_KINDS = ["COMPANY", "MUNICIPALITY", "REGION", "UNIVERSITY", "RESEARCH_INSTITUTE", "CLUSTER", "NETWORK", "AGENCY", "NGO", "CONSULTANCY", "PERSON"];
const YEAR = /^\d{4}$/;
const COUNTRY = /^[A-Z]{2}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
const CURSOR = /^[A-Za-z0-9+/=_-]{1,200}$/;

/** One value of P's NAME when it is one of ALLOWED (a list or a pattern), else null. */
function oneOf(p, name, allowed) {
  const v = p.get(name);
  if (v == null) return null;
  return (Array.isArray(allowed) ? allowed.includes(v) : allowed.test(v)) ? v : null;
}

/** The flows page's filter and page, from the `f.`-prefixed parameters. */
function readFlowState(p) {
  const resource = (p.get("f.resource") ?? "").replace(/\s+/g, " ").trim().slice(0, 200);
  const quantity = oneOf(p, "f.quantity", ["yes", "no"]);
  return {
    category: oneOf(p, "f.category", CATEGORIES),
    resource: resource || null,
    country: oneOf(p, "f.country", COUNTRY),
    caseStudy: oneOf(p, "f.caseStudy", SLUG),
    fromKind: oneOf(p, "f.fromKind", ACTOR_KINDS),
    toKind: oneOf(p, "f.toKind", ACTOR_KINDS),
    status: oneOf(p, "f.status", FLOW_STATUSES),
    quantity,
    after: oneOf(p, "f.after", CURSOR),
    before: oneOf(p, "f.before", CURSOR),
  };
}

const FLOW_PARAMS = ["category", "resource", "country", "caseStudy", "fromKind", "toKind", "status", "quantity", "after", "before"];
const emptyFlows = () => Object.fromEntries(FLOW_PARAMS.map((k) => [k, null]));

function readState(url = new URL(location.href)) {
  const p = url.searchParams;
  const lang = LANGS.includes(p.get("lang")) ? p.get("lang") : preferredLang();
  // `year` (one year, from older links) is the range from that year to that year.
  const year = oneOf(p, "year", YEAR);
  let yearFrom = oneOf(p, "yearFrom", YEAR) ?? year;
  let yearTo = oneOf(p, "yearTo", YEAR) ?? year;
  if (yearFrom && yearTo && Number(yearFrom) > Number(yearTo)) [yearFrom, yearTo] = [yearTo, yearFrom];
  return {
    view: oneOf(p, "view", VIEWS),
    flows: readFlowState(p),
    statsCountry: oneOf(p, "s.country", COUNTRY),
    yearFrom,
    yearTo,
    q: (p.get("q") ?? "").trim(),
    lang,
    types: p.getAll("type").filter((v) => SEARCH_TYPES.includes(v)),
    country: p.getAll("country"),
    theme: p.getAll("theme"),
    tlang: p.getAll("tlang"),
    open: /^(case-study|project|actor|funder):[^:]+$/.test(p.get("open") ?? "") ? p.get("open") : null,
  };
}

function queryString(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  p.set("lang", s.lang);
  for (const v of s.types) p.append("type", v);
  for (const v of s.country) p.append("country", v);
  for (const v of s.theme) p.append("theme", v);
  for (const v of s.tlang) p.append("tlang", v);
  if (s.yearFrom) p.set("yearFrom", s.yearFrom);
  if (s.yearTo) p.set("yearTo", s.yearTo);
  if (s.view) p.set("view", s.view);
  if (s.view === "flows") {
    for (const k of FLOW_PARAMS) if (s.flows[k]) p.set(`f.${k}`, s.flows[k]);
  }
  if (s.view === "stats" && s.statsCountry) p.set("s.country", s.statsCountry);
  if (s.open) p.set("open", s.open);
  return `?${p}`;
}

const hrefFor = (patch) => `${location.pathname}${queryString({ ...state, ...patch })}`;
const hasSearch = (s) => Boolean(s.q || s.types.length || s.country.length || s.theme.length || s.tlang.length || s.yearFrom || s.yearTo);

let state = readState();

function navigate(patch, { replace = false, focus = null } = {}) {
  state = { ...state, ...patch };
  const url = queryString(state);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render({ focus });
}

window.addEventListener("popstate", () => {
  state = readState();
  render();
});

// Internal links carry the whole state in their href; a plain click navigates in place.
document.addEventListener("click", (event) => {
  const a = event.target.closest?.("a[data-nav]");
  if (!a || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  const next = readState(new URL(a.href, location.href));
  const opensRecord = next.open && next.open !== state.open;
  navigate(next, { focus: opensRecord ? "record" : a.dataset.nav === "browse" ? "browse" : null });
});

// ---------------------------------------------------------------------------------------
// DOM helpers

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A link to a record of the explorer. */
function recordLink(type, slug, text, attrs = {}) {
  return h("a", { href: hrefFor({ open: `${type}:${slug}` }), "data-nav": "record", ...attrs }, text);
}

const $ = (selector) => document.querySelector(selector);
/** Replaces a node's children, leaving out empty ones (replaceChildren would print "null"). */
const fill = (node, ...children) => node.replaceChildren(...children.flat(Infinity).filter((c) => c != null && c !== false));
const fmtNumber = (lang, n) => new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(n);
const fmtDate = (lang, d) => {
  if (!d) return "";
  const date = new Date(`${d}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? d : new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(date);
};
const fmtMoney = (lang, amount, currency) => {
  if (amount == null) return "";
  try {
    return new Intl.NumberFormat(lang, { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
  } catch {
    return `${fmtNumber(lang, amount)} ${currency ?? ""}`.trim();
  }
};

/** A localized text with its language marker: "translated from …" or "only in …". */
function localized(lang, text, { paragraphs = false, className = "" } = {}) {
  if (!text) return null;
  const wrap = h("div", { class: `localized ${className}`.trim(), lang: text.lang });
  const parts = paragraphs ? text.text.split(/\n\s*\n/) : [text.text];
  for (const part of parts) if (part.trim()) wrap.append(h("p", {}, part.trim()));
  const marker = langMarker(lang, text);
  if (marker) wrap.prepend(marker);
  return wrap;
}

function langMarker(lang, text) {
  if (!text) return null;
  let words = null;
  if (text.lang !== lang) {
    words = t(lang, "onlyOriginal", { asked: langName(lang, lang), lang: langName(lang, text.lang) });
  } else if (text.original === false) {
    words = t(lang, "translatedFrom", { lang: langName(lang, text.originalLang) });
  }
  if (!words) return null;
  return h("p", { class: `lang-marker${text.lang !== lang ? " other" : ""}`, lang }, words);
}

function section(title, ...content) {
  return h("section", { class: "block" }, h("h3", {}, title), ...content);
}

function showError(error, retry) {
  const area = $("#error");
  area.replaceChildren();
  if (!error) return;
  area.append(
    h("div", { class: "error" },
      h("p", {}, errorText(state.lang, error)),
      retry ? h("button", { type: "button", onclick: () => { showError(null); retry(); } }, t(state.lang, "retry")) : null),
  );
}

// ---------------------------------------------------------------------------------------
// Cached reference data

const cache = new Map();
function cached(key, load) {
  if (!cache.has(key)) {
    const promise = load().catch((error) => {
      cache.delete(key);
      throw error;
    });
    cache.set(key, promise);
  }
  return cache.get(key);
}

const themesFor = (lang) =>
  cached(`themes:${lang}`, async () => {
    const data = await gql(Q_THEMES, { lang });
    return new Map(data.themes.map((th) => [th.slug, th.label?.text ?? th.slug]));
  });

const homeFor = (lang) => cached(`home:${lang}`, () => gql(Q_HOME, { lang }));

const countriesGeo = () =>
  cached("geo", async () => {
    const response = await fetch(new URL("./countries.json", import.meta.url));
    if (!response.ok) throw new Error(`countries.json: HTTP ${response.status}`);
    return response.json();
  });

// ---------------------------------------------------------------------------------------
// Rendering

let browseKey = null;
let recordKey = null;
let browseToken = 0;
let recordToken = 0;

function render({ focus = null } = {}) {
  applyLanguage();
  // The flows and statistics views are tables: they take the whole width until a record opens.
  $("main.panes").classList.toggle("wide", Boolean(state.view) && !state.open);
  const sKey = JSON.stringify([state.lang, state.view, state.view === "flows" ? state.flows : null, state.view === "stats" ? state.statsCountry : null,
    state.q, state.types, state.country, state.theme, state.tlang, state.yearFrom, state.yearTo]);
  if (sKey !== browseKey) {
    browseKey = sKey;
    if (state.view === "flows") showFlows();
    else if (state.view === "stats") showStats();
    else if (hasSearch(state)) runSearch();
    else showHome();
  } else if (!hasSearch(state) && !state.view) {
    markActivePoint();
  }
  const rKey = JSON.stringify([state.lang, state.open]);
  if (rKey !== recordKey) {
    recordKey = rKey;
    loadRecord(focus === "record");
  } else if (focus === "record") {
    $("#record h2")?.focus();
  }
  if (focus === "browse") $("#browse-heading")?.focus();
  $("#q").value = state.q;
}

function applyLanguage() {
  const lang = state.lang;
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(lang, node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(lang, node.dataset.i18nPlaceholder);
  for (const node of document.querySelectorAll("[data-i18n-aria-label]")) node.setAttribute("aria-label", t(lang, node.dataset.i18nAriaLabel));
  const select = $("#lang");
  if (!select.options.length) {
    for (const code of LANGS) select.append(h("option", { value: code, lang: code }, ownName(code)));
  }
  select.value = lang;
  $("#home-link").href = `${location.pathname}${queryString({ ...emptySearch(), lang, open: null })}`;
  viewsNav(lang);
  updateTitle();
}

/** The browse pane's views: the case studies (and search), every flow, the statistics. */
function viewsNav(lang) {
  const current = state.view ?? "cases";
  const link = (view, key, patch) => h("li", {}, h("a", {
    href: hrefFor({ ...emptySearch(), ...patch }), "data-nav": "browse", "data-view": view,
    class: current === view ? "selected" : null, "aria-current": current === view ? "page" : null,
  }, t(lang, key)));
  fill($("#views"), h("ul", {},
    link("cases", "viewCases", { view: null }),
    link("flows", "viewFlows", { view: "flows", flows: emptyFlows() }),
    link("stats", "viewStats", { view: "stats", statsCountry: null })));
  $("#views").setAttribute("aria-label", t(lang, "views"));
}

let recordTitle = null;
function updateTitle() {
  const app = t(state.lang, "appTitle");
  document.title = recordTitle ? `${recordTitle} – ${app}` : state.q ? `${state.q} – ${app}` : app;
}

const emptySearch = () => ({ q: "", types: [], country: [], theme: [], tlang: [], yearFrom: null, yearTo: null, view: null });

// --- start page ------------------------------------------------------------------------

async function showHome() {
  const token = ++browseToken;
  const lang = state.lang;
  const body = $("#browse-body");
  $("#status").textContent = "";
  body.replaceChildren(h("p", { class: "loading" }, t(lang, "loading")));
  try {
    const [data, geo] = await Promise.all([homeFor(lang), countriesGeo().catch(() => null)]);
    if (token !== browseToken) return;
    showError(null);
    const cases = data.caseStudies.nodes;
    const points = cases.map((c) => ({
      key: `case-study:${c.slug}`,
      lat: c.location.latitude,
      lon: c.location.longitude,
      title: c.title,
      label: c.location.place,
      country: c.location.country,
    }));
    const map = renderMap(geo, points, {
      title: t(lang, "map"),
      hrefFor: (p) => hrefFor({ open: p.key }),
      onOpen: (p) => navigate({ open: p.key }, { focus: "record" }),
      activeKey: state.open,
    });
    map.querySelectorAll("a").forEach((a) => a.setAttribute("data-map", ""));
    const list = h("ul", { class: "cards" },
      cases.map((c) => h("li", { class: `card${state.open === `case-study:${c.slug}` ? " active" : ""}`, "data-key": `case-study:${c.slug}` },
        h("h3", {}, recordLink("case-study", c.slug, c.title, { lang: c.originalLang })),
        h("p", { class: "meta" },
          [c.location.place, countryName(lang, c.country)].filter(Boolean).join(", "),
          c.establishedYear ? ` · ${c.establishedYear}` : "",
          " · ",
          h("strong", {}, tn(lang, "flowsCount", c.flows.length))),
        c.summary ? h("p", { class: "summary", lang: c.summary.lang }, c.summary.text) : null)),
    );
    fill(body,
      h("h2", { id: "browse-heading", tabindex: "-1" }, t(lang, "caseStudies")),
      h("p", { class: "intro" }, t(lang, "caseStudiesIntro")),
      h("figure", { class: "map-wrap" }, map),
      list,
    );
  } catch (error) {
    if (token !== browseToken || error.name === "AbortError") return;
    body.replaceChildren();
    browseKey = null;
    showError(error, () => render());
  }
}

function markActivePoint() {
  for (const a of document.querySelectorAll(".map .point")) a.classList.toggle("active", a.dataset.key === state.open);
  for (const li of document.querySelectorAll(".cards .card")) li.classList.toggle("active", li.dataset.key === state.open);
}

// --- search ----------------------------------------------------------------------------

function searchVariables(s, after = null) {
  const filter = {};
  if (s.country.length) filter.country = s.country;
  if (s.theme.length) filter.theme = s.theme;
  if (s.tlang.length) filter.lang = s.tlang;
  if (s.yearFrom) filter.yearFrom = Number(s.yearFrom);
  if (s.yearTo) filter.yearTo = Number(s.yearTo);
  return {
    q: s.q,
    lang: s.lang,
    types: s.types.length ? s.types : null,
    filter: Object.keys(filter).length ? filter : null,
    after,
  };
}

async function runSearch() {
  const token = ++browseToken;
  const lang = state.lang;
  const body = $("#browse-body");
  body.setAttribute("aria-busy", "true");
  $("#status").textContent = t(lang, "loading");
  try {
    const [data, themes] = await Promise.all([
      gql(Q_SEARCH, searchVariables(state)),
      themesFor(lang).catch(() => new Map()),
    ]);
    if (token !== browseToken) return;
    showError(null);
    const results = data.search;
    const count = state.q
      ? tn(lang, "resultsFor", results.totalCount, { q: state.q })
      : tn(lang, "results", results.totalCount);
    $("#status").textContent = count;
    const list = h("ol", { class: "results" }, results.edges.map((e) => resultItem(lang, e.node)));
    const more = moreButton(lang, results.pageInfo, list);
    fill(body,
      h("h2", { id: "browse-heading", class: "visually-hidden", tabindex: "-1" }, count),
      typeTabs(lang, results.facets.type),
      activeFilters(lang, themes),
      h("div", { class: "result-tools" },
        collapsibleFilters(lang, filterCount(state), facetsView(lang, results.facets, themes), yearRangeForm(lang)),
        results.totalCount ? csvButton(lang, "downloadResults", exportSearch) : null),
      results.totalCount === 0 ? h("p", { class: "empty" }, t(lang, "noResults")) : list,
      more,
    );
  } catch (error) {
    if (token !== browseToken || error.name === "AbortError") return;
    $("#status").textContent = "";
    browseKey = null;
    showError(error, () => render());
  } finally {
    if (token === browseToken) body.removeAttribute("aria-busy");
  }
}

function moreButton(lang, pageInfo, list) {
  if (!pageInfo.hasNextPage) return null;
  const button = h("button", { type: "button", class: "more" }, t(lang, "loadMore"));
  let after = pageInfo.endCursor;
  button.addEventListener("click", async () => {
    button.disabled = true;
    const token = browseToken;
    try {
      const data = await gql(Q_SEARCH, searchVariables(state, after));
      if (token !== browseToken) return;
      const items = data.search.edges.map((e) => resultItem(lang, e.node));
      list.append(...items);
      items[0]?.querySelector("a")?.focus();
      after = data.search.pageInfo.endCursor;
      if (data.search.pageInfo.hasNextPage) button.disabled = false;
      else button.remove();
    } catch (error) {
      button.disabled = false;
      showError(error);
    }
  });
  return button;
}

function pickHighlights(lang, highlights) {
  const texts = highlights.filter((x) => x.field !== "name");
  const inLang = texts.filter((x) => x.lang === lang);
  if (inLang.length) return inLang.slice(0, 2);
  if (texts.length) return texts.slice(0, 1);
  return highlights.slice(0, 1);
}

function resultItem(lang, hit) {
  const e = hit.entity;
  const type = TYPE_OF[e.__typename];
  const enumType = type.toUpperCase().replace("-", "_");
  const name = e.title ?? (e.acronym && !e.name.includes(e.acronym) ? `${e.name} (${e.acronym})` : e.name);
  const meta = [label(lang, "type", enumType)];
  if (e.kind) meta.push(label(lang, type === "funder" ? "funderKind" : "actorKind", e.kind));
  if (e.country) meta.push(countryName(lang, e.country));
  if (e.establishedYear) meta.push(String(e.establishedYear));
  const fragments = pickHighlights(lang, hit.highlights).map((x) => {
    const p = h("p", { class: "fragment", lang: x.lang ?? null }, highlightNodes(x.fragment));
    if (x.lang && x.lang !== lang) p.prepend(h("span", { class: "frag-lang", lang }, `${langName(lang, x.lang)}: `));
    return p;
  });
  if (!fragments.length && e.summary) fragments.push(h("p", { class: "fragment", lang: e.summary.lang }, clip(e.summary.text, 220)));
  const key = `${type}:${e.slug}`;
  return h("li", { class: `hit${state.open === key ? " active" : ""}`, "data-key": key },
    h("h3", {}, recordLink(type, e.slug, name, { lang: e.originalLang ?? null })),
    h("p", { class: "meta" }, h("span", { class: `badge badge-${type}` }, meta[0]), meta.length > 1 ? ` ${meta.slice(1).join(" · ")}` : ""),
    fragments,
  );
}

// The entities the server's highlighter writes (tantivy's Snippet::to_html escapes with
// htmlescape's encode_minimal: & < > " '). Only these are decoded, in one pass, so "&amp;lt;"
// stays "&lt;" and anything else stays as it was sent.
const ESCAPED = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'" };
const unescapeHighlight = (text) => text.replace(/&(?:amp|lt|gt|quot|#x27);/g, (entity) => ESCAPED[entity]);

/**
 * A highlight fragment (HTML-escaped text with <mark>…</mark> around matches) rebuilt as text
 * nodes and <mark> elements. It is never parsed as HTML: only the literal <mark> and </mark>
 * tags become elements, and any other markup a server might send ends up as visible text.
 */
function highlightNodes(fragment) {
  const nodes = [];
  let mark = null;
  for (const part of String(fragment ?? "").split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>" && !mark) {
      mark = document.createElement("mark");
      nodes.push(mark);
    } else if (part === "</mark>" && mark) {
      mark = null;
    } else if (part) {
      const text = document.createTextNode(unescapeHighlight(part));
      if (mark) mark.append(text);
      else nodes.push(text);
    }
  }
  return nodes.filter((node) => node.nodeName !== "MARK" || node.hasChildNodes());
}

const clip = (s, n) => (s.length > n ? `${s.slice(0, n).replace(/\s+\S*$/, "")}…` : s);

const FACETS = [
  { name: "type", param: "types", label: (lang, v) => label(lang, "type", v.toUpperCase()), value: (v) => v.toUpperCase() },
  { name: "country", param: "country", label: (lang, v) => countryName(lang, v) },
  { name: "theme", param: "theme", label: (lang, v, themes) => themes.get(v) ?? v },
  { name: "lang", param: "tlang", label: (lang, v) => langName(lang, v) },
  {
    name: "year",
    label: (lang, v) => v,
    // A year is selected when the range is that one year; picking it sets the range to it.
    selected: (s) => (s.yearFrom && s.yearFrom === s.yearTo ? [s.yearFrom] : []),
    toggle: (s, v) => (s.yearFrom === v && s.yearTo === v ? { yearFrom: null, yearTo: null } : { yearFrom: v, yearTo: v }),
  },
];

function selectedValues(facet) {
  return facet.selected ? facet.selected(state) : state[facet.param];
}

function toggled(facet, value) {
  if (facet.toggle) return facet.toggle(state, value);
  const current = selectedValues(facet);
  return { [facet.param]: current.includes(value) ? current.filter((x) => x !== value) : [...current, value] };
}

// The record types as tabs, case studies first; "All" leaves the type open.
const TAB_TYPES = ["CASE_STUDY", "PROJECT", "ACTOR", "FUNDER"];

function typeTabs(lang, typeFacet) {
  const counts = new Map((typeFacet ?? []).map(({ value, count }) => [value.toUpperCase(), count]));
  const current = state.types.length === 1 ? state.types[0] : state.types.length ? null : "ALL";
  const tab = (value, text, count) => h("li", {}, h("a", {
    href: hrefFor({ types: value === "ALL" ? [] : [value] }),
    "data-nav": "browse",
    class: `tab${current === value ? " selected" : ""}`,
    "aria-current": current === value ? "page" : null,
    "data-facet": "type",
    "data-value": value,
  }, text, count != null ? h("span", { class: "count" }, ` ${fmtNumber(lang, count)}`) : null));
  return h("nav", { class: "tabs", "aria-label": t(lang, "facet_type") }, h("ul", {},
    tab("ALL", t(lang, "tabAll"), null),
    TAB_TYPES.map((type) => tab(type, label(lang, "typePlural", type), counts.get(type) ?? (current === "ALL" ? 0 : null)))));
}

/** How many filters (besides the type and the words) the search has. */
const filterCount = (s) => s.country.length + s.theme.length + s.tlang.length + (s.yearFrom || s.yearTo ? 1 : 0);

// Narrow screens show the filters behind a toggle, so that the first results come first;
// the toggle remembers being opened while the page lives.
let filtersOpen = false;

function collapsibleFilters(lang, active, ...content) {
  const panel = h("div", { id: "filters", class: `filters${filtersOpen ? " open" : ""}` }, ...content);
  const toggle = h("button", {
    type: "button", class: "filters-toggle", "aria-expanded": String(filtersOpen), "aria-controls": "filters",
    onclick: () => {
      filtersOpen = !filtersOpen;
      panel.classList.toggle("open", filtersOpen);
      toggle.setAttribute("aria-expanded", String(filtersOpen));
    },
  }, active ? t(lang, "filtersActive", { n: fmtNumber(lang, active) }) : t(lang, "filters"));
  return h("div", { class: "filter-area" }, toggle, panel);
}

function yearRangeText(lang, s) {
  if (s.yearFrom && s.yearTo) return s.yearFrom === s.yearTo ? s.yearFrom : `${s.yearFrom}–${s.yearTo}`;
  if (s.yearFrom) return t(lang, "yearSince", { year: s.yearFrom });
  if (s.yearTo) return t(lang, "yearUntil", { year: s.yearTo });
  return null;
}

/** From/to year inputs; applying them puts the range in the URL. */
function yearRangeForm(lang) {
  const input = (name, text) => h("label", {}, h("span", {}, text),
    h("input", { type: "number", name, min: "1800", max: "2100", step: "1", inputmode: "numeric", value: state[name] ?? "", class: "year" }));
  return h("form", {
    class: "year-range", role: "group", "aria-labelledby": "year-range-heading",
    onsubmit: (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const year = (name) => (YEAR.test(String(form.get(name)).trim()) ? String(form.get(name)).trim() : null);
      let [from, to] = [year("yearFrom"), year("yearTo")];
      if (from && to && Number(from) > Number(to)) [from, to] = [to, from];
      navigate({ yearFrom: from, yearTo: to });
    },
  },
  h("h3", { id: "year-range-heading" }, t(lang, "yearRange")),
  h("div", { class: "year-inputs" },
    input("yearFrom", t(lang, "yearFrom")),
    input("yearTo", t(lang, "yearTo")),
    h("button", { type: "submit" }, t(lang, "apply"))));
}

function facetsView(lang, facets, themes) {
  const groups = FACETS.filter((facet) => facet.name !== "type").map((facet) => {
    const values = [...(facets[facet.name] ?? [])];
    if (facet.name === "year") values.sort((a, b) => Number(b.value) - Number(a.value));
    const selected = selectedValues(facet);
    if (!values.length) return null;
    const headingId = `facet-${facet.name}`;
    return h("div", { class: "facet", role: "group", "aria-labelledby": headingId },
      h("h3", { id: headingId }, t(lang, `facet_${facet.name}`)),
      h("ul", {}, values.map(({ value, count }) => {
        const v = facet.value ? facet.value(value) : value;
        const pressed = selected.includes(v);
        const text = facet.label(lang, value, themes);
        return h("li", {},
          h("a", {
            href: hrefFor(toggled(facet, v)),
            "data-nav": "browse",
            class: `facet-value${pressed ? " selected" : ""}`,
            "aria-current": pressed ? "true" : null,
            "data-facet": facet.name,
            "data-value": v,
          }, h("span", { class: "facet-label" }, text), " ", h("span", { class: "count" }, fmtNumber(lang, count))));
      })));
  });
  return h("nav", { class: "facets", "aria-label": t(lang, "filters") }, groups);
}

function activeFilters(lang, themes) {
  const chips = [];
  for (const facet of FACETS) {
    for (const v of selectedValues(facet)) {
      const text = facet.label(lang, facet.name === "type" ? v.toLowerCase() : v, themes);
      chips.push(h("li", {},
        h("a", {
          href: hrefFor(toggled(facet, v)),
          "data-nav": "browse",
          class: "chip",
          "aria-label": t(lang, "removeFilter", { label: text }),
        }, text, h("span", { "aria-hidden": "true" }, " ×"))));
    }
  }
  const range = yearRangeText(lang, state);
  if (range && !(state.yearFrom && state.yearFrom === state.yearTo)) {
    chips.push(h("li", {}, h("a", {
      href: hrefFor({ yearFrom: null, yearTo: null }), "data-nav": "browse", class: "chip",
      "aria-label": t(lang, "removeFilter", { label: range }),
    }, range, h("span", { "aria-hidden": "true" }, " ×"))));
  }
  if (!chips.length) return null;
  if (chips.length > 1) {
    chips.push(h("li", {}, h("a", { href: hrefFor({ types: [], country: [], theme: [], tlang: [], yearFrom: null, yearTo: null }), "data-nav": "browse", class: "chip clear" }, t(lang, "clearFilters"))));
  }
  return h("ul", { class: "chips", "aria-label": t(lang, "filters") }, chips);
}

// --- flows page ------------------------------------------------------------------------

const FLOWS_PAGE = 20;

/** The API's ResourceFlowFilter for the flows page's state. */
function flowFilter(f) {
  const filter = {};
  if (f.category) filter.category = [f.category];
  if (f.resource) filter.resourceContains = f.resource;
  if (f.country) filter.country = [f.country];
  if (f.caseStudy) filter.caseStudy = [f.caseStudy];
  if (f.fromKind) filter.fromActorKind = [f.fromKind];
  if (f.toKind) filter.toActorKind = [f.toKind];
  if (f.status) filter.status = [f.status];
  if (f.quantity) filter.hasQuantity = f.quantity === "yes";
  return Object.keys(filter).length ? filter : null;
}

function flowVariables(s, page = s.flows) {
  const paging = page.before ? { last: FLOWS_PAGE, before: page.before } : { first: FLOWS_PAGE, after: page.after };
  return { filter: flowFilter(s.flows), lang: s.lang, ...paging };
}

/** A select of the flows page's filter form: "any" and then OPTIONS (`[value, text]`). */
function filterSelect(lang, name, text, options, selected) {
  return h("label", {}, h("span", {}, text),
    h("select", { name },
      h("option", { value: "" }, t(lang, "anyValue")),
      options.map(([value, words]) => h("option", { value, selected: value === selected }, words))));
}

function flowFilterForm(lang, cases) {
  const f = state.flows;
  const countries = [...new Set(cases.map((c) => c.country))].sort();
  const form = h("form", {
    class: "flow-filters",
    onsubmit: (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      const value = (name) => String(data.get(name) ?? "").trim() || null;
      navigate({ flows: { ...emptyFlows(), ...Object.fromEntries(FLOW_PARAMS.filter((k) => k !== "after" && k !== "before").map((k) => [k, value(k)])) } });
    },
  },
  h("label", {}, h("span", {}, t(lang, "resourceContains")), h("input", { type: "search", name: "resource", value: f.resource ?? "", maxlength: "200" })),
  filterSelect(lang, "category", t(lang, "category"), CATEGORIES.map((c) => [c, label(lang, "flowCategory", c)]), f.category),
  filterSelect(lang, "country", t(lang, "country"), countries.map((c) => [c, countryName(lang, c)]), f.country),
  filterSelect(lang, "caseStudy", t(lang, "caseStudy"), cases.map((c) => [c.slug, c.title]), f.caseStudy),
  filterSelect(lang, "fromKind", t(lang, "fromKind"), ACTOR_KINDS.map((k) => [k, label(lang, "actorKind", k)]), f.fromKind),
  filterSelect(lang, "toKind", t(lang, "toKind"), ACTOR_KINDS.map((k) => [k, label(lang, "actorKind", k)]), f.toKind),
  filterSelect(lang, "status", t(lang, "status"), FLOW_STATUSES.map((v) => [v, label(lang, "flowStatus", v)]), f.status),
  filterSelect(lang, "quantity", t(lang, "quantity"), [["yes", t(lang, "withQuantity")], ["no", t(lang, "withoutQuantity")]], f.quantity),
  h("p", { class: "form-actions" },
    h("button", { type: "submit" }, t(lang, "apply")),
    flowFilter(f) ? h("a", { href: hrefFor({ flows: emptyFlows() }), "data-nav": "browse" }, t(lang, "clearFilters")) : null));
  return form;
}

async function showFlows() {
  const token = ++browseToken;
  const lang = state.lang;
  const body = $("#browse-body");
  body.setAttribute("aria-busy", "true");
  $("#status").textContent = t(lang, "loading");
  try {
    const [data, home] = await Promise.all([gql(Q_FLOWS, flowVariables(state)), homeFor(lang)]);
    if (token !== browseToken) return;
    showError(null);
    const flows = data.resourceFlows;
    const count = tn(lang, "flowsCount", flows.totalCount);
    $("#status").textContent = count;
    const f = state.flows;
    const active = FLOW_PARAMS.filter((k) => k !== "after" && k !== "before" && f[k]).length;
    const page = flows.pageInfo;
    // Relay lets a server leave hasPreviousPage false when paging forwards (and hasNextPage
    // when paging back): a cursor we came through says there is a page on that side.
    const hasPrevious = page.hasPreviousPage || Boolean(f.after);
    const hasNext = page.hasNextPage || Boolean(f.before);
    const pager = h("nav", { class: "pager", "aria-label": t(lang, "pages") },
      hasPrevious ? h("a", { href: hrefFor({ flows: { ...f, after: null, before: page.startCursor } }), "data-nav": "browse", rel: "prev" }, `← ${t(lang, "previous")}`) : null,
      hasNext ? h("a", { href: hrefFor({ flows: { ...f, before: null, after: page.endCursor } }), "data-nav": "browse", rel: "next" }, `${t(lang, "next")} →`) : null);
    fill(body,
      h("h2", { id: "browse-heading", tabindex: "-1" }, t(lang, "flowsPage")),
      h("p", { class: "intro" }, t(lang, "flowsIntro")),
      collapsibleFilters(lang, active, flowFilterForm(lang, home.caseStudies.nodes)),
      flows.totalCount ? [
        csvButton(lang, "downloadFlows", () => exportFlows(lang)),
        flowsTable(lang, flows.nodes, { caseColumn: true }),
        pager,
      ] : h("p", { class: "empty" }, t(lang, "noFlowsFound")));
  } catch (error) {
    if (token !== browseToken || error.name === "AbortError") return;
    $("#status").textContent = "";
    browseKey = null;
    showError(error, () => render());
  } finally {
    if (token === browseToken) body.removeAttribute("aria-busy");
  }
}

/** Every flow the flows page's filter holds (up to EXPORT_LIMIT) as CSV. */
async function exportFlows(lang) {
  const rows = [];
  let after = null;
  do {
    const data = await gql(Q_FLOWS, { filter: flowFilter(state.flows), lang, first: 100, after });
    rows.push(...data.resourceFlows.nodes.map((f) => flowRow(f)));
    after = data.resourceFlows.pageInfo.hasNextPage ? data.resourceFlows.pageInfo.endCursor : null;
  } while (after && rows.length < EXPORT_LIMIT);
  return ["symbios-flows.csv", csvText(FLOW_HEADER(lang), rows.slice(0, EXPORT_LIMIT))];
}

// --- statistics --------------------------------------------------------------------------

/** A table of counts with a bar each (widths set through the CSSOM, which the CSP allows). */
function countTable(lang, caption, rows) {
  if (!rows.length) return null;
  const max = Math.max(...rows.map((r) => r.count), 1);
  return h("table", { class: "counts" },
    h("caption", {}, caption),
    h("tbody", {}, rows.map((r) => {
      const bar = h("span", { class: "bar", "aria-hidden": "true" });
      bar.style.inlineSize = `${Math.round((100 * r.count) / max)}%`;
      return h("tr", {}, h("th", { scope: "row" }, r.label), h("td", { class: "num" }, fmtNumber(lang, r.count)), h("td", { class: "bar-cell" }, bar));
    })));
}

async function showStats() {
  const token = ++browseToken;
  const lang = state.lang;
  const body = $("#browse-body");
  body.setAttribute("aria-busy", "true");
  $("#status").textContent = t(lang, "loading");
  try {
    const filter = state.statsCountry ? { country: [state.statsCountry] } : null;
    const [data, themes, home] = await Promise.all([
      gql(Q_STATS, { filter }),
      themesFor(lang).catch(() => new Map()),
      homeFor(lang),
    ]);
    if (token !== browseToken) return;
    showError(null);
    const st = data.statistics;
    $("#status").textContent = tn(lang, "caseStudiesCount", st.caseStudies);
    const countries = [...new Set(home.caseStudies.nodes.map((c) => c.country))].sort();
    const picker = h("form", {
      class: "stats-filter",
      onsubmit: (event) => {
        event.preventDefault();
        navigate({ statsCountry: String(new FormData(event.target).get("country") ?? "") || null });
      },
    }, filterSelect(lang, "country", t(lang, "country"), countries.map((c) => [c, countryName(lang, c)]), state.statsCountry),
    h("button", { type: "submit" }, t(lang, "apply")));
    fill(body,
      h("h2", { id: "browse-heading", tabindex: "-1" }, t(lang, "statsTitle")),
      h("p", { class: "intro" }, t(lang, "statsIntro")),
      picker,
      h("div", { class: "stats" },
        countTable(lang, t(lang, "byCountry"), st.caseStudiesByCountry.map((r) => ({ label: countryName(lang, r.value), count: r.count }))),
        countTable(lang, t(lang, "byStatus"), st.caseStudiesByStatus.map((r) => ({ label: label(lang, "caseStatus", r.value), count: r.count }))),
        countTable(lang, t(lang, "byTheme"), st.caseStudiesByTheme.map((r) => ({ label: themes.get(r.theme) ?? r.theme, count: r.count }))),
        countTable(lang, t(lang, "actorsByKind"), st.actorsByKind.map((r) => ({ label: label(lang, "actorKind", r.value), count: r.count }))),
        countTable(lang, t(lang, "flowsByCategory"), st.flowsByCategory.map((r) => ({ label: label(lang, "flowCategory", r.value), count: r.count })))),
      section(t(lang, "impactTotals"), st.impacts.length
        ? h("table", { class: "impact-totals" },
          h("thead", {}, h("tr", {}, [t(lang, "metricHeading"), t(lang, "total"), t(lang, "figures")].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, st.impacts.map((i) => h("tr", {},
            h("th", { scope: "row" }, label(lang, "metric", i.metric)),
            h("td", { class: "num" }, `${fmtNumber(lang, i.total)} ${i.unit}`),
            h("td", { class: "num" }, fmtNumber(lang, i.figures))))))
        : h("p", { class: "empty" }, t(lang, "noImpacts"))));
  } catch (error) {
    if (token !== browseToken || error.name === "AbortError") return;
    $("#status").textContent = "";
    browseKey = null;
    showError(error, () => render());
  } finally {
    if (token === browseToken) body.removeAttribute("aria-busy");
  }
}

// --- downloads -------------------------------------------------------------------------

/** A button that builds a CSV with MAKE (async, returns `[name, text]`) and offers it. */
function csvButton(lang, key, make) {
  const button = h("button", { type: "button", class: "download" }, t(lang, key));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const [name, text] = await make();
      downloadCsv(name, text);
    } catch (error) {
      if (error.name !== "AbortError") showError(error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** At most this many search results go into a CSV (ten pages of the largest size). */
const EXPORT_LIMIT = 1000;

const recordUrl = (type, slug) => new URL(`/?open=${encodeURIComponent(`${type}:${slug}`)}`, location.origin).href;

/** Every result of the current search (up to EXPORT_LIMIT) as CSV. */
async function exportSearch() {
  const lang = state.lang;
  const rows = [];
  let after = null;
  do {
    const data = await gql(Q_SEARCH_EXPORT, searchVariables(state, after));
    for (const { node } of data.search.edges) {
      const e = node.entity;
      const type = TYPE_OF[e.__typename];
      rows.push([
        type, e.title ?? e.name, e.acronym ?? "", e.slug, e.country ?? "", e.establishedYear ?? e.startDate?.slice(0, 4) ?? "",
        e.kind ?? "", e.summary?.text ?? "", node.score, recordUrl(type, e.slug),
      ]);
    }
    after = data.search.pageInfo.hasNextPage ? data.search.pageInfo.endCursor : null;
  } while (after && rows.length < EXPORT_LIMIT);
  const header = ["type", "name", "acronym", "slug", "country", "year", "kind", `summary_${lang}`, "score", "url"];
  return [`symbios-search${state.q ? `-${fileSlug(state.q)}` : ""}.csv`, csvText(header, rows.slice(0, EXPORT_LIMIT))];
}

const fileSlug = (text) => text.normalize("NFKD").replace(/[^\w-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).toLowerCase() || "all";

const FLOW_HEADER = (lang) => ["id", "case_study", `resource_${lang}`, "resource", "resource_lang", "category", "quantity", "unit", "year", "status", "from", "to"];

function flowRow(f, caseSlug) {
  return [
    f.id, f.caseStudy?.slug ?? caseSlug ?? "", f.resourceName?.text ?? f.resource, f.resource, f.resourceLang ?? "", f.category,
    f.quantity ?? "", f.unit ?? "", f.year ?? "", f.status, f.from?.name ?? "", f.to?.name ?? "",
  ];
}

/** A case study's flows (already loaded with the record) as CSV. */
function exportCaseFlows(lang, c) {
  return async () => [`symbios-flows-${c.slug}.csv`, csvText(FLOW_HEADER(lang), c.flows.map((f) => flowRow(f, c.slug)))];
}

// --- citation --------------------------------------------------------------------------

/** The sources of CASES (each with `sources`), each address once. */
function sourcesOf(cases) {
  const seen = new Set();
  return cases.flatMap((c) => c?.sources ?? []).filter((s) => !seen.has(s.url) && seen.add(s.url));
}

/** "Cite this record": APA and BibTeX of RECORD, each with a copy button. */
function citeSection(lang, record) {
  const options = { url: recordUrl(record.type, record.slug), today: new Date().toISOString(), site: t("en", "appSite") };
  const block = (name, text) => {
    const pre = h("pre", { class: "citation", "data-style": name, tabindex: "0" }, text);
    const said = h("span", { class: "copy-status", role: "status" });
    const copy = h("button", { type: "button", class: "copy" }, t(lang, "copy"));
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text);
        said.textContent = t(lang, "copied");
      } catch {
        // Without clipboard access: select the text for the reader to copy.
        getSelection()?.selectAllChildren(pre);
        said.textContent = t(lang, "copyFailed");
      }
    });
    return h("div", { class: "cite-block" }, h("h4", {}, name), pre, h("p", { class: "copy-row" }, copy, said));
  };
  return h("section", { class: "block cite" },
    h("h3", {}, t(lang, "cite")),
    record.sources.length ? null : h("p", { class: "sub" }, t(lang, "citeNoSources")),
    block("APA", apa(record, options)),
    block("BibTeX", bibtex(record, options)));
}

// --- network ---------------------------------------------------------------------------

function networkSection(lang, c) {
  const net = c.network;
  const flowLabel = (f) => f.resourceName?.text ?? "";
  const data = {
    nodes: net.nodes,
    edges: net.edges.map((f) => ({ ...f, label: flowLabel(f) })),
    openFlows: net.openFlows.map((f) => ({ ...f, label: flowLabel(f) })),
  };
  const description = t(lang, "networkDesc", { nodes: fmtNumber(lang, net.nodeCount), edges: fmtNumber(lang, net.edgeCount) });
  const width = $("#record")?.clientWidth ? $("#record").clientWidth - 36 : 600;
  const files = ["graphml", "gexf", "csv"].map((ext) => h("a", {
    href: `/export/network.${ext}?caseStudy=${encodeURIComponent(c.slug)}`, download: "", class: "file",
  }, ext === "csv" ? "CSV" : ext === "gexf" ? "GEXF" : "GraphML"));
  return section(t(lang, "network"),
    net.nodeCount ? h("figure", { class: "network-wrap" },
      renderNetwork(data, {
        width,
        title: t(lang, "networkTitle", { name: c.title }),
        description,
        kindLabel: (kind) => label(lang, "actorKind", kind),
        categoryLabel: (category) => label(lang, "flowCategory", category),
        nodeHref: (node) => hrefFor({ open: `actor:${node.slug}` }),
        onOpen: (node) => navigate({ open: `actor:${node.slug}` }, { focus: "record" }),
        openLabel: t(lang, "several"),
      }),
      h("figcaption", {}, description, renderLegend(data, (category) => label(lang, "flowCategory", category), t(lang, "legend"))))
      : h("p", { class: "empty" }, t(lang, "noNetwork")),
    h("p", { class: "files" }, `${t(lang, "networkFiles")}: `, files.flatMap((a, i) => (i ? [" · ", a] : [a]))));
}

// --- records ---------------------------------------------------------------------------

async function loadRecord(focus) {
  const token = ++recordToken;
  const pane = $("#record");
  const lang = state.lang;
  recordTitle = null;
  updateTitle();
  markActivePoint();
  for (const li of document.querySelectorAll(".results .hit")) li.classList.toggle("active", li.dataset.key === state.open);
  if (!state.open) {
    pane.classList.remove("open");
    pane.replaceChildren(h("p", { class: "placeholder" }, t(lang, "pickRecord")));
    return;
  }
  pane.classList.add("open");
  pane.setAttribute("aria-busy", "true");
  pane.replaceChildren(h("p", { class: "loading" }, t(lang, "loading")));
  const [type, slug] = state.open.split(":");
  const query = { "case-study": Q_CASE, project: Q_PROJECT, actor: Q_ACTOR, funder: Q_FUNDER }[type];
  const field = { "case-study": "caseStudy", project: "project", actor: "actor", funder: "funder" }[type];
  try {
    const data = await gql(query, { slug, lang });
    if (token !== recordToken) return;
    showError(null);
    const record = data[field];
    const content = !record
      ? [closeButton(lang), h("h2", { tabindex: "-1" }, t(lang, "notFound"))]
      : { "case-study": caseStudyView, project: projectView, actor: actorView, funder: funderView }[type](lang, record);
    fill(pane, content);
    recordTitle = record ? record.title ?? record.name : null;
    updateTitle();
    if (focus) pane.querySelector("h2")?.focus();
    if (focus && window.matchMedia("(max-width: 60rem)").matches) pane.scrollIntoView({ block: "start" });
  } catch (error) {
    if (token !== recordToken || error.name === "AbortError") return;
    pane.replaceChildren(closeButton(lang));
    recordKey = null;
    showError(error, () => render());
  } finally {
    if (token === recordToken) pane.removeAttribute("aria-busy");
  }
}

function closeButton(lang) {
  return h("a", { href: hrefFor({ open: null }), "data-nav": "browse", class: "close", "aria-label": t(lang, "close") },
    h("span", { "aria-hidden": "true" }, "×"), h("span", { class: "close-text" }, t(lang, "close")));
}

function header(lang, typeLabel, title, titleLang, metaItems) {
  return [
    closeButton(lang),
    h("p", { class: "kicker" }, typeLabel),
    h("h2", { tabindex: "-1", lang: titleLang ?? null }, title),
    metaItems.length ? h("dl", { class: "facts" }, metaItems.filter(Boolean).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])) : null,
  ];
}

function themesList(lang, themes) {
  if (!themes?.length) return null;
  return h("ul", { class: "tags", "aria-label": t(lang, "themes") },
    themes.map((th) => h("li", {}, h("a", { href: hrefFor({ ...emptySearch(), theme: [th.slug], open: state.open }), "data-nav": "browse" }, th.label?.text ?? th.slug))));
}

function caseStudyView(lang, c) {
  const loc = c.location;
  const place = [loc.place, loc.municipality, loc.region].filter(Boolean).filter((v, i, a) => a.indexOf(v) === i).join(", ");
  return [
    ...header(lang, label(lang, "type", "CASE_STUDY"), c.title, c.originalLang, [
      [t(lang, "place"), place],
      [t(lang, "country"), countryName(lang, c.country)],
      c.establishedYear ? [t(lang, "established"), String(c.establishedYear)] : null,
      [t(lang, "kind"), label(lang, "caseKind", c.kind)],
      [t(lang, "status"), label(lang, "caseStatus", c.status)],
    ]),
    c.summary ? localized(lang, c.summary, { className: "lead" }) : null,
    section(t(lang, "flows"), flowsTable(lang, c.flows),
      c.flows.length ? h("p", { class: "actions" },
        csvButton(lang, "downloadFlows", exportCaseFlows(lang, c)),
        h("a", { href: hrefFor({ view: "flows", flows: { ...emptyFlows(), caseStudy: c.slug } }), "data-nav": "browse" }, t(lang, "flowsPageLink"))) : null),
    networkSection(lang, c),
    c.impacts.length ? section(t(lang, "impacts"), impactsView(lang, c.impacts)) : null,
    section(t(lang, "actors"), h("ul", { class: "roles" },
      c.actors.map((r) => h("li", {},
        r.actor ? recordLink("actor", r.actor.slug, r.actor.name) : "–",
        h("span", { class: "role" }, label(lang, "caseRole", r.role)),
        r.actor ? h("span", { class: "sub" }, label(lang, "actorKind", r.actor.kind)) : null)))),
    c.body ? section(t(lang, "about"), localized(lang, c.body, { paragraphs: true })) : null,
    section(t(lang, "projects"), c.projects.length ? projectsWithFunding(lang, c.projects) : h("p", { class: "empty" }, t(lang, "noProjects"))),
    c.themes.length ? section(t(lang, "themes"), themesList(lang, c.themes)) : null,
    c.sources.length ? section(t(lang, "sources"), sourcesList(lang, c.sources)) : null,
    citeSection(lang, { type: "case-study", slug: c.slug, title: c.title, updatedAt: c.updatedAt, sources: c.sources }),
  ];
}

/** A flow's resource in the interface language when it has a name in it, else the original. */
function resourceCell(lang, f) {
  const name = f.resourceName ?? { text: f.resource, lang: f.resourceLang ?? "en", original: true };
  return h("span", { class: "resource", lang: name.lang }, name.text,
    name.lang !== lang ? h("span", { class: "sub", lang }, ` (${langName(lang, name.lang)})`) : null);
}

function flowsTable(lang, flows, { caseColumn = false } = {}) {
  if (!flows.length) return h("p", { class: "empty" }, t(lang, "noFlows"));
  const actor = (a) => (a ? recordLink("actor", a.slug, a.name) : h("span", { class: "sub" }, t(lang, "several")));
  // One language marker for the whole table when every description has the same one.
  const markers = flows.map((f) => langMarker(lang, f.description)?.textContent ?? "");
  const shared = markers.every((m) => m === markers[0]) ? markers[0] : null;
  const rowMarker = (f) => (shared === null && f.description ? langMarker(lang, f.description) : null);
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t(lang, "flows") },
    shared ? langMarker(lang, flows.find((f) => f.description)?.description) : null,
    h("table", { class: "flows" },
      h("caption", {}, t(lang, "flowsCaption")),
      h("thead", {}, h("tr", {},
        [t(lang, "resource"), t(lang, "status"), t(lang, "category"), t(lang, "quantity"), t(lang, "fromTo"), caseColumn ? t(lang, "caseStudy") : null]
          .filter(Boolean).map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, flows.map((f) => h("tr", { "data-id": f.id },
        h("th", { scope: "row" },
          resourceCell(lang, f),
          f.description ? h("span", { class: "flow-desc", lang: f.description.lang }, f.description.text) : null,
          rowMarker(f)),
        h("td", { class: "status", "data-label": t(lang, "status") }, label(lang, "flowStatus", f.status)),
        h("td", { "data-label": t(lang, "category") }, h("span", { class: `cat cat-${f.category.toLowerCase()}` }, label(lang, "flowCategory", f.category))),
        h("td", { class: "num", "data-label": t(lang, "quantity") }, f.quantity != null ? `${fmtNumber(lang, f.quantity)} ${f.unit ?? ""}`.trim() : "–",
          f.year ? h("span", { class: "sub" }, ` (${f.year})`) : null),
        h("td", { class: "fromto", "data-label": t(lang, "fromTo") }, actor(f.from), h("span", { "aria-hidden": "true" }, " → "), h("span", { class: "visually-hidden" }, " – "), actor(f.to)),
        caseColumn ? h("td", { "data-label": t(lang, "caseStudy") }, f.caseStudy ? recordLink("case-study", f.caseStudy.slug, f.caseStudy.title) : "–") : null)))));
}

function impactsView(lang, impacts) {
  return h("dl", { class: "impacts" }, impacts.map((i) => [
    h("dt", {}, label(lang, "metric", i.metric)),
    h("dd", {}, h("strong", {}, `${fmtNumber(lang, i.value)} ${i.unit}`),
      i.year ? ` (${i.year})` : "",
      i.note ? h("span", { class: "sub", lang: "en" }, ` – ${i.note}`) : null),
  ]));
}

function projectsWithFunding(lang, projects) {
  return h("ul", { class: "projects" }, projects.map((p) => h("li", {},
    recordLink("project", p.slug, p.acronym && !p.name.includes(p.acronym) ? `${p.name} (${p.acronym})` : p.name),
    h("span", { class: "sub" }, ` ${[label(lang, "projectStatus", p.status), period(lang, p.startDate, p.endDate)].filter(Boolean).join(" · ")}`),
    p.fundings.length ? h("ul", { class: "fundings", "aria-label": t(lang, "fundedBy") }, p.fundings.map((f) => fundingItem(lang, f, "funder"))) : null)));
}

function fundingItem(lang, f, side) {
  const who = side === "funder"
    ? (f.funder ? recordLink("funder", f.funder.slug, f.funder.name) : "–")
    : (f.project ? recordLink("project", f.project.slug, f.project.acronym ?? f.project.name) : "–");
  return h("li", {},
    side === "funder" ? `${t(lang, "fundedBy")}: ` : "",
    who,
    f.programme ? h("span", { class: "sub" }, ` · ${f.programme}`) : null,
    f.amount != null ? h("span", { class: "sub" }, ` · ${fmtMoney(lang, f.amount, f.currency)}`) : null,
    f.periodStart || f.periodEnd ? h("span", { class: "sub" }, ` · ${period(lang, f.periodStart, f.periodEnd)}`) : null);
}

function period(lang, start, end) {
  if (!start && !end) return "";
  return `${start ? fmtDate(lang, start) : "…"} – ${end ? fmtDate(lang, end) : "…"}`;
}

function sourcesList(lang, sources) {
  return h("ul", { class: "sources" }, sources.map((s) => h("li", {},
    h("a", { href: safeUrl(s.url), rel: "noopener noreferrer", target: "_blank" }, s.title),
    s.accessed ? h("span", { class: "sub" }, ` (${t(lang, "read", { date: fmtDate(lang, s.accessed) })})`) : null)));
}

/** Only http(s) links leave the page. */
function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : "#";
  } catch {
    return "#";
  }
}

function websiteLink(url) {
  if (!url) return null;
  return h("a", { href: safeUrl(url), rel: "noopener noreferrer", target: "_blank" }, url.replace(/^https?:\/\//, "").replace(/\/$/, ""));
}

// The head of an actor's or a funder's page: name, kind, country, website, the funder or
// actor the same organisation also is (`other`, of type `otherType` at `otherPath`), and
// the description.
function organisationHead(lang, o, type, kinds, other, otherType, otherPath) {
  return [
    ...header(lang, label(lang, "type", type), o.name, null, [
      [t(lang, "kind"), label(lang, kinds, o.kind)],
      [t(lang, "country"), countryName(lang, o.country)],
      o.website ? [t(lang, "website"), websiteLink(o.website)] : null,
      other ? [label(lang, "type", otherType), recordLink(otherPath, other.slug, other.name)] : null,
    ]),
    o.description ? localized(lang, o.description, { className: "lead", paragraphs: true }) : null,
  ];
}

function actorView(lang, a) {
  return [
    ...organisationHead(lang, a, "ACTOR", "actorKind", a.funder, "FUNDER", "funder"),
    a.caseStudies.length ? section(t(lang, "caseStudies"), h("ul", { class: "roles" }, a.caseStudies.map((r) => h("li", {},
      r.caseStudy ? recordLink("case-study", r.caseStudy.slug, r.caseStudy.title) : "–",
      h("span", { class: "role" }, label(lang, "caseRole", r.role)))))) : null,
    a.flowsOut.length || a.flowsIn.length ? section(t(lang, "flows"), h("ul", { class: "roles" },
      a.flowsOut.map((f) => h("li", {}, resourceCell(lang, f), " → ", f.to ? recordLink("actor", f.to.slug, f.to.name) : t(lang, "several"),
        h("span", { class: "role" }, label(lang, "flowCategory", f.category)))),
      a.flowsIn.map((f) => h("li", {}, f.from ? recordLink("actor", f.from.slug, f.from.name) : "–", " → ", resourceCell(lang, f),
        h("span", { class: "role" }, label(lang, "flowCategory", f.category)))))) : null,
    a.projects.length ? section(label(lang, "type", "PROJECT"), h("ul", { class: "roles" }, a.projects.map((r) => h("li", {},
      r.project ? recordLink("project", r.project.slug, r.project.acronym && !r.project.name.includes(r.project.acronym) ? `${r.project.name} (${r.project.acronym})` : r.project.name) : "–",
      h("span", { class: "role" }, label(lang, "partRole", r.role)))))) : null,
    a.identifiers.length ? section(t(lang, "identifiers"), h("table", { class: "ids" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t(lang, "scheme")), h("th", { scope: "col" }, t(lang, "value")))),
      h("tbody", {}, a.identifiers.map((i) => h("tr", {}, h("td", {}, h("code", {}, i.scheme)), h("td", {}, h("code", {}, i.value))))))) : null,
    citeSection(lang, { type: "actor", slug: a.slug, title: a.name, updatedAt: a.updatedAt, sources: sourcesOf(a.caseStudies.map((r) => r.caseStudy)) }),
  ];
}

function projectView(lang, p) {
  return [
    ...header(lang, label(lang, "type", "PROJECT"), p.name, p.originalLang, [
      p.acronym ? [t(lang, "acronym"), p.acronym] : null,
      [t(lang, "status"), label(lang, "projectStatus", p.status)],
      p.startDate || p.endDate ? [t(lang, "period"), period(lang, p.startDate, p.endDate)] : null,
      p.website ? [t(lang, "website"), websiteLink(p.website)] : null,
    ]),
    themesList(lang, p.themes),
    p.summary ? localized(lang, p.summary, { className: "lead", paragraphs: true }) : null,
    p.caseStudies.length ? section(t(lang, "caseStudies"), h("ul", { class: "roles" }, p.caseStudies.map((c) => h("li", {},
      recordLink("case-study", c.slug, c.title), h("span", { class: "sub" }, ` ${countryName(lang, c.country)}`))))) : null,
    p.fundings.length ? section(t(lang, "fundings"), h("ul", { class: "fundings" }, p.fundings.map((f) => fundingItem(lang, f, "funder")))) : null,
    p.participants.length ? section(t(lang, "participants"), h("ul", { class: "roles" }, p.participants.map((r) => h("li", {},
      r.actor ? recordLink("actor", r.actor.slug, r.actor.name) : "–",
      h("span", { class: "role" }, label(lang, "partRole", r.role)),
      r.actor ? h("span", { class: "sub" }, countryName(lang, r.actor.country)) : null)))) : null,
    citeSection(lang, { type: "project", slug: p.slug, title: p.acronym && !p.name.includes(p.acronym) ? `${p.name} (${p.acronym})` : p.name, updatedAt: p.updatedAt, sources: sourcesOf(p.caseStudies) }),
  ];
}

function funderView(lang, f) {
  return [
    ...organisationHead(lang, f, "FUNDER", "funderKind", f.actor, "ACTOR", "actor"),
    f.fundings.length ? section(t(lang, "fundedProjects"), h("ul", { class: "fundings" }, f.fundings.map((x) => fundingItem(lang, x, "project")))) : null,
  ];
}

// ---------------------------------------------------------------------------------------
// Search box with suggestions (ARIA 1.2 combobox)

function setupSearchBox() {
  const input = $("#q");
  const list = $("#suggestions");
  let items = [];
  let active = -1;
  let timer = null;
  let controller = null;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };
  const highlight = (i) => {
    active = i;
    for (const [j, li] of [...list.children].entries()) li.setAttribute("aria-selected", String(j === i));
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", list.children[i].id);
      list.children[i].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  };
  const choose = (i) => {
    const s = items[i];
    close();
    if (!s) return;
    const type = TYPE_OF[s.entity.__typename];
    navigate({ open: `${type}:${s.entity.slug}` }, { focus: "record" });
  };
  const suggest = async () => {
    const prefix = input.value.trim();
    controller?.abort();
    if (prefix.length < 2) return close();
    controller = new AbortController();
    try {
      const data = await gql(Q_SUGGEST, { prefix, lang: state.lang }, { signal: controller.signal });
      if (input.value.trim() !== prefix || document.activeElement !== input) return;
      items = data.suggest;
      if (!items.length) return close();
      list.replaceChildren(...items.map((s, i) => {
        const type = TYPE_OF[s.entity.__typename];
        return h("li", {
          id: `suggestion-${i}`, role: "option", "aria-selected": "false",
          onmousedown: (event) => event.preventDefault(), // keep the focus in the input
          onclick: () => choose(i),
        }, h("span", { class: "s-text" }, s.text), h("span", { class: `badge badge-${type}` }, label(state.lang, "type", type.toUpperCase().replace("-", "_"))));
      }));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    } catch (error) {
      if (error.name !== "AbortError") close(); // suggestions are a nicety: stay quiet
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
  input.addEventListener("keydown", (event) => {
    const open = !list.hidden && items.length > 0;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) suggest();
      else highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        close();
      }
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
  $("#search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    controller?.abort();
    close();
    navigate({ q: input.value.trim(), view: null }, { focus: null });
  });
}

// ---------------------------------------------------------------------------------------
// Start

setupSearchBox();
$("#lang").addEventListener("change", (event) => navigate({ lang: event.target.value }));
$("#home-link").addEventListener("click", (event) => {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate({ ...emptySearch(), open: null }, { focus: "browse" });
});
history.replaceState(null, "", queryString(state));
render();
