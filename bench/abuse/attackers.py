#!/usr/bin/env python3
"""Attackers for bench/abuse.sh: every attack class of issue 15, sent in a loop.

    attackers.py PORT SECONDS [THREADS=3] [SLOW_CONNECTIONS=200]

Each attacker thread cycles through the classes, each request from another client address
(X-Forwarded-For through the trusted loopback proxy: a botnet, so the per-address limit does
not do the defending), or from one of ABUSE_ADDRESSES addresses when that is set. One more thread holds SLOW_CONNECTIONS connections that send a request
body a byte every two seconds. ABUSE_PARTNER_KEY (a partner key for scheme ABUSE) adds the
concurrent-writes class. Prints one line per class: requests, statuses, error codes, and
transport failures; exits 1 when any answer was a 5xx or INTERNAL, or a connection failed
other than the slow ones.
"""

import collections
import http.client
import json
import os
import random
import socket
import sys
import threading
import time
import urllib.parse

PORT = int(sys.argv[1])
SECONDS = float(sys.argv[2])
THREADS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
SLOW = int(sys.argv[4]) if len(sys.argv) > 4 else 200
PARTNER_KEY = os.environ.get("ABUSE_PARTNER_KEY")
DEADLINE = time.monotonic() + SECONDS


def nested(open_, close, depth):
    return "{ search(query: " + open_ * depth + '"a"' + close * depth + ") { totalCount } }"


def fragment_bomb(operation, type_name, fan_out, levels, leaf):
    parts = [operation]
    for level in range(levels):
        spreads = f"...F{level + 1} " * fan_out
        parts.append(f"fragment F{level} on {type_name} {{ {spreads}}}")
    parts.append(f"fragment F{levels} on {type_name} {{ {leaf} }}")
    return " ".join(parts)


def post(query, variables=None, headers=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    return ("POST", "/graphql", body, headers or {})


def get(query):
    return ("GET", "/graphql?" + urllib.parse.urlencode({"query": query}), None, {})


COUNTRY_LIST = "query($q: [String!]) { search(query: \"\", filter: { country: $q }) { totalCount } }"
CLASSES = {
    "nested lists (3.2 kB POST)": lambda: post(nested("[", "]", 1600)),
    "nested lists (9.7 kB GET)": lambda: get(nested("[", "]", 4800)),
    "nested input objects": lambda: post(nested("{a:", "}", 2400)),
    "fragments 4 x 14": lambda: post(fragment_bomb("query{...F0}", "Query", 4, 14, "themes{slug}")),
    "fragments 10 x 10": lambda: post(fragment_bomb("query{...F0}", "Query", 10, 10, "themes{slug}")),
    "fragments on CaseStudy": lambda: post(
        fragment_bomb("query{caseStudies{edges{node{...F0}}}}", "CaseStudy", 10, 10, "title")),
    "100,000 list items": lambda: post(COUNTRY_LIST, {"q": ["SE"] * 100_000}),
    "list over the bind limit": lambda: post(
        "query($c: [String!]) { caseStudies(filter: { country: $c }) { totalCount } }",
        {"c": ["SE"] * 40_000}),
    "tokens behind #\\r": lambda: post("#\r{ " + "themes { slug } " * 24_000 + "}"),
    "NUL byte in a filter": lambda: post(
        'query($n: String) { actors(filter: { nameContains: $n }) { totalCount } }', {"n": "a\u0000b"}),
    "random bearer tokens": lambda: post(
        "{ themes { slug } }", headers={"Authorization": f"Bearer symbios_{random.getrandbits(128):032x}"}),
}
if PARTNER_KEY:
    STORM_KEY = [0]

    def idempotency_storm():
        # Sixteen calls in a row share a key and its payload, as a client's retries would.
        with lock:
            STORM_KEY[0] += 1
            round_ = STORM_KEY[0] // 16
        item = {"externalId": f"abuse-{round_}", "name": f"Abuse AS {round_}", "kind": "COMPANY",
                "country": "NO", "originalLang": "nb"}
        return post(
            "mutation($items: [ActorUpsert!]!, $key: String) { upsertActors(scheme: \"ABUSE\", items: $items, "
            "idempotencyKey: $key) { created updated unchanged rejected } }",
            {"items": [item], "key": f"storm-{round_}"},
            {"Authorization": f"Bearer {PARTNER_KEY}"})

    CLASSES["same idempotency key, concurrent"] = idempotency_storm

results = collections.defaultdict(collections.Counter)
lock = threading.Lock()


def record(name, outcome):
    with lock:
        results[name][outcome] += 1


# ABUSE_ADDRESSES=N: the attackers come from N addresses (the per-address limit applies);
# unset, every request comes from another address (a botnet: the limit does nothing).
ADDRESSES = int(os.environ.get("ABUSE_ADDRESSES", "0"))


def random_address():
    if ADDRESSES > 0:
        number = random.randrange(ADDRESSES)
        return f"198.18.{number // 256}.{number % 256}"
    return f"198.18.{random.randrange(256)}.{random.randrange(256)}"


# Fixed payloads are built once: the attackers share the server's two cores, and a megabyte
# of JSON built per request would measure Python, not the server.
PREPARED = {name: make() for name, make in CLASSES.items()}
VARYING = {"random bearer tokens", "same idempotency key, concurrent"}


def attacker():
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    names = list(CLASSES)
    turn = random.randrange(len(names))
    while time.monotonic() < DEADLINE:
        turn += 1
        name = names[turn % len(names)]
        method, path, body, headers = CLASSES[name]() if name in VARYING else PREPARED[name]
        headers = dict(headers, **{
            "Content-Type": "application/json",
            "Accept": "application/graphql-response+json",
            "X-Forwarded-For": random_address(),
        })
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            try:
                code = json.loads(raw)["errors"][0]["extensions"]["code"]
            except (ValueError, KeyError, IndexError, TypeError):
                code = "-"
            record(name, f"{response.status} {code}")
            if response.getheader("connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            record(name, f"transport {type(error).__name__}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)


def slow_bodies():
    """Holds SLOW connections, each sending a 1,000-byte body a byte every two seconds."""
    open_sockets = []
    head = ("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: 1000\r\n\r\n").encode()
    while time.monotonic() < DEADLINE:
        while len(open_sockets) < SLOW:
            try:
                sock = socket.create_connection(("127.0.0.1", PORT), timeout=5)
                sock.sendall(head)
                sock.setblocking(False)
                open_sockets.append(sock)
                record("slow bodies", "opened")
            except OSError as error:
                record("slow bodies", f"open failed {type(error).__name__}")
                break
        still_open = []
        for sock in open_sockets:
            try:
                answer = sock.recv(4096)
                if answer:
                    status = answer.split(b" ", 2)[1].decode(errors="replace")
                    record("slow bodies", f"answered {status}")
                    sock.close()
                    continue
                record("slow bodies", "closed by server")
                sock.close()
                continue
            except BlockingIOError:
                pass
            except OSError:
                record("slow bodies", "reset by server")
                sock.close()
                continue
            try:
                sock.send(b" ")
                still_open.append(sock)
            except OSError:
                record("slow bodies", "reset by server")
                sock.close()
        open_sockets = still_open
        time.sleep(2)
    for sock in open_sockets:
        sock.close()


threads = [threading.Thread(target=attacker) for _ in range(THREADS)]
if SLOW > 0:
    threads.append(threading.Thread(target=slow_bodies))
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()

times = os.times()
print(f"attackers: {times.user + times.system:.1f} s of CPU in {SECONDS:.0f} s")
failed = False
for name, outcomes in sorted(results.items()):
    total = sum(outcomes.values())
    shown = ", ".join(f"{outcome}: {count}" for outcome, count in outcomes.most_common())
    print(f"attack: {name}: {total} ({shown})")
    for outcome in outcomes:
        if name != "slow bodies" and (outcome.startswith("5") or "INTERNAL" in outcome
                                      or outcome.startswith("transport")):
            failed = True
sys.exit(1 if failed else 0)
