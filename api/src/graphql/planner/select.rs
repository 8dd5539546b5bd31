//! Reads a document for the planner and proves it inside the subset the planner answers:
//! one query operation, no directives, variables of scalar types each used, every fragment
//! used and on the type it is spread in, no response key twice in a selection set, every
//! field known to the planner, every argument declared and of its type. Anything else
//! makes the planner step aside (`None`), so async-graphql answers (or refuses) the document
//! as it always has.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field as DocField, OperationDefinition, Selection, SelectionSet,
    Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Positioned, Value as ConstValue, Variables};

use super::exec::{Field, ObjectPlan};
use crate::graphql::response_order::SCHEMA_TYPES;

/// A field of the document.
pub(super) type Selected<'d> = &'d Positioned<DocField>;

/// What a field's plan costs, as async-graphql's complexity visitor counts it.
pub(super) type Cost = usize;

/// The input types and enums of the schema, read once from its SDL: what an argument's
/// literal is checked against.
struct InputTypes {
    /// Each input object's fields: type, and whether it has a default.
    objects: HashMap<Name, Vec<(Name, Type, bool)>>,
    enums: HashMap<Name, HashSet<Name>>,
}

static INPUT_TYPES: LazyLock<InputTypes> =
    LazyLock::new(|| InputTypes::from_sdl(&crate::graphql::sdl()));

impl InputTypes {
    fn from_sdl(sdl: &str) -> Self {
        let mut types = Self {
            objects: HashMap::new(),
            enums: HashMap::new(),
        };
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return types;
        };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else {
                continue;
            };
            let name = definition.node.name.node;
            match definition.node.kind {
                TypeKind::InputObject(object) => {
                    let fields = object
                        .fields
                        .into_iter()
                        .map(|field| {
                            let field = field.node;
                            (
                                field.name.node,
                                field.ty.node,
                                field.default_value.is_some(),
                            )
                        })
                        .collect();
                    types.objects.insert(name, fields);
                }
                TypeKind::Enum(enumeration) => {
                    let values = enumeration
                        .values
                        .into_iter()
                        .map(|value| value.node.value.node)
                        .collect();
                    types.enums.insert(name, values);
                }
                _ => {}
            }
        }
        types
    }

    /// Whether `value` is a valid literal of type `ty` (GraphQL's input coercion rules,
    /// strictly: enums as enum literals, no variables).
    fn fits(&self, value: &ConstValue, ty: &Type) -> bool {
        if matches!(value, ConstValue::Null) {
            return ty.nullable;
        }
        match &ty.base {
            BaseType::List(item) => match value {
                ConstValue::List(items) => {
                    items.iter().all(|item_value| self.fits(item_value, item))
                }
                single => self.fits(single, item),
            },
            BaseType::Named(name) => self.fits_named(value, name),
        }
    }

    fn fits_named(&self, value: &ConstValue, name: &Name) -> bool {
        match (name.as_str(), value) {
            ("Int", ConstValue::Number(number)) => number
                .as_i64()
                .is_some_and(|number| i32::try_from(number).is_ok()),
            ("Float", ConstValue::Number(_))
            | ("String" | "ID", ConstValue::String(_))
            | ("Boolean", ConstValue::Boolean(_)) => true,
            (_, ConstValue::Enum(value)) => self
                .enums
                .get(name)
                .is_some_and(|values| values.contains(value)),
            (_, ConstValue::Object(given)) => {
                let Some(fields) = self.objects.get(name) else {
                    return false;
                };
                given
                    .keys()
                    .all(|key| fields.iter().any(|(field, _, _)| field == key))
                    && fields
                        .iter()
                        .all(|(field, ty, has_default)| match given.get(field) {
                            Some(value) => self.fits(value, ty),
                            None => ty.nullable || *has_default,
                        })
            }
            _ => false,
        }
    }
}

/// Scalar types a variable may have in a planned document.
const VARIABLE_TYPES: [&str; 3] = ["Int", "String", "ID"];

/// The document being planned, with what the walk has met so far.
pub(super) struct Selector<'d> {
    document: &'d ExecutableDocument,
    variables: &'d Variables,
    /// The operation's variables: name and type.
    definitions: HashMap<&'d str, &'d Type>,
    used_variables: RefCell<HashSet<&'d str>>,
    used_fragments: RefCell<HashSet<&'d str>>,
    /// Fragments being expanded (a cycle makes the planner step aside).
    expanding: RefCell<Vec<&'d str>>,
    depth: Cell<usize>,
    deepest: Cell<usize>,
}

impl<'d> Selector<'d> {
    /// The selector of `operation`, or `None` when its variables are outside the subset.
    pub fn new(
        document: &'d ExecutableDocument,
        operation: &'d OperationDefinition,
        variables: &'d Variables,
    ) -> Option<Self> {
        let mut definitions = HashMap::new();
        for definition in &operation.variable_definitions {
            let definition = &definition.node;
            let BaseType::Named(type_name) = &definition.var_type.node.base else {
                return None;
            };
            if !definition.directives.is_empty()
                || definition.default_value.is_some()
                || !VARIABLE_TYPES.contains(&type_name.as_str())
                || definitions
                    .insert(definition.name.node.as_str(), &definition.var_type.node)
                    .is_some()
            {
                return None;
            }
        }
        Some(Self {
            document,
            variables,
            definitions,
            used_variables: RefCell::default(),
            used_fragments: RefCell::default(),
            expanding: RefCell::default(),
            depth: Cell::new(0),
            deepest: Cell::new(0),
        })
    }

    /// Whether every variable and every fragment of the document was used (validation
    /// refuses a document that leaves one unused).
    pub fn all_used(&self) -> bool {
        let variables = self.used_variables.borrow();
        let fragments = self.used_fragments.borrow();
        self.definitions.keys().all(|name| variables.contains(name))
            && self
                .document
                .fragments
                .keys()
                .all(|name| fragments.contains(name.as_str()))
    }

    /// The deepest field nesting met, counted as async-graphql's depth limit counts it.
    pub fn depth(&self) -> usize {
        self.deepest.get()
    }

    /// The fields of `set` on an object of `type_name`, fragments expanded in place, or
    /// `None` when anything is outside the subset.
    pub fn collect(&self, set: &'d SelectionSet, type_name: &str) -> Option<Vec<Selected<'d>>> {
        self.collect_in(set, &Scope::object(type_name))
    }

    /// The fields of `set`, on a field of union type, that an object of `scope`'s member
    /// type gets: fragments on the union or on the member expanded, fragments on the other
    /// members left to them.
    fn collect_in(&self, set: &'d SelectionSet, scope: &Scope<'_>) -> Option<Vec<Selected<'d>>> {
        let mut fields = Vec::with_capacity(set.items.len());
        self.gather(set, scope, scope.union.is_none(), &mut fields)?;
        let mut keys = HashSet::with_capacity(fields.len());
        fields
            .iter()
            .all(|field| keys.insert(field.node.response_key().node.as_str()))
            .then_some(fields)
    }

    /// Gathers the fields of `set` into `fields`; `in_member` says whether `set` is on the
    /// member type (a union's own selection set holds `__typename` and fragments only).
    fn gather(
        &self,
        set: &'d SelectionSet,
        scope: &Scope<'_>,
        in_member: bool,
        fields: &mut Vec<Selected<'d>>,
    ) -> Option<()> {
        let parent_type = Name::new(scope.member);
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    // Each table also answers fields a type shares with others (`originalLang`):
                    // the schema decides which ones this type has.
                    let name = &field.node.name.node;
                    if !field.node.directives.is_empty()
                        || (name != "__typename"
                            && (!in_member
                                || SCHEMA_TYPES.field_type(&parent_type, name).is_none()))
                    {
                        return None;
                    }
                    fields.push(field);
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    if !fragment.directives.is_empty() {
                        return None;
                    }
                    let condition = fragment
                        .type_condition
                        .as_ref()
                        .map(|condition| condition.node.on.node.as_str());
                    match scope.applies(condition)? {
                        Applies::Yes { member } => self.gather(
                            &fragment.selection_set.node,
                            scope,
                            in_member || member,
                            fields,
                        )?,
                        // Another member's fields: planned with that member. Inside a
                        // member's selection such a fragment can never apply, and validation
                        // refuses it.
                        Applies::OtherMember if !in_member => {}
                        Applies::OtherMember => return None,
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let fragment = &self.document.fragments.get(name)?.node;
                    if !spread.node.directives.is_empty()
                        || !fragment.directives.is_empty()
                        || self.expanding.borrow().contains(&name)
                    {
                        return None;
                    }
                    let applies =
                        scope.applies(Some(fragment.type_condition.node.on.node.as_str()))?;
                    self.used_fragments.borrow_mut().insert(name);
                    let member = match applies {
                        Applies::Yes { member } => member,
                        Applies::OtherMember if !in_member => continue,
                        Applies::OtherMember => return None,
                    };
                    self.expanding.borrow_mut().push(name);
                    let gathered = self.gather(
                        &fragment.selection_set.node,
                        scope,
                        in_member || member,
                        fields,
                    );
                    self.expanding.borrow_mut().pop();
                    gathered?;
                }
            }
        }
        Some(())
    }

    /// The plan of `field`'s selection on objects of `type_name`, each field planned by
    /// `table`, with the selection's cost (the sum of its fields').
    pub fn object<R>(
        &self,
        field: Selected<'d>,
        type_name: &'static str,
        table: impl Fn(&Self, Selected<'d>) -> Option<(Field<R>, Cost)>,
    ) -> Option<(ObjectPlan<R>, Cost)> {
        let set = &field.node.selection_set.node;
        if set.items.is_empty() {
            return None;
        }
        self.fields_of(set, type_name, table)
    }

    /// The plan of `set` (see [`Self::object`]).
    pub fn fields_of<R>(
        &self,
        set: &'d SelectionSet,
        type_name: &'static str,
        table: impl Fn(&Self, Selected<'d>) -> Option<(Field<R>, Cost)>,
    ) -> Option<(ObjectPlan<R>, Cost)> {
        self.plan_fields(self.collect(set, type_name)?, type_name, table)
    }

    /// The plan of the collected `selected` fields on objects of `type_name`.
    fn plan_fields<R>(
        &self,
        selected: Vec<Selected<'d>>,
        type_name: &'static str,
        table: impl Fn(&Self, Selected<'d>) -> Option<(Field<R>, Cost)>,
    ) -> Option<(ObjectPlan<R>, Cost)> {
        let (fields, cost) = self.plan_each(selected, |selected| {
            if selected.node.name.node == "__typename" {
                self.leaf(selected)?;
                Some((Field::Typename, 1))
            } else {
                table(self, selected)
            }
        })?;
        Some((ObjectPlan { type_name, fields }, cost))
    }

    /// The fields selected in `set` on objects of `type_name`, each planned by `plan` one
    /// level deeper, in selection order, with the sum of their costs; `None` for an empty
    /// selection or a field outside the subset.
    pub fn fields<T>(
        &self,
        set: &'d SelectionSet,
        type_name: &str,
        plan: impl FnMut(Selected<'d>) -> Option<(T, Cost)>,
    ) -> Option<(Vec<(Name, T)>, Cost)> {
        if set.items.is_empty() {
            return None;
        }
        self.plan_each(self.collect(set, type_name)?, plan)
    }

    /// Each of `selected` planned by `plan` one level deeper, keyed by its response key, with
    /// the sum of their costs.
    fn plan_each<T>(
        &self,
        selected: Vec<Selected<'d>>,
        mut plan: impl FnMut(Selected<'d>) -> Option<(T, Cost)>,
    ) -> Option<(Vec<(Name, T)>, Cost)> {
        let mut fields = Vec::with_capacity(selected.len());
        let mut cost: Cost = 0;
        for selected in selected {
            let (planned, field_cost) = self.nested(|| plan(selected))?;
            cost = cost.saturating_add(field_cost);
            fields.push((selected.node.response_key().node.clone(), planned));
        }
        Some((fields, cost))
    }

    /// The plan of union `field`'s selection for objects of `member` (one of `members`, the
    /// union `union`'s types), each field planned by `table`, with its cost.
    pub fn member_object<R>(
        &self,
        field: Selected<'d>,
        (union, members): (&'static str, &'static [&'static str]),
        member: &'static str,
        table: impl Fn(&Self, Selected<'d>) -> Option<(Field<R>, Cost)>,
    ) -> Option<(ObjectPlan<R>, Cost)> {
        let set = &field.node.selection_set.node;
        if set.items.is_empty() {
            return None;
        }
        let scope = Scope {
            member,
            union: Some((union, members)),
        };
        self.plan_fields(self.collect_in(set, &scope)?, member, table)
    }

    /// Runs `plan` one field deeper.
    pub fn nested<T>(&self, plan: impl FnOnce() -> Option<T>) -> Option<T> {
        let depth = self.depth.get() + 1;
        self.depth.set(depth);
        self.deepest.set(self.deepest.get().max(depth));
        let planned = plan();
        self.depth.set(depth - 1);
        planned
    }

    /// Proves `field` without arguments.
    pub fn no_arguments(&self, field: Selected<'d>) -> Option<()> {
        field.node.arguments.is_empty().then_some(())
    }

    /// `planned` for `field`, a leaf without arguments, which counts 1.
    pub fn counted<T>(&self, field: Selected<'d>, planned: T) -> Option<(T, Cost)> {
        self.leaf(field)?;
        Some((planned, 1))
    }

    /// Proves `field` a leaf without arguments.
    pub fn leaf(&self, field: Selected<'d>) -> Option<()> {
        (field.node.arguments.is_empty() && field.node.selection_set.node.items.is_empty())
            .then_some(())
    }

    /// The arguments of `field`, each one of `declared` (name and type as the SDL writes
    /// it), literals checked against their type and variables replaced by their values.
    pub fn arguments(
        &self,
        field: Selected<'d>,
        declared: &[(&str, &str)],
    ) -> Option<HashMap<&'d str, ConstValue>> {
        let mut arguments = HashMap::with_capacity(field.node.arguments.len());
        for (name, value) in &field.node.arguments {
            let name = name.node.as_str();
            let (_, type_text) = declared.iter().find(|(declared, _)| *declared == name)?;
            let ty = Type::new(type_text)?;
            let value = match value.node.clone().into_const() {
                Some(literal) => INPUT_TYPES.fits(&literal, &ty).then_some(literal)?,
                // Not a literal: planned only when the whole argument is one variable (a
                // variable prints as `$name`); variables inside lists and objects are not.
                None => {
                    let text = value.node.to_string();
                    let variable = text.strip_prefix('$')?;
                    self.variable(variable, &ty)?
                }
            };
            if arguments.insert(name, value).is_some() {
                return None;
            }
        }
        Some(arguments)
    }

    /// The value of variable `name` used where `ty` is expected.
    fn variable(&self, name: &str, ty: &Type) -> Option<ConstValue> {
        let (name, defined) = self.definitions.get_key_value(name)?;
        let (BaseType::Named(defined_name), BaseType::Named(expected_name)) =
            (&defined.base, &ty.base)
        else {
            return None;
        };
        if defined_name != expected_name || (defined.nullable && !ty.nullable) {
            return None;
        }
        self.used_variables.borrow_mut().insert(name);
        let value = self
            .variables
            .get(&Name::new(name))
            .cloned()
            .unwrap_or(ConstValue::Null);
        // Variables come as JSON: an `ID` given as a number is coerced by async-graphql;
        // the planner leaves that to it.
        INPUT_TYPES.fits(&value, defined).then_some(value)
    }
}

/// The type whose fields a selection set is collected for: an object type, or one member
/// type of a union (with the union and all its members).
struct Scope<'s> {
    member: &'s str,
    union: Option<(&'s str, &'s [&'s str])>,
}

/// Whether a fragment's fields belong to the scope's object.
enum Applies {
    /// They do; `member` when the fragment is on the member type itself.
    Yes { member: bool },
    /// The fragment is on another member of the union: its fields are that member's.
    OtherMember,
}

impl<'s> Scope<'s> {
    fn object(type_name: &'s str) -> Self {
        Self {
            member: type_name,
            union: None,
        }
    }

    /// Where a fragment on `condition` (none: the enclosing type) goes, or `None` for a
    /// type the planner does not answer here (validation decides about it).
    fn applies(&self, condition: Option<&str>) -> Option<Applies> {
        let Some(condition) = condition else {
            return Some(Applies::Yes { member: false });
        };
        if condition == self.member {
            return Some(Applies::Yes { member: true });
        }
        match self.union {
            Some((union, _)) if condition == union => Some(Applies::Yes { member: false }),
            Some((_, members)) if members.contains(&condition) => Some(Applies::OtherMember),
            _ => None,
        }
    }
}
