//! What the ordering needs to know of the schema: each field's named type, and the object
//! types an interface or union may be. Read once from the schema's own SDL.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use async_graphql::Name;
use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, TypeKind, TypeSystemDefinition};

/// The types of the Symbios schema, as the ordering needs them.
pub static SCHEMA_TYPES: LazyLock<SchemaTypes> =
    LazyLock::new(|| SchemaTypes::from_sdl(&crate::graphql::sdl()));

/// Field types and abstract types' members of one schema.
#[derive(Debug, Default)]
pub struct SchemaTypes {
    /// The named type (lists and non-null taken off) of each `(type, field)`.
    field_types: HashMap<(Name, Name), Name>,
    /// The object types of each interface and union.
    possible_types: HashMap<Name, Vec<Name>>,
}

impl SchemaTypes {
    /// The types `sdl` defines; an SDL that does not parse gives none (the ordering then
    /// treats every type as an object type).
    pub fn from_sdl(sdl: &str) -> Self {
        let mut types = Self::default();
        let Ok(document) = parse_schema(sdl) else {
            return types;
        };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else {
                continue;
            };
            let name = definition.node.name.node;
            let fields = match definition.node.kind {
                TypeKind::Object(object) => {
                    for interface in object.implements {
                        types
                            .possible_types
                            .entry(interface.node)
                            .or_default()
                            .push(name.clone());
                    }
                    object.fields
                }
                TypeKind::Interface(interface) => {
                    types.possible_types.entry(name.clone()).or_default();
                    interface.fields
                }
                TypeKind::Union(union) => {
                    let members = union.members.into_iter().map(|member| member.node);
                    types
                        .possible_types
                        .entry(name.clone())
                        .or_default()
                        .extend(members);
                    continue;
                }
                _ => continue,
            };
            for field in fields {
                let mut base = &field.node.ty.node.base;
                while let BaseType::List(item) = base {
                    base = &item.base;
                }
                if let BaseType::Named(field_type) = base {
                    types.field_types.insert(
                        (name.clone(), field.node.name.node.clone()),
                        field_type.clone(),
                    );
                }
            }
        }
        // Interfaces implementing interfaces: an object of the inner one is one of the outer.
        let abstract_names: HashSet<Name> = types.possible_types.keys().cloned().collect();
        for members in types.possible_types.values_mut() {
            members.retain(|member| !abstract_names.contains(member));
        }
        types
    }

    /// The named type of `field` on `parent`, when the schema has it.
    pub fn field_type(&self, parent: &Name, field: &Name) -> Option<&Name> {
        self.field_types.get(&(parent.clone(), field.clone()))
    }

    /// The object types an interface or union may be; `None` for an object type.
    pub fn possible_types(&self, name: &Name) -> Option<&[Name]> {
        self.possible_types.get(name).map(Vec::as_slice)
    }

    /// Whether a fragment on `condition` applies to an object of type `object`.
    pub fn applies(&self, condition: &Name, object: &Name) -> bool {
        condition == object
            || self
                .possible_types(condition)
                .is_some_and(|members| members.contains(object))
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::Name;

    use super::SchemaTypes;

    #[test]
    fn reads_field_types_and_members() {
        let types = SchemaTypes::from_sdl(
            "interface Node { id: ID! }
             type A implements Node { id: ID! bs: [B!]! }
             type B implements Node { id: ID! }
             union U = A | B
             type Query { u: [U!] node: Node }",
        );
        let name = |text: &str| Name::new(text);
        assert_eq!(types.field_type(&name("A"), &name("bs")), Some(&name("B")));
        assert_eq!(
            types.field_type(&name("Query"), &name("u")),
            Some(&name("U"))
        );
        assert_eq!(
            types.possible_types(&name("U")),
            Some(&[name("A"), name("B")][..])
        );
        assert_eq!(
            types.possible_types(&name("Node")),
            Some(&[name("A"), name("B")][..])
        );
        assert_eq!(types.possible_types(&name("A")), None);
        assert!(types.applies(&name("Node"), &name("B")));
        assert!(!types.applies(&name("A"), &name("B")));
    }
}
