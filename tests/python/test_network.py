"""The network downloads parse with NetworkX and hold the graph GraphQL's `network` gives.

Usage: python test_network.py BASE_URL (a running `symbios serve` with the bundled data).
Checks, for every case study and for all of them: GraphML and GEXF parse, node and edge
counts equal `network`'s `nodeCount` and `edgeCount`, node ids and edge ends are the same
actors, attributes are typed; the CSV has the documented columns and one row per node,
edge and open flow.
"""

import csv
import io
import json
import sys
import urllib.parse
import urllib.request

import networkx as nx

CSV_COLUMNS = [
    "record", "id", "slug", "name", "kind", "country", "source", "target", "resource",
    "resource_lang", "category", "quantity", "unit", "year", "status", "case_study",
]


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers, response.read()


def graphql(base, query):
    request = urllib.request.Request(
        base + "/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.load(response)
    assert "errors" not in body, body
    return body["data"]


NETWORK = "nodeCount edgeCount nodes { id } edges { from { id } to { id } } openFlows { id }"


def check(base, slug):
    if slug is None:
        network = graphql(base, "{ network { %s } }" % NETWORK)["network"]
        query = ""
    else:
        network = graphql(
            base, '{ caseStudy(slug: "%s") { network { %s } } }' % (slug, NETWORK)
        )["caseStudy"]["network"]
        query = "?" + urllib.parse.urlencode({"caseStudy": slug})
    node_ids = sorted(node["id"] for node in network["nodes"])
    edge_ends = sorted((edge["from"]["id"], edge["to"]["id"]) for edge in network["edges"])
    for extension, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        status, headers, body = get(f"{base}/export/network.{extension}{query}")
        assert status == 200, status
        assert "attachment" in headers["content-disposition"], headers
        graph = read(io.BytesIO(body))
        assert graph.is_directed(), extension
        assert graph.number_of_nodes() == network["nodeCount"], (extension, slug)
        assert graph.number_of_edges() == network["edgeCount"], (extension, slug)
        assert sorted(graph.nodes) == node_ids, (extension, slug)
        assert sorted((u, v) for u, v, *_ in graph.edges) == edge_ends, (extension, slug)
        for _, _, attributes in graph.edges(data=True):
            assert isinstance(attributes.get("resource"), str), attributes
            quantity = attributes.get("quantity")
            assert quantity is None or isinstance(quantity, float), attributes
        for _, attributes in graph.nodes(data=True):
            assert attributes.get("label"), attributes
    status, headers, body = get(f"{base}/export/network.csv{query}")
    assert status == 200 and headers["content-type"].startswith("text/csv"), headers
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    header = next(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert header == CSV_COLUMNS, header
    counts = {kind: sum(row["record"] == kind for row in rows) for kind in ("node", "edge", "open_flow")}
    expected = {
        "node": network["nodeCount"],
        "edge": network["edgeCount"],
        "open_flow": len(network["openFlows"]),
    }
    assert counts == expected, (slug, counts, expected)
    return network["nodeCount"], network["edgeCount"]


def main():
    base = sys.argv[1].rstrip("/")
    slugs = [
        edge["node"]["slug"]
        for edge in graphql(base, "{ caseStudies(first: 100) { edges { node { slug } } } }")[
            "caseStudies"
        ]["edges"]
    ]
    assert slugs, "the bundled case studies are there"
    for slug in slugs + [None]:
        nodes, edges = check(base, slug)
        print(f"network {slug or '(all)'}: {nodes} nodes, {edges} edges: GraphML, GEXF and CSV agree")
    assert edges > 0, "the bundled flows make edges"


if __name__ == "__main__":
    main()
