// CSV files made in the page (search results, a case study's flows): RFC 4180 (CRLF line
// ends, a field with a comma, a quote or a line break in double quotes, quotes doubled),
// UTF-8 with a byte-order mark so that spreadsheet programs read the Nordic letters right.
// Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
// return: OWASP's "CSV injection") is prefixed with an apostrophe; numbers stay numbers.

const FORMULA = /^[=+\-@\t\r]/;

/** One field, quoted when it has to be, formula-guarded when it is text. */
export function csvField(value) {
  if (value == null) return "";
  let text = String(value);
  if (typeof value !== "number" && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole file: a header row and then one row per record, each an array of fields. */
export function csvText(header, rows) {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** Offers TEXT as a download called NAME (made in the page: no request leaves it). */
export function downloadCsv(name, text) {
  const url = URL.createObjectURL(new Blob(["\uFEFF", text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click's download started; free it a bit later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
