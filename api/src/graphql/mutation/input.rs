//! How a mutation's input values become the service's record fields: one conversion per
//! pair of types ([`FromInput`]), and one rule per kind of field (required, optional,
//! defaulted, slug) for a create input and for a patch input. [`record_mutations!`] declares
//! a record type's inputs and mutations from one list of fields with these rules.

use std::fmt;

use async_graphql::{ID, MaybeUndefined};
use chrono::NaiveDate;
use uuid::Uuid;

use super::LocalizedTextInput;
use crate::error::ServiceErrorExt as _;
use crate::graphql::ids::parse_id;
use crate::service::{self, validate::Localized, write::input_format::collect_localized};

/// Where an input value sits, for error messages: `input.projectIds`, `patch.summary`.
#[derive(Debug, Clone, Copy)]
pub struct At {
    /// `input` (a create) or `patch` (an update).
    pub argument: &'static str,
    /// The field's Rust name; shown in GraphQL's camelCase.
    pub field: &'static str,
}

impl fmt::Display for At {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}.", self.argument)?;
        let mut upper = false;
        for character in self.field.chars() {
            if character == '_' {
                upper = true;
            } else if upper {
                write!(formatter, "{}", character.to_ascii_uppercase())?;
                upper = false;
            } else {
                write!(formatter, "{character}")?;
            }
        }
        Ok(())
    }
}

/// A value of input type `G` as the service takes it; a value it cannot take is
/// `BAD_USER_INPUT` naming the field.
pub trait FromInput<G>: Sized {
    /// Converts `input`, found at `at`.
    fn from_input(input: G, at: At) -> async_graphql::Result<Self>;
}

/// Types the service takes as GraphQL gives them.
macro_rules! as_given {
    ($($type:ty),+) => {
        $(impl FromInput<$type> for $type {
            fn from_input(input: $type, _at: At) -> async_graphql::Result<Self> {
                Ok(input)
            }
        })+
    };
}

as_given!(String, f64, i32, NaiveDate);

impl FromInput<ID> for Uuid {
    fn from_input(input: ID, at: At) -> async_graphql::Result<Self> {
        parse_id(&at.to_string(), &input)
    }
}

impl<G, S: FromInput<G>> FromInput<Vec<G>> for Vec<S> {
    fn from_input(input: Vec<G>, at: At) -> async_graphql::Result<Self> {
        input
            .into_iter()
            .map(|value| S::from_input(value, at))
            .collect()
    }
}

/// A required value for a field the service keeps optional (a theme's slug).
impl FromInput<String> for Option<String> {
    fn from_input(input: String, _at: At) -> async_graphql::Result<Self> {
        Ok(Some(input))
    }
}

/// Texts by language; a language given twice is refused.
impl FromInput<Vec<LocalizedTextInput>> for Localized {
    fn from_input(input: Vec<LocalizedTextInput>, at: At) -> async_graphql::Result<Self> {
        collect_localized(input.into_iter().map(|text| (text.lang, text.text)))
            .map_err(|error| service::Error::invalid(at.to_string(), error.to_string()).extend())
    }
}

/// A field that must be given on create.
pub fn required<G, S: FromInput<G>>(input: G, at: At) -> async_graphql::Result<S> {
    S::from_input(input, at)
}

/// A field that may be left out: on create an optional field, on update any field (left
/// out keeps the stored value).
pub fn optional<G, S: FromInput<G>>(input: Option<G>, at: At) -> async_graphql::Result<Option<S>> {
    input.map(|value| S::from_input(value, at)).transpose()
}

/// A list or text field that is empty when a create leaves it out.
pub fn defaulted<G, S: FromInput<G> + Default>(
    input: Option<G>,
    at: At,
) -> async_graphql::Result<S> {
    Ok(optional(input, at)?.unwrap_or_default())
}

/// An optional field in a patch: left out keeps it, `null` clears it.
pub fn clearable<G, S: FromInput<G>>(
    input: MaybeUndefined<G>,
    at: At,
) -> async_graphql::Result<Option<Option<S>>> {
    match input {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(value) => Ok(Some(Some(S::from_input(value, at)?))),
    }
}

/// Declares a record type's create and patch inputs and its `create…`, `update…` and
/// `delete…` mutations from one list of fields. Each field has a rule:
///
/// | rule | create input | patch input | whole record |
/// | --- | --- | --- | --- |
/// | `required` | `T!` | `T` (left out keeps) | the value |
/// | `optional` | `T` | `T` (left out keeps, `null` clears) | `Option` |
/// | `defaulted` | `T` (left out: empty) | `T` (left out keeps) | the value or empty |
/// | `slug` | `T` (left out: made from the name) | `T` (left out keeps) | `Option` |
///
/// The field's type is the GraphQL one; [`FromInput`] turns it into the whole record's.
/// Further resolvers of the same mutation object may follow in `more { … }`.
macro_rules! record_mutations {
    (
        $mutation:ident: $object:ident = $fields:ident, $patch:ident;
        $(#[$create_meta:meta])*
        $create_input:ident { $(#[$id_meta:meta])* id }
        $(#[$patch_meta:meta])*
        $patch_input:ident;
        {
            $($(#[$field_meta:meta])* $field:ident: $rule:ident $type:ty,)+
        }
        $(#[$create_doc:meta])* $create:ident;
        $(#[$update_doc:meta])* $update:ident;
        $(#[$delete_doc:meta])* $delete:ident;
        $(more { $($more:tt)* })?
    ) => {
        $(#[$create_meta])*
        #[derive(async_graphql::InputObject, Debug, Clone)]
        pub struct $create_input {
            $(#[$id_meta])*
            pub id: Option<async_graphql::ID>,
            $(
                $(#[$field_meta])*
                pub $field: $crate::graphql::mutation::input::record_mutations!(@create $rule $type),
            )+
        }

        $(#[$patch_meta])*
        #[derive(async_graphql::InputObject, Debug, Clone, Default)]
        pub struct $patch_input {
            $(
                $(#[$field_meta])*
                pub $field: $crate::graphql::mutation::input::record_mutations!(@patch $rule $type),
            )+
        }

        #[derive(Default)]
        pub struct $mutation;

        #[async_graphql::Object]
        impl $mutation {
            $(#[$create_doc])*
            async fn $create(
                &self,
                ctx: &async_graphql::Context<'_>,
                input: $create_input,
            ) -> async_graphql::Result<$object> {
                let record = $fields {
                    $($field: $crate::graphql::mutation::input::record_mutations!(
                        @create_value $rule input.$field,
                        $crate::graphql::mutation::input::At {
                            argument: "input",
                            field: stringify!($field),
                        }
                    )?,)+
                };
                $crate::graphql::mutation::create_object(ctx, input.id, record).await
            }

            $(#[$update_doc])*
            async fn $update(
                &self,
                ctx: &async_graphql::Context<'_>,
                id: async_graphql::ID,
                expected_version: i32,
                patch: $patch_input,
            ) -> async_graphql::Result<$object> {
                let patch = $patch {
                    $($field: $crate::graphql::mutation::input::record_mutations!(
                        @patch_value $rule patch.$field,
                        $crate::graphql::mutation::input::At {
                            argument: "patch",
                            field: stringify!($field),
                        }
                    )?,)+
                };
                $crate::graphql::mutation::update_object::<$fields, $object>(
                    ctx,
                    &id,
                    expected_version,
                    patch,
                )
                .await
            }

            $(#[$delete_doc])*
            async fn $delete(
                &self,
                ctx: &async_graphql::Context<'_>,
                id: async_graphql::ID,
                expected_version: i32,
            ) -> async_graphql::Result<$crate::graphql::mutation::DeletedRecord> {
                $crate::graphql::mutation::delete::<$fields>(ctx, &id, expected_version).await
            }

            $($($more)*)?
        }
    };
    (@create required $type:ty) => { $type };
    (@create $rule:ident $type:ty) => { Option<$type> };
    (@patch optional $type:ty) => { async_graphql::MaybeUndefined<$type> };
    (@patch $rule:ident $type:ty) => { Option<$type> };
    (@create_value required $value:expr, $at:expr) => {
        $crate::graphql::mutation::input::required($value, $at)
    };
    (@create_value optional $value:expr, $at:expr) => {
        $crate::graphql::mutation::input::optional($value, $at)
    };
    (@create_value defaulted $value:expr, $at:expr) => {
        $crate::graphql::mutation::input::defaulted($value, $at)
    };
    (@create_value slug $value:expr, $at:expr) => {
        $crate::graphql::mutation::input::optional($value, $at)
    };
    (@patch_value optional $value:expr, $at:expr) => {
        $crate::graphql::mutation::input::clearable($value, $at)
    };
    (@patch_value slug $value:expr, $at:expr) => {
        $crate::graphql::mutation::input::optional($value, $at).map(|slug| slug.map(Some))
    };
    (@patch_value $rule:ident $value:expr, $at:expr) => {
        $crate::graphql::mutation::input::optional($value, $at)
    };
}

pub(crate) use record_mutations;
