// The explorer's pure text formats, without a browser: CSV fields (RFC 4180 and the formula
// guard), BibTeX escaping, and the APA and BibTeX citations of a record with sources.
import { test } from "node:test";
import assert from "node:assert/strict";
import { csvField, csvText } from "../csv.js";
import { apa, bibtex, bibEscape } from "../cite.js";
import { wrapLabel } from "../network.js";

test("CSV fields are quoted when they must be and guarded against formulas", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField('say "hi", then go'), '"say ""hi"", then go"');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField(null), "");
  assert.equal(csvField(undefined), "");
  for (const formula of ["=1+2", "+41 22", "-2+3", "@SUM(A1)", "\tx"]) assert.equal(csvField(formula), `'${formula}`);
  assert.equal(csvField("\rx"), '"\'\rx"', "guarded, then quoted for its line break");
  assert.equal(csvField("=HYPERLINK(\"x\")"), '"\'=HYPERLINK(""x"")"');
  assert.equal(csvField(-5), "-5", "numbers are not text");
  assert.equal(csvField(175000), "175000");
  assert.equal(csvText(["a", "b"], [["1", "x,y"], ["2", ""]]), 'a,b\r\n1,"x,y"\r\n2,\r\n');
});

const record = {
  type: "case-study",
  slug: "kalundborg-symbiosis",
  title: "Kalundborg Symbiose",
  updatedAt: "2026-11-02T08:00:00Z",
  sources: [
    { url: "https://example.org/a?x={1}", title: "50 % more & {braces} #1_$", accessed: "2026-01-15" },
    { url: "https://example.org/b", title: "Undated", accessed: null },
  ],
};
const options = { url: "https://symbios.example/?open=case-study%3Akalundborg-symbiosis", today: "2026-12-06", site: "Symbios knowledge base" };

test("APA: the record, then its sources", () => {
  assert.equal(apa(record, options), [
    "Kalundborg Symbiose [Case study]. (2026, November 2). In Symbios knowledge base. Retrieved December 6, 2026, from https://symbios.example/?open=case-study%3Akalundborg-symbiosis",
    "",
    "Sources:",
    "50 % more & {braces} #1_$. (n.d.). Retrieved January 15, 2026, from https://example.org/a?x={1}",
    "Undated. (n.d.). https://example.org/b",
  ].join("\n"));
  assert.doesNotMatch(apa({ ...record, sources: [] }, options), /Sources/);
});

test("BibTeX: escaped fields, an entry per source", () => {
  assert.equal(bibEscape("50 % & {x} #1_$ ^ ~ \\"), "50 \\% \\& \\{x\\} \\#1\\_\\$ \\^{} \\~{} \\textbackslash{}");
  const text = bibtex(record, options);
  assert.equal(text, [
    "@misc{symbios-case-study-kalundborg-symbiosis,",
    "  title = {{Kalundborg Symbiose}},",
    "  howpublished = {Case study in Symbios knowledge base},",
    "  year = {2026},",
    "  month = nov,",
    "  url = {https://symbios.example/?open=case-study%3Akalundborg-symbiosis},",
    "  urldate = {2026-12-06},",
    "  note = {Based on the sources \\cite{symbios-case-study-kalundborg-symbiosis-source-1}, \\cite{symbios-case-study-kalundborg-symbiosis-source-2}}",
    "}",
    "",
    "@misc{symbios-case-study-kalundborg-symbiosis-source-1,",
    "  title = {{50 \\% more \\& \\{braces\\} \\#1\\_\\$}},",
    "  url = {https://example.org/a?x=%7B1%7D},",
    "  urldate = {2026-01-15}",
    "}",
    "",
    "@misc{symbios-case-study-kalundborg-symbiosis-source-2,",
    "  title = {{Undated}},",
    "  url = {https://example.org/b}",
    "}",
  ].join("\n"));
});

test("network labels wrap on two lines at most", () => {
  assert.deepEqual(wrapLabel("Novo Nordisk", 12), ["Novo Nordisk"]);
  assert.deepEqual(wrapLabel("Ørsted Asnæs Power Station", 12), ["Ørsted Asnæs", "Power Stati…"]);
  assert.deepEqual(wrapLabel("Kalundborg Forsyning", 9), ["Kalundbo…", "Forsyning"]);
});
