//! The network of some flows (see [`crate::resource_flow::network`]) as a file: GraphML and
//! GEXF 1.3 (what Gephi, NetworkX and igraph read), with typed attributes, and CSV (one table
//! whose `record` column says whether a row is a `node`, an `edge`, or an `open_flow`: a flow
//! without a single receiving actor, which has no edge in a graph). XML is written with
//! `quick-xml`, which escapes every text and attribute.

use std::collections::HashMap;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use symbios_entity::{actor, resource_flow};
use uuid::Uuid;

use crate::Error;
use crate::case_study::CaseStudies;
use crate::csv_cell::guard;
use crate::direct_read::SelectAll;
use crate::record;
use crate::resource_flow::{Filter, Network, network};

/// A file format of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// GraphML 1.0.
    GraphMl,
    /// GEXF 1.3.
    Gexf,
    /// CSV: nodes, edges and open flows in one table.
    Csv,
}

impl Format {
    /// The file name extension, which also names the format in URLs and on the command line.
    pub fn extension(self) -> &'static str {
        match self {
            Format::GraphMl => "graphml",
            Format::Gexf => "gexf",
            Format::Csv => "csv",
        }
    }

    /// The media type of the file.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::GraphMl => "application/graphml+xml; charset=utf-8",
            Format::Gexf => "application/gexf+xml; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8; header=present",
        }
    }

    /// The format an extension names.
    pub fn from_extension(extension: &str) -> Option<Self> {
        [Format::GraphMl, Format::Gexf, Format::Csv]
            .into_iter()
            .find(|format| format.extension() == extension)
    }
}

/// A network with what its files say of each flow besides its row: its case study's slug.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// The actors and flows.
    pub network: Network,
    /// The slug of each flow's case study, by case-study id.
    pub case_study_slugs: HashMap<Uuid, String>,
}

impl Graph {
    /// The flows with a receiving actor: the graph's edges.
    pub fn edges(&self) -> impl Iterator<Item = (&resource_flow::Model, Uuid)> {
        self.network
            .edges
            .iter()
            .filter_map(|flow| flow.to_actor_id.map(|to| (flow, to)))
    }

    fn case_study(&self, flow: &resource_flow::Model) -> &str {
        self.case_study_slugs
            .get(&flow.case_study_id)
            .map_or("", String::as_str)
    }
}

/// The network of the flows `filter` (checked) holds, with their case studies' slugs.
pub async fn load(db: &impl SelectAll, filter: &Filter) -> Result<Graph, Error> {
    let network = network(db, filter).await?;
    let mut ids: Vec<Uuid> = network
        .edges
        .iter()
        .map(|flow| flow.case_study_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let case_study_slugs = record::load_many::<CaseStudies>(db, &ids)
        .await?
        .into_iter()
        .map(|(id, row)| (id, row.slug))
        .collect();
    Ok(Graph {
        network,
        case_study_slugs,
    })
}

/// The type of an attribute, as GraphML and GEXF name it.
#[derive(Debug, Clone, Copy)]
enum Type {
    Text,
    Double,
    Int,
}

/// An attribute of nodes or edges: its name and type.
type Attribute = (&'static str, Type);

const NODE_ATTRIBUTES: &[Attribute] = &[
    ("label", Type::Text),
    ("slug", Type::Text),
    ("kind", Type::Text),
    ("country", Type::Text),
];

const EDGE_ATTRIBUTES: &[Attribute] = &[
    ("resource", Type::Text),
    ("resource_lang", Type::Text),
    ("category", Type::Text),
    ("quantity", Type::Double),
    ("unit", Type::Text),
    ("year", Type::Int),
    ("status", Type::Text),
    ("case_study", Type::Text),
];

/// A node's attribute values, in the order of [`NODE_ATTRIBUTES`].
fn node_values(node: &actor::Model) -> [Option<String>; 4] {
    [
        Some(node.name.clone()),
        Some(node.slug.clone()),
        Some(vocabulary(&node.kind)),
        Some(node.country.clone()),
    ]
}

/// A flow's attribute values, in the order of [`EDGE_ATTRIBUTES`].
fn edge_values(graph: &Graph, flow: &resource_flow::Model) -> [Option<String>; 8] {
    [
        Some(flow.resource.clone()),
        Some(flow.resource_lang.clone()),
        Some(vocabulary(&flow.category)),
        flow.quantity.map(|quantity| quantity.to_string()),
        flow.unit.clone(),
        flow.year.map(|year| year.to_string()),
        Some(vocabulary(&flow.status)),
        Some(graph.case_study(flow).to_owned()),
    ]
}

/// A vocabulary value as GraphQL names it (`BY_PRODUCT`).
fn vocabulary<T: sea_orm::ActiveEnum<Value = String>>(value: &T) -> String {
    value.to_value().to_ascii_uppercase()
}

/// The network written in `format`.
pub fn write(graph: &Graph, format: Format) -> Result<Vec<u8>, Error> {
    let written = match format {
        Format::GraphMl => graphml(graph),
        Format::Gexf => gexf(graph),
        Format::Csv => return csv(graph),
    };
    written.map_err(|error| Error::internal("write the network as XML", error))
}

type XmlWriter = Writer<Vec<u8>>;
type XmlResult = std::io::Result<()>;

fn start(writer: &mut XmlWriter, name: &str, attributes: &[(&str, &str)]) -> XmlResult {
    let element = BytesStart::new(name).with_attributes(attributes.iter().copied());
    writer.write_event(Event::Start(element))
}

fn empty(writer: &mut XmlWriter, name: &str, attributes: &[(&str, &str)]) -> XmlResult {
    let element = BytesStart::new(name).with_attributes(attributes.iter().copied());
    writer.write_event(Event::Empty(element))
}

fn end(writer: &mut XmlWriter, name: &str) -> XmlResult {
    writer.write_event(Event::End(BytesEnd::new(name)))
}

fn text_element(
    writer: &mut XmlWriter,
    name: &str,
    attributes: &[(&str, &str)],
    text: &str,
) -> XmlResult {
    start(writer, name, attributes)?;
    writer.write_event(Event::Text(BytesText::new(text)))?;
    end(writer, name)
}

/// A node or an edge.
#[derive(Debug, Clone, Copy)]
enum Element {
    Node,
    Edge,
}

/// The XML format being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    GraphMl,
    Gexf,
}

impl Dialect {
    /// GEXF labels nodes and edges in their own `label` and groups them in `<nodes>` and
    /// `<edges>`; GraphML keeps the label as data.
    fn is_gexf(self) -> bool {
        self == Dialect::Gexf
    }

    /// The node attributes written as values: GEXF's label is not one of them.
    fn node_attributes(self) -> &'static [Attribute] {
        let skipped = usize::from(self.is_gexf());
        NODE_ATTRIBUTES.get(skipped..).unwrap_or_default()
    }

    /// Writes the values of one node or edge.
    fn values(
        self,
        writer: &mut XmlWriter,
        element: Element,
        attributes: &[Attribute],
        values: &[Option<String>],
    ) -> XmlResult {
        match self {
            Dialect::GraphMl => graphml_data(writer, element, attributes, values),
            Dialect::Gexf => gexf_values(writer, element, attributes, values),
        }
    }
}

/// Writes every node and every edge in `dialect`.
fn write_elements(writer: &mut XmlWriter, graph: &Graph, dialect: Dialect) -> XmlResult {
    let gexf = dialect.is_gexf();
    let node_attributes = dialect.node_attributes();
    let skipped = NODE_ATTRIBUTES.len() - node_attributes.len();
    if gexf {
        start(writer, "nodes", &[])?;
    }
    for node in &graph.network.nodes {
        start_node(writer, node, gexf)?;
        let values = node_values(node);
        let values = values.get(skipped..).unwrap_or_default();
        dialect.values(writer, Element::Node, node_attributes, values)?;
        end(writer, "node")?;
    }
    if gexf {
        end(writer, "nodes")?;
        start(writer, "edges", &[])?;
    }
    for (flow, to) in graph.edges() {
        start_edge(writer, flow, to, gexf)?;
        dialect.values(
            writer,
            Element::Edge,
            EDGE_ATTRIBUTES,
            &edge_values(graph, flow),
        )?;
        end(writer, "edge")?;
    }
    if gexf {
        end(writer, "edges")?;
    }
    Ok(())
}

/// Opens a node's element: its id, and (GEXF) its label.
fn start_node(writer: &mut XmlWriter, node: &actor::Model, labelled: bool) -> XmlResult {
    let id = node.id.to_string();
    let mut attributes = vec![("id", id.as_str())];
    if labelled {
        attributes.push(("label", node.name.as_str()));
    }
    start(writer, "node", &attributes)
}

/// Opens the element of the edge of `flow` to `to`: its id and ends, and (GEXF) its label.
fn start_edge(
    writer: &mut XmlWriter,
    flow: &resource_flow::Model,
    to: Uuid,
    labelled: bool,
) -> XmlResult {
    let (id, from, to) = (
        flow.id.to_string(),
        flow.from_actor_id.to_string(),
        to.to_string(),
    );
    let mut attributes = vec![
        ("id", id.as_str()),
        ("source", from.as_str()),
        ("target", to.as_str()),
    ];
    if labelled {
        attributes.push(("label", flow.resource.as_str()));
    }
    start(writer, "edge", &attributes)
}

fn xml_writer() -> std::io::Result<XmlWriter> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    Ok(writer)
}

fn graphml(graph: &Graph) -> std::io::Result<Vec<u8>> {
    let mut writer = xml_writer()?;
    start(
        &mut writer,
        "graphml",
        &[
            ("xmlns", "http://graphml.graphdrawing.org/xmlns"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
            ),
        ],
    )?;
    let graphml_type = |kind: Type| match kind {
        Type::Text => "string",
        Type::Double => "double",
        Type::Int => "int",
    };
    for (target, prefix, attributes) in [
        ("node", "n_", NODE_ATTRIBUTES),
        ("edge", "e_", EDGE_ATTRIBUTES),
    ] {
        for (name, kind) in attributes {
            let id = format!("{prefix}{name}");
            empty(
                &mut writer,
                "key",
                &[
                    ("id", &id),
                    ("for", target),
                    ("attr.name", name),
                    ("attr.type", graphml_type(*kind)),
                ],
            )?;
        }
    }
    start(
        &mut writer,
        "graph",
        &[("id", "symbios"), ("edgedefault", "directed")],
    )?;
    write_elements(&mut writer, graph, Dialect::GraphMl)?;
    end(&mut writer, "graph")?;
    end(&mut writer, "graphml")?;
    Ok(writer.into_inner())
}

fn graphml_data(
    writer: &mut XmlWriter,
    element: Element,
    attributes: &[Attribute],
    values: &[Option<String>],
) -> XmlResult {
    let prefix = match element {
        Element::Node => "n_",
        Element::Edge => "e_",
    };
    for ((name, _), value) in attributes.iter().zip(values) {
        if let Some(value) = value {
            text_element(
                writer,
                "data",
                &[("key", &format!("{prefix}{name}"))],
                value,
            )?;
        }
    }
    Ok(())
}

fn gexf(graph: &Graph) -> std::io::Result<Vec<u8>> {
    let mut writer = xml_writer()?;
    start(
        &mut writer,
        "gexf",
        &[
            ("xmlns", "http://gexf.net/1.3"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
            ),
            ("version", "1.3"),
        ],
    )?;
    start(&mut writer, "meta", &[])?;
    text_element(&mut writer, "creator", &[], "Symbios")?;
    text_element(
        &mut writer,
        "description",
        &[],
        "Resource flows (edges) between actors (nodes) of industrial-symbiosis case studies",
    )?;
    end(&mut writer, "meta")?;
    start(
        &mut writer,
        "graph",
        &[("defaultedgetype", "directed"), ("mode", "static")],
    )?;
    let gexf_type = |kind: Type| match kind {
        Type::Text => "string",
        Type::Double => "double",
        Type::Int => "integer",
    };
    let node_attributes = Dialect::Gexf.node_attributes();
    for (class, attributes) in [("node", node_attributes), ("edge", EDGE_ATTRIBUTES)] {
        start(&mut writer, "attributes", &[("class", class)])?;
        for (name, kind) in attributes {
            empty(
                &mut writer,
                "attribute",
                &[("id", name), ("title", name), ("type", gexf_type(*kind))],
            )?;
        }
        end(&mut writer, "attributes")?;
    }
    write_elements(&mut writer, graph, Dialect::Gexf)?;
    end(&mut writer, "graph")?;
    end(&mut writer, "gexf")?;
    Ok(writer.into_inner())
}

fn gexf_values(
    writer: &mut XmlWriter,
    _element: Element,
    attributes: &[Attribute],
    values: &[Option<String>],
) -> XmlResult {
    start(writer, "attvalues", &[])?;
    for ((name, _), value) in attributes.iter().zip(values) {
        if let Some(value) = value {
            empty(writer, "attvalue", &[("for", name), ("value", value)])?;
        }
    }
    end(writer, "attvalues")
}

/// The columns of the CSV export.
pub const CSV_COLUMNS: &[&str] = &[
    "record",
    "id",
    "slug",
    "name",
    "kind",
    "country",
    "source",
    "target",
    "resource",
    "resource_lang",
    "category",
    "quantity",
    "unit",
    "year",
    "status",
    "case_study",
];

fn csv(graph: &Graph) -> Result<Vec<u8>, Error> {
    let failed = |error: csv::Error| Error::internal("write the network as CSV", error);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS).map_err(failed)?;
    for node in &graph.network.nodes {
        let [name, slug, kind, country] = node_values(node).map(Option::unwrap_or_default);
        let id = node.id.to_string();
        let row = ["node", &id, &slug, &name, &kind, &country];
        writer
            .write_record(
                row.iter()
                    .copied()
                    .chain([""; 10])
                    .map(|cell| guard(cell).into_owned()),
            )
            .map_err(failed)?;
    }
    for flow in &graph.network.edges {
        let record = if flow.to_actor_id.is_some() {
            "edge"
        } else {
            "open_flow"
        };
        let (id, from) = (flow.id.to_string(), flow.from_actor_id.to_string());
        let to = flow
            .to_actor_id
            .map(|to| to.to_string())
            .unwrap_or_default();
        let values = edge_values(graph, flow).map(Option::unwrap_or_default);
        let row = [record, &id, "", "", "", "", &from, &to];
        writer
            .write_record(
                row.iter()
                    .copied()
                    .chain(values.iter().map(String::as_str))
                    .map(|cell| guard(cell).into_owned()),
            )
            .map_err(failed)?;
    }
    writer.flush().map_err(|error| failed(error.into()))?;
    writer
        .into_inner()
        .map_err(|error| Error::internal("write the network as CSV", error.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_through_their_extensions() {
        for format in [Format::GraphMl, Format::Gexf, Format::Csv] {
            assert_eq!(Format::from_extension(format.extension()), Some(format));
        }
        assert_eq!(Format::from_extension("json"), None);
    }

    #[test]
    fn an_empty_network_is_a_valid_file() {
        let graph = Graph::default();
        let graphml = write(&graph, Format::GraphMl).map(String::from_utf8);
        assert!(matches!(graphml, Ok(Ok(text)) if text.contains("<graph id=\"symbios\"")));
        let csv = write(&graph, Format::Csv).map(String::from_utf8);
        assert!(matches!(csv, Ok(Ok(text)) if text.starts_with("record,id,slug")));
    }
}
