//! How write inputs read from and write to JSON (NDJSON imports and exports): the same shape
//! as the GraphQL inputs, so vocabulary values are the GraphQL enum names
//! (`RESEARCH_INSTITUTE`) and localized texts are lists of `{ "lang": …, "text": … }`.

use std::fmt;

use sea_orm::{ActiveEnum, Iterable};
use serde::de::{self, Deserializer};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use crate::validate::Localized;

/// A vocabulary value from its GraphQL name (`RESEARCH_INSTITUTE`) or stored value.
pub fn parse_vocabulary<T>(value: &str) -> Result<T, String>
where
    T: ActiveEnum<Value = String> + Iterable,
{
    let stored = value.to_ascii_lowercase();
    T::try_from_value(&stored).map_err(|_| {
        let allowed: Vec<String> = T::iter()
            .map(|variant| variant.to_value().to_ascii_uppercase())
            .collect();
        format!(
            "`{}` is not one of {}",
            value.chars().take(40).collect::<String>(),
            allowed.join(", ")
        )
    })
}

/// `#[serde(with = "vocabulary")]`: a vocabulary value as its GraphQL name.
pub mod vocabulary {
    use super::*;

    /// Writes the GraphQL name.
    pub fn serialize<S, T>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: ActiveEnum<Value = String>,
    {
        serializer.serialize_str(&value.to_value().to_ascii_uppercase())
    }

    /// Reads with [`parse_vocabulary`].
    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: ActiveEnum<Value = String> + Iterable,
    {
        let text = String::deserialize(deserializer)?;
        parse_vocabulary(&text).map_err(de::Error::custom)
    }
}

/// `#[serde(with = "optional_vocabulary")]`: an optional vocabulary value as its GraphQL
/// name, or `null`.
pub mod optional_vocabulary {
    use super::*;

    /// Writes the GraphQL name, or `null`.
    pub fn serialize<S, T>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: ActiveEnum<Value = String>,
    {
        match value {
            Some(value) => super::vocabulary::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads with [`parse_vocabulary`]; `null` is none.
    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: ActiveEnum<Value = String> + Iterable,
    {
        Option::<String>::deserialize(deserializer)?
            .map(|text| parse_vocabulary(&text).map_err(de::Error::custom))
            .transpose()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Text {
    lang: String,
    text: String,
}

/// `#[serde(with = "localized")]`: texts by language as a list of `{lang, text}`; a language
/// given twice is refused.
pub mod localized {
    use super::*;

    /// Writes the list, ordered by language.
    pub fn serialize<S>(texts: &Localized, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
    {
        let mut sequence = serializer.serialize_seq(Some(texts.len()))?;
        for (lang, text) in texts {
            sequence.serialize_element(&Text {
                lang: lang.clone(),
                text: text.clone(),
            })?;
        }
        sequence.end()
    }

    /// Reads the list.
    pub fn deserialize<'de, D>(deserializer: D) -> Result<Localized, D::Error>
    where
        D: Deserializer<'de>,
    {
        let texts = Vec::<Text>::deserialize(deserializer)?;
        collect_localized(texts.into_iter().map(|text| (text.lang, text.text)))
            .map_err(de::Error::custom)
    }
}

/// Texts by language from `(lang, text)` pairs; a language given twice is refused.
pub fn collect_localized(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<Localized, LanguageTwice> {
    let mut texts = Localized::new();
    for (lang, text) in pairs {
        if texts.contains_key(&lang) {
            return Err(LanguageTwice(lang));
        }
        texts.insert(lang, text);
    }
    Ok(texts)
}

/// A language given twice in one localized field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageTwice(pub String);

impl fmt::Display for LanguageTwice {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "language `{}` is given twice",
            self.0.chars().take(20).collect::<String>()
        )
    }
}

#[cfg(test)]
mod tests {
    use symbios_entity::vocabulary::ActorKind;

    use super::*;

    #[test]
    fn vocabulary_values_read_as_graphql_names() {
        assert_eq!(
            parse_vocabulary::<ActorKind>("RESEARCH_INSTITUTE"),
            Ok(ActorKind::ResearchInstitute)
        );
        let error = parse_vocabulary::<ActorKind>("SPACESHIP").unwrap_err();
        assert!(error.contains("COMPANY"), "{error}");
    }

    #[test]
    fn a_language_twice_is_refused() {
        let pairs =
            [("en", "a"), ("en", "b")].map(|(lang, text)| (lang.to_owned(), text.to_owned()));
        assert_eq!(
            collect_localized(pairs),
            Err(LanguageTwice("en".to_owned()))
        );
    }
}
