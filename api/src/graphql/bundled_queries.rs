//! Every query the project ships (the explorer's, the README's and the docs' examples, the
//! Node.js clients', the partner-sync example's and the benchmarks', and the introspection
//! query GraphiQL and code generators send) passes the default
//! limits, and this test prints what each one measures: the figures `docs/decisions.md`
//! reasons the defaults from ("Request limits against GraphQL Armor's"). A default tightened
//! below what the project itself sends fails here, not in a portal.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{Schema, ServerError, ValidationResult};

use super::limits::{DocumentMeasure, check_document};
use super::mutation::Mutation;
use super::prescan::{TextMeasure, scan};
use super::query::Query;
use crate::config::Limits;

/// A query and where it comes from.
struct Shipped {
    origin: String,
    text: String,
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(repository().join(relative))
        .unwrap_or_else(|error| panic!("cannot read {relative}: {error}"))
}

/// The texts between `open` and the next `close` after it, for each `open` in `text`.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(close) else { break };
        found.push(&after[..end]);
        rest = &after[end..];
    }
    found
}

/// Documents that are GraphQL operations (not other strings that happen to match).
fn is_operation(text: &str) -> bool {
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .unwrap_or_default();
    first_line.starts_with('{')
        || first_line.starts_with("query")
        || first_line.starts_with("mutation")
}

fn shipped_queries() -> Vec<Shipped> {
    let mut shipped = Vec::new();
    let mut add = |origin: &str, texts: Vec<String>| {
        for (index, text) in texts
            .into_iter()
            .filter(|text| is_operation(text))
            .enumerate()
        {
            shipped.push(Shipped {
                origin: format!("{origin} #{}", index + 1),
                text,
            });
        }
    };
    // The explorer's queries share a fragment through a template placeholder.
    let explorer = read("explorer/app.js");
    let localized = between(&explorer, "const LOCALIZED = \"", "\"")
        .first()
        .map(|fragment| (*fragment).to_owned())
        .unwrap_or_default();
    add(
        "explorer/app.js",
        between(&explorer, " = `", "`")
            .into_iter()
            .map(|query| query.replace("${LOCALIZED}", &localized))
            .collect(),
    );
    for (file, open, close) in [
        ("clients/run.mjs", " = `\n", "`"),
        ("examples/partner-sync.sh", "='", "'"),
        ("README.md", "'query=", "'"),
        ("docs/partner-sync.md", "```graphql\n", "```"),
    ] {
        let text = read(file);
        add(
            file,
            between(&text, open, close)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        );
    }
    // The README's POST examples: `-d '{"query": "…"}'`, JSON with the document inside.
    let readme = read("README.md");
    let posted = between(&readme, "-d '", "'")
        .into_iter()
        .filter_map(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .filter_map(|body| body["query"].as_str().map(str::to_owned))
        .collect();
    add("README.md POST", posted);
    for folder in [
        "bench/queries",
        "bench/queries/peers",
        "api/src/graphql/testdata",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(repository().join(folder))
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        for file in files
            .iter()
            .filter(|file| file.extension().is_some_and(|ext| ext == "graphql"))
        {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let origin = file.strip_prefix(repository()).unwrap_or(file);
            add(&origin.display().to_string(), vec![text]);
        }
    }
    shipped
}

/// Records the complexity and depth async-graphql's validation computes.
#[derive(Default, Clone)]
struct Measured(Arc<Mutex<Option<ValidationResult>>>);

impl ExtensionFactory for Measured {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Measured {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await;
        if let (Ok(validated), Ok(mut slot)) = (&result, self.0.lock()) {
            *slot = Some(*validated);
        }
        result
    }
}

#[tokio::test]
async fn the_default_limits_admit_every_shipped_query() {
    let limits = Limits::default();
    let queries = shipped_queries();
    assert!(
        queries.len() >= 28,
        "the extraction found the shipped queries: {}",
        queries.len()
    );
    let mut widest = (
        TextMeasure {
            tokens: 0,
            depth: 0,
        },
        DocumentMeasure {
            selections: 0,
            aliases: 0,
            fragment_depth: 0,
        },
        0usize,
        0usize,
    );
    for shipped in &queries {
        let text = scan(&shipped.text, limits.max_tokens, limits.max_recursive_depth)
            .unwrap_or_else(|refusal| panic!("{}: {refusal}", shipped.origin));
        let document = async_graphql::parser::parse_query(&shipped.text)
            .unwrap_or_else(|error| panic!("{} does not parse: {error}", shipped.origin));
        let measure = check_document(&document, &limits)
            .unwrap_or_else(|refusal| panic!("{}: {refusal}", shipped.origin));
        let measured = Measured::default();
        let schema = super::limits::apply(
            Schema::build(
                Query::default(),
                Mutation::default(),
                super::subscription::SubscriptionRoot,
            ),
            &limits,
        )
        .extension(measured.clone())
        .finish();
        // No data is attached: validation runs, then the resolvers fail, which is fine.
        let response = schema.execute(shipped.text.as_str()).await;
        let validated = measured.0.lock().ok().and_then(|slot| *slot);
        let Some(validated) = validated else {
            panic!("{} fails validation: {:?}", shipped.origin, response.errors);
        };
        println!(
            "{:<40} tokens {:>4}  nesting {:>2}  fields {:>4}  aliases {:>2}  depth {:>2}  complexity {:>6}",
            shipped.origin,
            text.tokens,
            text.depth,
            measure.selections,
            measure.aliases,
            validated.depth,
            validated.complexity
        );
        widest.0.tokens = widest.0.tokens.max(text.tokens);
        widest.0.depth = widest.0.depth.max(text.depth);
        widest.1.selections = widest.1.selections.max(measure.selections);
        widest.1.aliases = widest.1.aliases.max(measure.aliases);
        widest.2 = widest.2.max(validated.depth);
        widest.3 = widest.3.max(validated.complexity);
    }
    println!(
        "{:<40} tokens {:>4}  nesting {:>2}  fields {:>4}  aliases {:>2}  depth {:>2}  complexity {:>6}",
        "most of any shipped query",
        widest.0.tokens,
        widest.0.depth,
        widest.1.selections,
        widest.1.aliases,
        widest.2,
        widest.3
    );
}
