#!/usr/bin/env python3
"""The peers' generated dataset (../shared/peers/gen_data.py N -> data/nN/*.ndjson) in the
import format of `symbios import` (README, "The import format"), so the scaling curve loads
it the way an operator would.

    python3 bench/peers_to_import.py ../shared/peers/data/n10000 > /tmp/n10000.ndjson

Ids are UUID v5 of the peers' text ids (relations: of "parent:child"), in the same
namespace as api/examples/load_peers.rs; slugs are the peers' ids; language `no` is `nb`.
Streams line by line, so 1,000,000 case studies need no more memory than 10,000.
"""

import json
import sys
import uuid
from pathlib import Path

NAMESPACE = uuid.UUID("9e1c44a0-3b7d-4f2e-8c55-6d1a0b9fe372")

ACTOR_KINDS = {
    "municipality": "MUNICIPALITY", "region": "REGION", "university": "UNIVERSITY",
    "research_institute": "RESEARCH_INSTITUTE", "cluster": "CLUSTER", "ngo": "NGO",
    "consultancy": "CONSULTANCY", "agency": "AGENCY", "person": "PERSON",
}
FUNDER_KINDS = {
    "eu": "EU_FUND", "nordic": "EU_FUND", "national_agency": "NATIONAL_AGENCY",
    "regional": "REGION", "municipal": "MUNICIPALITY", "foundation": "FOUNDATION",
}
PROJECT_STATUSES = {"planned": "PLANNED", "completed": "COMPLETED"}
CASE_ROLES = {
    "supplier": "SUPPLIER", "receiver": "RECEIVER", "operator": "OPERATOR",
    "facilitator": "FACILITATOR", "researcher": "RESEARCHER",
}
PARTICIPATION_ROLES = {
    "lead": "LEAD", "co_financer": "CO_FINANCER", "steering_group": "STEERING_GROUP",
    "researcher": "RESEARCH",
}
FLOW_CATEGORIES = {
    "energy": "ENERGY", "water": "WATER", "material": "MATERIAL", "by_product": "BY_PRODUCT",
    "nutrient": "NUTRIENT",
}


def uid(text):
    return str(uuid.uuid5(NAMESPACE, text))


def lang(row):
    value = row.get("lang") or "en"
    return "nb" if value == "no" else value


def texts(row, key):
    value = row.get(key)
    return [{"lang": lang(row), "text": value}] if value else []


def rows(folder, table):
    with open(folder / f"{table}.ndjson", encoding="utf-8") as file:
        for line in file:
            yield json.loads(line)


def records(folder):
    for row in rows(folder, "actor"):
        yield "Actor", uid(row["id"]), {
            "slug": row["id"], "name": row["name"],
            "kind": ACTOR_KINDS.get(row.get("kind"), "COMPANY"),
            "country": row["country"], "originalLang": lang(row),
            "website": row.get("website"), "description": texts(row, "description"),
        }
    for row in rows(folder, "funder"):
        yield "Funder", uid(row["id"]), {
            "slug": row["id"], "name": row["name"],
            "kind": FUNDER_KINDS.get(row.get("kind"), "PRIVATE"),
            "country": row["country"], "originalLang": "en",
        }
    for row in rows(folder, "project"):
        yield "Project", uid(row["id"]), {
            "slug": row["id"], "name": row["name"], "acronym": row.get("acronym"),
            "status": PROJECT_STATUSES.get(row.get("status"), "ONGOING"),
            "startDate": row.get("start_date"), "endDate": row.get("end_date"),
            "originalLang": lang(row), "summary": texts(row, "summary"),
        }
    for row in rows(folder, "case_study"):
        yield "CaseStudy", uid(row["id"]), {
            "slug": row["id"], "title": row["title"], "kind": "INDUSTRIAL_SYMBIOSIS_NETWORK",
            "place": row.get("location") or "unknown", "country": row["country"],
            "latitude": row.get("lat"), "longitude": row.get("lon"),
            "establishedYear": row.get("established_year"), "status": "ACTIVE",
            "originalLang": lang(row), "summary": texts(row, "summary"),
            "body": texts(row, "body"),
        }
    for row in rows(folder, "participation"):
        yield "Participation", uid(f"{row['project_id']}:{row['actor_id']}"), {
            "projectId": uid(row["project_id"]), "actorId": uid(row["actor_id"]),
            "role": PARTICIPATION_ROLES.get(row.get("role"), "PARTNER"),
        }
    for row in rows(folder, "funding"):
        amount = row.get("amount")
        yield "Funding", uid(f"{row['project_id']}:{row['funder_id']}"), {
            "funderId": uid(row["funder_id"]), "projectId": uid(row["project_id"]),
            "programme": row.get("programme"),
            "amount": float(amount) if amount is not None else None,
            "currency": row.get("currency"),
        }
    for row in rows(folder, "case_study_actor"):
        yield "CaseStudyActor", uid(f"{row['case_study_id']}:{row['actor_id']}"), {
            "caseStudyId": uid(row["case_study_id"]), "actorId": uid(row["actor_id"]),
            "role": CASE_ROLES.get(row.get("role"), "PARTNER"),
        }
    for row in rows(folder, "resource_flow"):
        yield "ResourceFlow", uid(row["id"]), {
            "caseStudyId": uid(row["case_study_id"]), "fromActorId": uid(row["from_actor_id"]),
            "toActorId": uid(row["to_actor_id"]) if row.get("to_actor_id") else None,
            "resource": row["resource"],
            "category": FLOW_CATEGORIES.get(row.get("category"), "MATERIAL"),
            "quantity": row.get("quantity"), "unit": row.get("unit"),
            "status": "ACTIVE", "originalLang": "en",
        }


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: peers_to_import.py PEERS_DATA_FOLDER > import.ndjson")
    out = sys.stdout
    for kind, record_id, record in records(Path(sys.argv[1])):
        out.write(json.dumps({"type": kind, "id": record_id, "record": record},
                             ensure_ascii=False, separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
