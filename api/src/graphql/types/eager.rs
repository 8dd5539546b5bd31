//! `Eager<T>`: the same GraphQL object as `T`, resolved with one join over its fields
//! instead of async-graphql's task set per object.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_container};
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};

/// `T` as GraphQL sees it (same name, same fields), resolved faster where relations fan out.
#[derive(Debug, Clone)]
pub struct Eager<T>(pub T);

impl<T: ContainerType + OutputType> OutputType for Eager<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        // Boxed once per object: objects nest in each other (a case study's actors have case
        // studies), and the boxed future is what keeps that type finite.
        let resolved: Pin<Box<dyn Future<Output = ServerResult<Value>> + Send + '_>> =
            Box::pin(resolve_object(ctx, &self.0));
        resolved.await
    }
}

async fn resolve_object<T: ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    object: &T,
) -> ServerResult<Value> {
    let Some(fields) = plain_fields(ctx) else {
        return resolve_container(ctx, object).await;
    };
    let contexts: Vec<_> = fields.iter().map(|field| ctx.with_field(field)).collect();
    let values = futures_util::future::join_all(
        contexts
            .iter()
            .map(|field_ctx| object.resolve_field(field_ctx)),
    )
    .await;
    // What async-graphql's own container does with the results: a failed field is reported
    // (with its path) and left out, and an object with no fields left is null.
    let mut result = IndexMap::with_capacity(values.len());
    for (field, value) in fields.iter().zip(values) {
        match value {
            Ok(value) => {
                result.insert(
                    field.node.response_key().node.clone(),
                    value.unwrap_or_default(),
                );
            }
            Err(error) => ctx.add_error(error),
        }
    }
    Ok(if result.is_empty() {
        Value::Null
    } else {
        Value::Object(result)
    })
}

/// `make` with its result wrapped in [`Eager`]: `.map(eager(Actor))`.
pub fn eager<R, T>(make: impl Fn(R) -> T) -> impl Fn(R) -> Eager<T> {
    move |row| Eager(make(row))
}

/// The selected fields when they are plain: no fragments, no directives, no `__typename`, no
/// response key twice. Anything else goes the general way.
fn plain_fields<'a>(ctx: &ContextSelectionSet<'a>) -> Option<Vec<&'a Positioned<Field>>> {
    let items = &ctx.item.node.items;
    let mut fields: Vec<&Positioned<Field>> = Vec::with_capacity(items.len());
    for selection in items {
        let Selection::Field(field) = &selection.node else {
            return None;
        };
        let key: &Name = &field.node.response_key().node;
        if !field.node.directives.is_empty()
            || field.node.name.node == "__typename"
            || fields
                .iter()
                .any(|seen| &seen.node.response_key().node == key)
        {
            return None;
        }
        fields.push(field);
    }
    Some(fields)
}
