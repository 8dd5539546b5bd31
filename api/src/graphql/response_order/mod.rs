//! Writes a response's fields in the order the document selected them.
//!
//! The GraphQL specification (§7.2.2, "Serialized Map Ordering") orders result fields as
//! `CollectFields` meets them in the selection set. async-graphql 7 resolves an object's
//! fields concurrently and inserts each into the result map when it *finishes*, so a field
//! waiting on a loader lands after the plain ones, differently from run to run. Rather than
//! fork the executor, the answer is written through [`Ordered`], which walks the selection
//! order ([`SelectionOrder`]) and looks each key up in the result: no copy of the tree, one
//! hash lookup per written key.
//!
//! The order is built from a document that has passed validation (so its fragments are
//! acyclic and its expanded size is within the complexity limit) and only when the request
//! produced data. Under an interface or union field the order is built for each object type
//! the field may be ([`types::SchemaTypes`]), with the fragments that apply to that type, and
//! each object is written in the order whose keys it has.

mod types;

use std::collections::HashSet;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

pub use types::{SCHEMA_TYPES, SchemaTypes};

/// The response keys of one selection set in selection order, each with the shape of its
/// value.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SelectionOrder {
    fields: Vec<(Name, Shape)>,
}

/// What is selected of a field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// A scalar or enum: written as it is.
    Leaf,
    /// An object type's fields.
    Object(SelectionOrder),
    /// An interface or union: one order per distinct order its object types give.
    Abstract(Vec<SelectionOrder>),
}

impl SelectionOrder {
    /// The order of the operation `operation_name` names in `document` (the only one when no
    /// name is given), or `None` when there is no such operation.
    pub fn of_operation(
        types: &SchemaTypes,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
    ) -> Option<Self> {
        let operation = match (&document.operations, operation_name) {
            (DocumentOperations::Single(operation), _) => operation,
            (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name)?,
            (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
                operations.values().next()?
            }
            (DocumentOperations::Multiple(_), None) => return None,
        };
        let root = Name::new(match operation.node.ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        });
        let collector = Collector { document, types };
        Some(collector.order(&[&operation.node.selection_set], &root, None))
    }

    /// `value` to be written in this order.
    pub fn apply<'a>(&'a self, value: &'a Value) -> Ordered<'a> {
        Ordered {
            value,
            shape: ShapeRef::Object(self),
        }
    }

    fn has_key(&self, key: &Name) -> bool {
        self.fields.iter().any(|(selected, _)| selected == key)
    }
}

/// Collects fields as `CollectFields` does, merging the selection sets of every field that
/// shares a response key.
struct Collector<'a> {
    document: &'a ExecutableDocument,
    types: &'a SchemaTypes,
}

impl<'a> Collector<'a> {
    /// The order of `sets` on an object of type `object`; `only_for` keeps only the fragments
    /// that apply to that object type (under an interface or union field).
    fn order(
        &self,
        sets: &[&'a Positioned<SelectionSet>],
        object: &Name,
        only_for: Option<&Name>,
    ) -> SelectionOrder {
        let mut keys: IndexMap<Name, (Name, Vec<&'a Positioned<SelectionSet>>)> = IndexMap::new();
        let mut visited_fragments: HashSet<&'a str> = HashSet::new();
        for set in sets {
            self.gather(set, only_for, &mut keys, &mut visited_fragments);
        }
        SelectionOrder {
            fields: keys
                .into_iter()
                .map(|(key, (field, children))| {
                    let shape = self.shape(&children, self.types.field_type(object, &field));
                    (key, shape)
                })
                .collect(),
        }
    }

    /// The shape of a field of type `field_type` (unknown: treated as an object type) whose
    /// merged selection is `sets`.
    fn shape(&self, sets: &[&'a Positioned<SelectionSet>], field_type: Option<&Name>) -> Shape {
        if sets.is_empty() {
            return Shape::Leaf;
        }
        let Some(field_type) = field_type else {
            return Shape::Object(self.order(sets, &Name::new(""), None));
        };
        match self.types.possible_types(field_type) {
            None => Shape::Object(self.order(sets, field_type, None)),
            Some(members) => {
                let mut orders: Vec<SelectionOrder> = Vec::new();
                for member in members {
                    let order = self.order(sets, member, Some(member));
                    if !orders.contains(&order) {
                        orders.push(order);
                    }
                }
                Shape::Abstract(orders)
            }
        }
    }

    /// Adds the response keys of `set`, and of the fragments it spreads (each fragment once,
    /// as `CollectFields` visits it), to `keys`.
    fn gather(
        &self,
        set: &'a Positioned<SelectionSet>,
        only_for: Option<&Name>,
        keys: &mut IndexMap<Name, (Name, Vec<&'a Positioned<SelectionSet>>)>,
        visited_fragments: &mut HashSet<&'a str>,
    ) {
        let applies = |condition: Option<&Name>| match (condition, only_for) {
            (Some(condition), Some(object)) => self.types.applies(condition, object),
            _ => true,
        };
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => {
                    let (_, children) = keys
                        .entry(field.node.response_key().node.clone())
                        .or_insert_with(|| (field.node.name.node.clone(), Vec::new()));
                    if !field.node.selection_set.node.items.is_empty() {
                        children.push(&field.node.selection_set);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue;
                    };
                    if applies(Some(&fragment.node.type_condition.node.on.node))
                        && visited_fragments.insert(name)
                    {
                        self.gather(
                            &fragment.node.selection_set,
                            only_for,
                            keys,
                            visited_fragments,
                        );
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let condition = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|condition| &condition.node.on.node);
                    if applies(condition) {
                        self.gather(
                            &fragment.node.selection_set,
                            only_for,
                            keys,
                            visited_fragments,
                        );
                    }
                }
            }
        }
    }
}

/// A shape to write a value in, borrowed.
#[derive(Debug, Clone, Copy)]
enum ShapeRef<'a> {
    Leaf,
    Object(&'a SelectionOrder),
    Abstract(&'a [SelectionOrder]),
}

impl<'a> From<&'a Shape> for ShapeRef<'a> {
    fn from(shape: &'a Shape) -> Self {
        match shape {
            Shape::Leaf => ShapeRef::Leaf,
            Shape::Object(order) => ShapeRef::Object(order),
            Shape::Abstract(orders) => ShapeRef::Abstract(orders),
        }
    }
}

/// The order, among an interface's or union's, whose keys the object has: all of them, or
/// else at least the object's (a field `@skip`ped away).
fn order_of<'a>(
    orders: &'a [SelectionOrder],
    fields: &IndexMap<Name, Value>,
) -> Option<&'a SelectionOrder> {
    let covers = |order: &SelectionOrder| fields.keys().all(|key| order.has_key(key));
    orders
        .iter()
        .find(|order| order.fields.len() == fields.len() && covers(order))
        .or_else(|| orders.iter().find(|order| covers(order)))
}

/// A result value written with its object keys in selection order.
#[derive(Debug, Clone, Copy)]
pub struct Ordered<'a> {
    value: &'a Value,
    shape: ShapeRef<'a>,
}

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.value, self.shape) {
            (Value::List(items), _) => {
                let mut list = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    list.serialize_element(&Ordered {
                        value: item,
                        shape: self.shape,
                    })?;
                }
                list.end()
            }
            (Value::Object(fields), ShapeRef::Object(order)) => {
                write_object(serializer, fields, order)
            }
            (Value::Object(fields), ShapeRef::Abstract(orders)) => match order_of(orders, fields) {
                Some(order) => write_object(serializer, fields, order),
                None => self.value.serialize(serializer),
            },
            // A leaf's object is a scalar's value (a JSON scalar, say): written as it is.
            (value, _) => value.serialize(serializer),
        }
    }
}

/// `fields` in `order`.
fn write_object<S: Serializer>(
    serializer: S,
    fields: &IndexMap<Name, Value>,
    order: &SelectionOrder,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(fields.len()))?;
    let mut written = 0;
    for (key, shape) in &order.fields {
        if let Some(value) = fields.get(key) {
            map.serialize_entry(
                key,
                &Ordered {
                    value,
                    shape: shape.into(),
                },
            )?;
            written += 1;
        }
    }
    // A key the selection does not name cannot come from the executor; should one appear,
    // it is written after the others rather than lost.
    if written < fields.len() {
        for (key, value) in fields {
            if !order.has_key(key) {
                map.serialize_entry(key, value)?;
            }
        }
    }
    map.end()
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::{Name, Value};

    use super::{SchemaTypes, SelectionOrder};

    fn object(fields: &[(&str, Value)]) -> Value {
        Value::Object(
            fields
                .iter()
                .map(|(key, value)| (Name::new(key), value.clone()))
                .collect(),
        )
    }

    fn written(document: &str, operation: Option<&str>, value: &Value) -> String {
        written_in(&SchemaTypes::default(), document, operation, value)
    }

    fn written_in(
        types: &SchemaTypes,
        document: &str,
        operation: Option<&str>,
        value: &Value,
    ) -> String {
        let Ok(document) = parse_query(document) else {
            return "unparsable".to_owned();
        };
        let Some(order) = SelectionOrder::of_operation(types, &document, operation) else {
            return "no operation".to_owned();
        };
        serde_json::to_string(&order.apply(value)).unwrap_or_default()
    }

    #[test]
    fn writes_fields_in_selection_order_at_every_level() {
        let node = object(&[("b", Value::from(2)), ("a", Value::from(1))]);
        let data = object(&[
            ("list", Value::List(vec![node.clone(), node])),
            ("first", Value::from("x")),
        ]);
        assert_eq!(
            written("{ first list { a b } }", None, &data),
            r#"{"first":"x","list":[{"a":1,"b":2},{"a":1,"b":2}]}"#
        );
    }

    #[test]
    fn aliases_fragments_and_inline_fragments_take_their_first_place() {
        let data = object(&[
            ("z", Value::from(3)),
            ("__typename", Value::from("T")),
            ("y", Value::from(2)),
            ("x", Value::from(1)),
        ]);
        let document = "query Q { x: a ...F ... on T { z y } __typename }
            fragment F on T { y x: a }";
        assert_eq!(
            written(document, Some("Q"), &data),
            r#"{"x":1,"y":2,"z":3,"__typename":"T"}"#
        );
    }

    #[test]
    fn merges_the_sub_selections_of_a_key_selected_twice() {
        let inner = object(&[("d", Value::from(4)), ("c", Value::from(3))]);
        let data = object(&[("o", inner)]);
        assert_eq!(
            written(
                "{ o { c } ...F } fragment F on Query { o { d c } }",
                None,
                &data
            ),
            r#"{"o":{"c":3,"d":4}}"#
        );
    }

    #[test]
    fn keeps_a_key_the_selection_does_not_name_and_leaf_objects_as_they_are() {
        let scalar = object(&[("q", Value::from(1)), ("p", Value::from(2))]);
        let data = object(&[("extra", Value::Null), ("json", scalar)]);
        assert_eq!(
            written("{ json }", None, &data),
            r#"{"json":{"q":1,"p":2},"extra":null}"#
        );
    }

    #[test]
    fn picks_the_named_operation_and_refuses_an_ambiguous_document() {
        let data = object(&[("b", Value::from(2)), ("a", Value::from(1))]);
        let document = "query A { a b } query B { b a }";
        assert_eq!(written(document, Some("A"), &data), r#"{"a":1,"b":2}"#);
        assert_eq!(written(document, Some("B"), &data), r#"{"b":2,"a":1}"#);
        assert_eq!(written(document, None, &data), "no operation");
        assert_eq!(written(document, Some("C"), &data), "no operation");
    }

    #[test]
    fn orders_each_member_of_a_union_with_the_fragments_on_its_type() {
        let types = SchemaTypes::from_sdl(
            "type A { slug: String name: String }
             type B { slug: String title: String }
             union U = A | B
             type Query { hits: [U!]! }",
        );
        let a = object(&[
            ("name", Value::from("n")),
            ("__typename", Value::from("A")),
            ("slug", Value::from("a")),
        ]);
        let b = object(&[
            ("slug", Value::from("b")),
            ("__typename", Value::from("B")),
            ("title", Value::from("t")),
        ]);
        let data = object(&[("hits", Value::List(vec![a, b]))]);
        let document = "{ hits { ... on A { slug name } ... on B { title slug } __typename } }";
        assert_eq!(
            written_in(&types, document, None, &data),
            concat!(
                r#"{"hits":[{"slug":"a","name":"n","__typename":"A"},"#,
                r#"{"title":"t","slug":"b","__typename":"B"}]}"#
            )
        );
    }
}
