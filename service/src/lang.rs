//! Languages of the knowledge base and the choice of which text to serve: the asked-for
//! languages in order (Norwegian bokmål and nynorsk stand in for each other), then the
//! language the text was written in.

/// The languages Symbios holds texts in, as BCP 47 primary subtags.
pub const SUPPORTED_LANGUAGES: [&str; 8] = ["sv", "nb", "nn", "da", "nl", "en", "de", "fi"];

/// Languages to serve, most preferred first, each one of [`SUPPORTED_LANGUAGES`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguagePreference(Vec<&'static str>);

/// A language tag that is not well-formed BCP 47.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{tag:?} is not a language tag such as sv, nb or en-GB")]
pub struct MalformedTag {
    /// The refused tag.
    pub tag: String,
}

/// Maps a well-formed tag to a supported language: `sv-SE` → `sv`, `no` → `nb`.
/// `Ok(None)` for a well-formed tag of a language Symbios does not hold (e.g. `fr`).
pub fn supported_language(tag: &str) -> Result<Option<&'static str>, MalformedTag> {
    let parsed = oxilangtag::LanguageTag::parse(tag).map_err(|_| MalformedTag {
        tag: tag.chars().take(40).collect(),
    })?;
    let primary = parsed.primary_language().to_ascii_lowercase();
    let primary = match primary.as_str() {
        "no" | "nob" => "nb",
        "nno" => "nn",
        other => other,
    };
    Ok(SUPPORTED_LANGUAGES
        .iter()
        .copied()
        .find(|supported| *supported == primary))
}

impl LanguagePreference {
    /// No preference: every text is served in its original language.
    pub fn original_only() -> Self {
        Self(Vec::new())
    }

    /// The preference of an explicit `lang` argument.
    pub fn from_tag(tag: &str) -> Result<Self, MalformedTag> {
        Ok(Self(supported_language(tag)?.into_iter().collect()))
    }

    /// The preference of language tags ranked best first (an HTTP `Accept-Language` header
    /// as the HTTP layer parsed and ranked it): each supported language once, at its best
    /// rank; tags of other languages and malformed tags are skipped.
    pub fn from_ranked_tags<'a>(tags: impl IntoIterator<Item = &'a str>) -> Self {
        let mut languages: Vec<&'static str> = Vec::new();
        for tag in tags {
            if let Ok(Some(language)) = supported_language(tag)
                && !languages.contains(&language)
            {
                languages.push(language);
            }
        }
        Self(languages)
    }

    /// The languages in order of preference.
    pub fn languages(&self) -> &[&'static str] {
        &self.0
    }

    /// Whether nothing was asked for.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One text of a field in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// The language of `text`.
    pub lang: String,
    /// The text.
    pub text: String,
    /// Whether this is the language the text was written in.
    pub is_original: bool,
}

/// The text chosen for a reader, with what else there is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenText {
    /// The text served.
    pub text: String,
    /// Its language.
    pub lang: String,
    /// Whether it is the original.
    pub is_original: bool,
    /// The language the text was written in.
    pub original_lang: String,
    /// Every language the field is available in.
    pub available: Vec<String>,
}

/// The Norwegian written standard that stands in for `language`, if any.
fn sibling(language: &str) -> Option<&'static str> {
    match language {
        "nb" => Some("nn"),
        "nn" => Some("nb"),
        _ => None,
    }
}

/// Picks the text to serve from `translations` for `preference`; `None` when there is none.
pub fn choose(translations: &[Translation], preference: &LanguagePreference) -> Option<ChosenText> {
    let original = translations
        .iter()
        .find(|translation| translation.is_original)
        .or_else(|| translations.first())?;
    let find = |language: &str| translations.iter().find(|t| t.lang == language);
    let chosen = preference
        .languages()
        .iter()
        .find_map(|language| find(language).or_else(|| sibling(language).and_then(find)))
        .unwrap_or(original);
    let mut available: Vec<String> = translations.iter().map(|t| t.lang.clone()).collect();
    available.sort_by_key(|lang| {
        SUPPORTED_LANGUAGES
            .iter()
            .position(|supported| supported == lang)
            .unwrap_or(SUPPORTED_LANGUAGES.len())
    });
    Some(ChosenText {
        text: chosen.text.clone(),
        lang: chosen.lang.clone(),
        is_original: chosen.is_original,
        original_lang: original.lang.clone(),
        available,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translations() -> Vec<Translation> {
        [("sv", true), ("en", false), ("nn", false)]
            .into_iter()
            .map(|(lang, is_original)| Translation {
                lang: lang.to_owned(),
                text: format!("text-{lang}"),
                is_original,
            })
            .collect()
    }

    #[test]
    fn maps_tags_to_supported_languages() {
        assert_eq!(supported_language("sv-SE"), Ok(Some("sv")));
        assert_eq!(supported_language("no"), Ok(Some("nb")));
        assert_eq!(supported_language("NB"), Ok(Some("nb")));
        assert_eq!(supported_language("fr"), Ok(None));
        assert!(supported_language("12$").is_err());
        assert!(supported_language("").is_err());
    }

    #[test]
    fn ranked_tags_keep_each_supported_language_once() {
        let preference = LanguagePreference::from_ranked_tags(["de-DE", "fr", "sv", "xx!!", "de"]);
        assert_eq!(preference.languages(), &["de", "sv"]);
        assert!(LanguagePreference::from_ranked_tags(["", "fr"]).is_empty());
    }

    #[test]
    fn serves_requested_language_then_original() {
        let english = choose(
            &translations(),
            &LanguagePreference::from_tag("en").unwrap_or_default(),
        );
        assert_eq!(english.as_ref().map(|c| c.lang.as_str()), Some("en"));
        assert_eq!(english.as_ref().map(|c| c.is_original), Some(false));

        let finnish = choose(
            &translations(),
            &LanguagePreference::from_tag("fi").unwrap_or_default(),
        );
        assert_eq!(finnish.as_ref().map(|c| c.lang.as_str()), Some("sv"));
        assert_eq!(finnish.as_ref().map(|c| c.is_original), Some(true));
        assert_eq!(
            finnish.map(|c| c.available),
            Some(vec!["sv".to_owned(), "nn".to_owned(), "en".to_owned()])
        );
    }

    #[test]
    fn bokmal_falls_back_to_nynorsk_before_original() {
        let chosen = choose(
            &translations(),
            &LanguagePreference::from_tag("nb").unwrap_or_default(),
        );
        assert_eq!(chosen.map(|c| c.lang), Some("nn".to_owned()));
    }

    #[test]
    fn nothing_to_choose_from() {
        assert_eq!(choose(&[], &LanguagePreference::original_only()), None);
    }
}
