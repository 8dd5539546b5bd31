//! The checks a document passes before async-graphql parses and validates it, in the order
//! that keeps every step bounded by the one before: the flat scan of the text (tokens,
//! nesting), then the parse, then the linear measure of fragment expansion and aliases.
//! A text seen recently comes with its checked tree from [`ParsedDocuments`].

use async_graphql::Request;

use super::negotiation::ResponseFormat;
use super::parsed::ParsedDocuments;
use super::refusal::Refusal;
use crate::config::Limits;
use crate::error::ErrorCode;
use crate::graphql::limits::{self, DocumentRefusal};
use crate::graphql::prescan;

/// Gives `request` its checked syntax tree, or refuses the document. A text that does not
/// parse is left for the executor, which reports the syntax error with its position.
pub fn prepare(
    request: &mut Request,
    limits: &Limits,
    parsed: &ParsedDocuments,
    format: ResponseFormat,
) -> Result<(), Refusal> {
    if let Some(document) = parsed.get(&request.query) {
        request.set_parsed_query(document);
        return Ok(());
    }
    prescan::scan(
        &request.query,
        limits.max_tokens,
        limits.max_recursive_depth,
    )
    .map_err(|refusal| {
        Refusal::request_error(format, ErrorCode::QueryTooComplex, refusal.to_string())
    })?;
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return Ok(());
    };
    limits::check_document(&document, limits).map_err(|refusal| {
        let code = match refusal {
            DocumentRefusal::FragmentCycle(_) => ErrorCode::BadUserInput,
            DocumentRefusal::TooManySelections(_)
            | DocumentRefusal::TooManyAliases(_)
            | DocumentRefusal::FragmentsTooDeep(_) => ErrorCode::QueryTooComplex,
        };
        Refusal::request_error(format, code, refusal.to_string())
    })?;
    parsed.remember(&request.query, &document);
    request.set_parsed_query(document);
    Ok(())
}
