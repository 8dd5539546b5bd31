//! Localized text as served: the chosen text, its language, and whether it is the original.

use async_graphql::{Context, SimpleObject};
use uuid::Uuid;

use super::load_one;
use crate::error::ServiceErrorExt as _;
use crate::graphql::loaders::TextsOf;
use crate::graphql::request::RequestLanguages;
use crate::service::lang::{self, LanguagePreference};

/// A descriptive text in the language served. Ask with `lang` (or `Accept-Language`); when
/// the text does not exist in that language, the original is served and `original` is true.
#[derive(SimpleObject, Debug, Clone)]
pub struct LocalizedText {
    /// The text.
    pub text: String,
    /// The language of `text` (BCP 47, e.g. `sv`, `nb`, `en`).
    pub lang: String,
    /// Whether `text` is the original rather than a translation.
    pub original: bool,
    /// The language the text was written in.
    pub original_lang: String,
    /// Every language this text is available in.
    pub available_languages: Vec<String>,
}

/// The language preference for a field: its `lang` argument, else the request's
/// `Accept-Language`, else none (originals).
pub(crate) fn preference(
    ctx: &Context<'_>,
    lang: Option<&str>,
) -> async_graphql::Result<LanguagePreference> {
    match lang {
        Some(tag) => LanguagePreference::from_tag(tag)
            .map_err(|error| crate::service::Error::invalid("lang", error.to_string()).extend()),
        None => Ok(ctx
            .data_opt::<RequestLanguages>()
            .map(|languages| languages.0.clone())
            .unwrap_or_default()),
    }
}

/// The text of `field` of record `id` in the preferred language, or `None` if it has none.
pub(crate) async fn resolve(
    ctx: &Context<'_>,
    id: Uuid,
    field: &str,
    lang: Option<&str>,
) -> async_graphql::Result<Option<LocalizedText>> {
    let preference = preference(ctx, lang)?;
    let texts = load_one(ctx, TextsOf(id)).await?.unwrap_or_default();
    let Some(translations) = texts.get(field) else {
        return Ok(None);
    };
    Ok(
        lang::choose(translations, &preference).map(|chosen| LocalizedText {
            text: chosen.text,
            lang: chosen.lang,
            original: chosen.is_original,
            original_lang: chosen.original_lang,
            available_languages: chosen.available,
        }),
    )
}

/// One translation of a text.
#[derive(SimpleObject, Debug, Clone)]
pub struct Translation {
    /// The language.
    pub lang: String,
    /// The text.
    pub text: String,
    /// Whether this is the original.
    pub original: bool,
}

/// Every translation of `field` of record `id`.
pub(crate) async fn all(
    ctx: &Context<'_>,
    id: Uuid,
    field: &str,
) -> async_graphql::Result<Vec<Translation>> {
    let texts = load_one(ctx, TextsOf(id)).await?.unwrap_or_default();
    Ok(texts
        .get(field)
        .map(|translations| {
            translations
                .iter()
                .map(|translation| Translation {
                    lang: translation.lang.clone(),
                    text: translation.text.clone(),
                    original: translation.is_original,
                })
                .collect()
        })
        .unwrap_or_default())
}
