//! The user query language, parsed without tantivy's recursive parser:
//!
//! - words: every word must match (in some language field, after stemming);
//! - `"a phrase"`: the words in order;
//! - `-word` or `-"a phrase"`: must not match;
//! - `a OR b`: either matches;
//! - the last word also matches as a prefix when the caller asks (search-as-you-type).
//!
//! Parentheses and other operators are read as spaces. Input is capped before parsing:
//! length, number of words, and control characters are refused or removed, so any string
//! gets a result or a clear error in bounded time.

use crate::Error;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words (in and out of phrases) accepted.
pub const MAX_QUERY_WORDS: usize = 32;

/// One thing the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A single word.
    Word(String),
    /// Words in order.
    Phrase(Vec<String>),
}

/// A parsed query: groups that must all match (each group matches when any of its clauses
/// does), and clauses that must not match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Must match: each inner list is an OR group.
    pub required: Vec<Vec<Clause>>,
    /// Must not match.
    pub excluded: Vec<Clause>,
}

impl ParsedQuery {
    /// Whether nothing positive was asked for.
    pub fn is_empty(&self) -> bool {
        self.required.is_empty()
    }

    /// Every word of the query, in order, for suggestions and highlighting.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.required
            .iter()
            .flatten()
            .flat_map(|clause| match clause {
                Clause::Word(word) => std::slice::from_ref(word).iter().map(String::as_str),
                Clause::Phrase(words) => words.iter().map(String::as_str),
            })
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Phrase(Vec<String>),
    Or,
    Not,
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

fn tokenize(input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = input;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = rest.get(start..).unwrap_or_default();
        let negated = rest.starts_with('-');
        if negated {
            rest = rest.get(1..).unwrap_or_default();
        }
        if let Some(after_quote) = rest.strip_prefix('"') {
            // An unbalanced quote runs to the end of the input.
            let end = after_quote.find('"').unwrap_or(after_quote.len());
            let words = words_of(after_quote.get(..end).unwrap_or_default());
            rest = after_quote.get(end + 1..).unwrap_or_default();
            if !words.is_empty() {
                if negated {
                    tokens.push(Token::Not);
                }
                tokens.push(Token::Phrase(words));
            }
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let chunk = rest.get(..end).unwrap_or_default();
        rest = rest.get(end..).unwrap_or_default();
        if chunk == "OR" && !negated {
            tokens.push(Token::Or);
            continue;
        }
        let words = words_of(chunk);
        if negated && !words.is_empty() {
            tokens.push(Token::Not);
        }
        match words.len() {
            0 => {}
            1 => tokens.extend(words.into_iter().map(Token::Word)),
            // "by-product" or "H&P": the parts in order.
            _ => tokens.push(Token::Phrase(words)),
        }
    }
    tokens
}

/// Parses `input`; refuses overlong input with a reason fit for the user.
pub fn parse(input: &str) -> Result<ParsedQuery, Error> {
    if input.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::InvalidQuery(format!(
            "is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    let cleaned: String = input
        .chars()
        .map(|c| {
            if c.is_control() || c == '(' || c == ')' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let tokens = tokenize(&cleaned);
    let word_count: usize = tokens
        .iter()
        .map(|token| match token {
            Token::Word(_) => 1,
            Token::Phrase(words) => words.len(),
            Token::Or | Token::Not => 0,
        })
        .sum();
    if word_count > MAX_QUERY_WORDS {
        return Err(Error::InvalidQuery(format!(
            "has more than {MAX_QUERY_WORDS} words"
        )));
    }
    let mut parsed = ParsedQuery::default();
    let mut pending_or = false;
    let mut pending_not = false;
    for token in tokens {
        let clause = match token {
            Token::Or => {
                pending_or = !parsed.required.is_empty();
                continue;
            }
            Token::Not => {
                pending_not = true;
                continue;
            }
            Token::Word(word) => Clause::Word(word),
            Token::Phrase(words) => Clause::Phrase(words),
        };
        if pending_not {
            parsed.excluded.push(clause);
        } else if pending_or && let Some(group) = parsed.required.last_mut() {
            group.push(clause);
        } else {
            parsed.required.push(vec![clause]);
        }
        pending_not = false;
        pending_or = false;
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Clause {
        Clause::Word(text.to_owned())
    }

    #[test]
    fn words_phrases_exclusions_and_or() {
        let parsed =
            parse(r#"symbiose "waste heat" -Kalundborg water OR vatten"#).unwrap_or_default();
        assert_eq!(
            parsed.required,
            vec![
                vec![word("symbiose")],
                vec![Clause::Phrase(vec!["waste".into(), "heat".into()])],
                vec![word("water"), word("vatten")],
            ]
        );
        assert_eq!(parsed.excluded, vec![word("Kalundborg")]);
    }

    #[test]
    fn hostile_input_is_flattened_or_refused() {
        let parens = "(".repeat(10_000);
        assert!(parse(&parens).is_err(), "over the length cap");
        let nested = format!("{}a{}", "(".repeat(200), ")".repeat(200));
        assert_eq!(parse(&nested).map(|p| p.required.len()).ok(), Some(1));
        assert!(parse(&"word ".repeat(40)).is_err(), "over the word cap");
        let unbalanced = parse(r#""open phrase never closed"#).unwrap_or_default();
        assert_eq!(unbalanced.required.len(), 1);
        let controls = parse("a\u{0}b\u{7}c\u{1b}[31m").unwrap_or_default();
        assert!(!controls.is_empty());
        assert!(parse("OR OR - \"\" -").unwrap_or_default().is_empty());
        assert!(parse("").unwrap_or_default().is_empty());
    }

    #[test]
    fn hyphenated_words_become_phrases() {
        let parsed = parse("by-product H&P").unwrap_or_default();
        assert_eq!(
            parsed.required.first(),
            Some(&vec![Clause::Phrase(vec!["by".into(), "product".into()])])
        );
    }
}
