// "Cite this record": APA (7th edition, for a page in an online database without an author)
// and BibTeX for a case study, a project or an actor, each followed by the sources the record
// is based on. Citations follow the styles' English conventions whatever the interface
// language, as reference managers and journals expect. Pure functions: text in, text out.

const TYPE_WORDS = { "case-study": "Case study", project: "Project", actor: "Organisation" };

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** `2026-12-06` (or a date-time) as "December 6, 2026"; null when it is not a date. */
function longDate(value) {
  const date = value ? new Date(String(value).length === 10 ? `${value}T00:00:00Z` : value) : null;
  if (!date || Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(date);
}

function isoDay(value) {
  const date = value ? new Date(String(value).length === 10 ? `${value}T00:00:00Z` : value) : null;
  return !date || Number.isNaN(date.getTime()) ? null : date.toISOString().slice(0, 10);
}

const endWithPeriod = (text) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** One APA reference of a web page: title, date, site, "Retrieved …, from" URL. */
function apaReference({ title, kind, date, site, url, retrieved }) {
  const what = kind ? `${title} [${kind}]` : title;
  const day = date ? `(${date.replace(/^(\w+) (\d+), (\d+)$/, "$3, $1 $2")})` : "(n.d.)";
  const where = site ? ` In ${endWithPeriod(site)}` : "";
  const from = retrieved ? ` Retrieved ${retrieved}, from ${url}` : ` ${url}`;
  return `${endWithPeriod(what)} ${day}.${where}${from}`;
}

/**
 * The APA citation of RECORD (`{ type, slug, title, updatedAt, sources: [{ url, title,
 * accessed }] }`) at URL, read on TODAY, with SITE as the database's name.
 */
export function apa(record, { url, today, site }) {
  const own = apaReference({
    title: record.title,
    kind: TYPE_WORDS[record.type],
    date: longDate(record.updatedAt),
    site,
    url,
    retrieved: longDate(today),
  });
  const sources = record.sources.map((s) => apaReference({ title: s.title, url: s.url, retrieved: longDate(s.accessed) }));
  return sources.length ? [own, "", "Sources:", ...sources].join("\n") : own;
}

/** Text for a BibTeX field: the characters TeX treats specially, escaped. */
export function bibEscape(text) {
  return String(text).replace(/[\\{}%&$#_^~]/g, (c) => ({
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "^": "\\^{}", "~": "\\~{}",
  })[c] ?? `\\${c}`);
}

/** A URL for a BibTeX field: braces (which would end the field) percent-encoded. */
const bibUrl = (url) => String(url).replace(/\{/g, "%7B").replace(/\}/g, "%7D").replace(/\s/g, "%20");

const bibKey = (text) => String(text).toLowerCase().replace(/[^a-z0-9:_-]+/g, "-").replace(/^-+|-+$/g, "");

function bibEntry(key, fields) {
  const lines = Object.entries(fields)
    .filter(([, value]) => value != null && value !== "")
    .map(([name, value]) => `  ${name} = ${value}`);
  return `@misc{${key},\n${lines.join(",\n")}\n}`;
}

/** The BibTeX entries of RECORD (see `apa`): its own `@misc`, then one per source. */
export function bibtex(record, { url, today, site }) {
  const key = bibKey(`symbios-${record.type}-${record.slug}`);
  const updated = isoDay(record.updatedAt);
  const sourceKeys = record.sources.map((_, i) => `${key}-source-${i + 1}`);
  const own = bibEntry(key, {
    title: `{{${bibEscape(record.title)}}}`,
    howpublished: `{${bibEscape(`${TYPE_WORDS[record.type]} in ${site}`)}}`,
    year: updated ? `{${updated.slice(0, 4)}}` : null,
    month: updated ? MONTHS[Number(updated.slice(5, 7)) - 1] : null,
    url: `{${bibUrl(url)}}`,
    urldate: isoDay(today) ? `{${isoDay(today)}}` : null,
    note: sourceKeys.length ? `{Based on the sources ${sourceKeys.map((k) => `\\cite{${k}}`).join(", ")}}` : null,
  });
  const sources = record.sources.map((s, i) => bibEntry(sourceKeys[i], {
    title: `{{${bibEscape(s.title)}}}`,
    url: `{${bibUrl(s.url)}}`,
    urldate: isoDay(s.accessed) ? `{${isoDay(s.accessed)}}` : null,
  }));
  return [own, ...sources].join("\n\n");
}
