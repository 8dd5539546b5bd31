"""Records as JSON-LD, read by a JSON-LD processor (pyld) into the expected triples.

Usage: python test_jsonld.py BASE_URL (a running `symbios serve` with the bundled data).
For each record in RECORDS: `GET /records/{id}.jsonld` is expanded and turned into N-Quads by
pyld (with a document loader that refuses to fetch anything: the context must be inline),
and the triples must be exactly those of `expected/NAME.nq`, written by hand from the
bundled dataset. In the expected files `{base}` stands for BASE_URL, `#` starts a comment,
and a literal whose text ends in `…` matches every literal that starts with the text before
it (under the same subject, predicate and language); each expected line matches one triple.
"""

import json
import pathlib
import sys
import urllib.request

from pyld import jsonld

EXPECTED = pathlib.Path(__file__).parent / "expected"

# name of the expected file → record id in the bundled dataset
RECORDS = {
    "kalundborg-symbiosis": "ea1bc47d-b932-5f7e-80a3-619118003bcf",
    "novo-nordisk": "0ece03a0-a457-59dc-a10b-068f1a17e994",
    "smice": "a292609a-3f6c-5385-9436-0d9d78afc487",
}

ELLIPSIS = "…"


def no_remote_documents(url, options=None):
    raise jsonld.JsonLdError(
        "the document must not need a remote context: " + url,
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def fetch(base, record_id):
    url = "%s/records/%s.jsonld" % (base, record_id)
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, (url, response.status)
        media_type = response.headers.get("content-type")
        assert media_type == "application/ld+json", (url, media_type)
        return json.load(response)


def triples(document):
    options = {"format": "application/n-quads", "documentLoader": no_remote_documents}
    # Expanding first fails on anything a processor cannot read (a bad context, a value of
    # the wrong shape), before any triple is compared.
    expanded = jsonld.expand(document, {"documentLoader": no_remote_documents})
    assert expanded, "the document expands to nothing"
    nquads = jsonld.to_rdf(document, options)
    return [line for line in nquads.splitlines() if line.strip()]


def expected_lines(name, base):
    lines = []
    for line in (EXPECTED / (name + ".nq")).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lines.append(line.replace("{base}", base))
    return lines


def matches(pattern, line):
    """Whether `line` is `pattern`, or starts as it does up to its `…"` and ends the same."""
    if ELLIPSIS + '"' not in pattern:
        return pattern == line
    head, tail = pattern.split(ELLIPSIS + '"', 1)
    tail = '"' + tail
    return line.startswith(head) and line.endswith(tail) and len(line) > len(head) + len(tail)


def check(base, name, record_id):
    actual = triples(fetch(base, record_id))
    assert not any(" _:" in line or line.startswith("_:") for line in actual), (
        name + ": blank nodes (every node should have an IRI)"
    )
    unmatched = list(actual)
    missing = []
    for pattern in expected_lines(name, base):
        found = next((line for line in unmatched if matches(pattern, line)), None)
        if found is None:
            missing.append(pattern)
        else:
            unmatched.remove(found)
    problems = ["missing: " + line for line in missing]
    problems += ["unexpected: " + line for line in unmatched]
    assert not problems, name + ":\n" + "\n".join(problems)
    return len(actual)


def main():
    base = sys.argv[1].rstrip("/")
    for name, record_id in RECORDS.items():
        count = check(base, name, record_id)
        print("ok: %s, %d triples" % (name, count))


if __name__ == "__main__":
    main()
