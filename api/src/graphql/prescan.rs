//! A flat scan of a document's text before anything parses it: its tokens and its deepest
//! nesting of braces, brackets and parentheses, counted in one pass without recursion.
//!
//! async-graphql's parser (pest) and the checks after it recurse once per level of nesting,
//! so a few kilobytes of `[[[[…` overflow a worker's stack and abort the process. The scan
//! reads the text the way the GraphQL lexer does (strings, block strings and comments hide
//! brackets; a comment ends at `\n` or `\r`) and stops at the first limit crossed, so a
//! refusal costs at most one pass over the text.

/// What the scan measured in a text that stays within the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextMeasure {
    /// Lexical tokens: names, numbers, strings and punctuators.
    pub tokens: usize,
    /// Deepest nesting of `{`, `[` and `(`.
    pub depth: usize,
}

/// Why a text is refused before parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextRefusal {
    /// More tokens than the limit.
    #[error("the document has more than {0} tokens (limits.max_tokens)")]
    TooManyTokens(usize),
    /// Braces, brackets and parentheses nested deeper than the limit.
    #[error(
        "the document nests braces, brackets and parentheses deeper than {0} levels (limits.max_recursive_depth)"
    )]
    TooDeep(usize),
}

/// Scans `text`; refuses it as soon as it has more than `max_tokens` tokens or nests
/// deeper than `max_depth`.
pub fn scan(text: &str, max_tokens: usize, max_depth: usize) -> Result<TextMeasure, TextRefusal> {
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut measure = TextMeasure {
        tokens: 0,
        depth: 0,
    };
    let mut depth = 0usize;
    while let Some(token) = lexer.next_token() {
        measure.tokens += 1;
        if measure.tokens > max_tokens {
            return Err(TextRefusal::TooManyTokens(max_tokens));
        }
        match token {
            Token::Open => {
                depth += 1;
                if depth > max_depth {
                    return Err(TextRefusal::TooDeep(max_depth));
                }
                measure.depth = measure.depth.max(depth);
            }
            Token::Close => depth = depth.saturating_sub(1),
            Token::Other => {}
        }
    }
    Ok(measure)
}

/// The kinds of token the scan tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `{`, `[` or `(`.
    Open,
    /// `}`, `]` or `)`.
    Close,
    /// Any other token, including characters the parser will refuse.
    Other,
}

/// A cursor over the text's bytes. Every byte the GraphQL grammar gives meaning to is ASCII,
/// so multi-byte characters only matter inside strings and comments, which are skipped whole.
struct Lexer<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    fn starts_with(&self, pattern: &[u8]) -> bool {
        self.bytes
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(pattern))
    }

    /// Skips bytes while `keep` holds.
    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        while self.peek(0).is_some_and(&keep) {
            self.at += 1;
        }
    }

    /// The next token, after whitespace, commas, byte-order marks and comments.
    fn next_token(&mut self) -> Option<Token> {
        loop {
            let byte = self.peek(0)?;
            match byte {
                b' ' | b'\t' | b'\n' | b'\r' | b',' => self.at += 1,
                b'#' => self.skip_while(|byte| byte != b'\n' && byte != b'\r'),
                _ if self.starts_with("\u{feff}".as_bytes()) => self.at += 3,
                _ => break,
            }
        }
        let byte = self.peek(0)?;
        self.at += 1;
        let token = match byte {
            b'{' | b'[' | b'(' => Token::Open,
            b'}' | b']' | b')' => Token::Close,
            b'"' => {
                self.skip_string();
                Token::Other
            }
            b'.' => {
                self.skip_while(|byte| byte == b'.');
                Token::Other
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                self.skip_while(|byte| byte == b'_' || byte.is_ascii_alphanumeric());
                Token::Other
            }
            b'-' | b'0'..=b'9' => {
                self.skip_while(|byte| {
                    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'+' | b'-')
                });
                Token::Other
            }
            // A character outside the grammar: one token, with its continuation bytes.
            _ => {
                self.skip_while(|byte| byte & 0b1100_0000 == 0b1000_0000);
                Token::Other
            }
        };
        Some(token)
    }

    /// Skips a string whose opening quote was just read: a block string (`"""…"""`, where
    /// `\"""` is an escaped quote triple) or a one-line string (`"…"` with backslash escapes,
    /// ended by a line terminator when unterminated, as the parser ends it with an error).
    fn skip_string(&mut self) {
        if self.starts_with(b"\"\"") {
            self.at += 2;
            while self.at < self.bytes.len() {
                if self.starts_with(b"\\\"\"\"") {
                    self.at += 4;
                } else if self.starts_with(b"\"\"\"") {
                    self.at += 3;
                    return;
                } else {
                    self.at += 1;
                }
            }
            return;
        }
        while let Some(byte) = self.peek(0) {
            match byte {
                b'"' => {
                    self.at += 1;
                    return;
                }
                b'\n' | b'\r' => return,
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(text: &str) -> Result<TextMeasure, TextRefusal> {
        scan(text, 1_000, 8)
    }

    #[test]
    fn tokens_and_depth_of_a_query() {
        assert_eq!(
            measure("{ a { b c } }"),
            Ok(TextMeasure {
                tokens: 7,
                depth: 2
            })
        );
        assert_eq!(
            measure("query Q($x: [Int!] = [5]) { a(x: $x, s: \"a { b, c\") { ...F } }")
                .map(|measure| (measure.tokens, measure.depth)),
            Ok((31, 2))
        );
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_nest() {
        let hidden = "{ a(s: \"[[[[[[[[[[\", t: \"\"\"{{{{{{{{{{ \\\"\"\" ((((((((((\"\"\") # [[[[[[[[[[\n }";
        assert_eq!(measure(hidden).map(|measure| measure.depth), Ok(2));
    }

    #[test]
    fn deep_nesting_is_refused_whatever_the_bracket() {
        for (open, close) in [("[", "]"), ("{a:", "}"), ("(", ")"), ("{ a ", "}")] {
            let text = format!(
                "{{ search(query: {}1{}) }}",
                open.repeat(20),
                close.repeat(20)
            );
            assert_eq!(measure(&text), Err(TextRefusal::TooDeep(8)), "{open}");
        }
        let thousands = format!("{{ a(x: {}", "[".repeat(100_000));
        assert_eq!(measure(&thousands), Err(TextRefusal::TooDeep(8)));
    }

    #[test]
    fn a_comment_ends_at_a_carriage_return() {
        // The parser ends a comment at `\r` as at `\n`: what follows is a document.
        let text = format!("#\r{}", "{ a } ".repeat(400));
        assert_eq!(measure(&text), Err(TextRefusal::TooManyTokens(1_000)));
        assert_eq!(
            measure("# {{{{{{{{{{{{{{{{{{{{{{{\n{ a }").map(|measure| measure.tokens),
            Ok(3)
        );
    }

    #[test]
    fn unterminated_strings_and_stray_bytes_end_the_scan_cleanly() {
        assert!(measure("{ a(s: \"open").is_ok());
        assert!(measure("{ a(s: \"\"\"open").is_ok());
        assert!(measure("{ a(s: \"x\\").is_ok());
        assert_eq!(measure("€ ~ %").map(|measure| measure.tokens), Ok(3));
        assert_eq!(
            measure("\u{feff}{ a }").map(|measure| measure.tokens),
            Ok(3)
        );
    }

    #[test]
    fn the_spread_is_one_token() {
        assert_eq!(measure("{ ...F }").map(|measure| measure.tokens), Ok(4));
    }
}
