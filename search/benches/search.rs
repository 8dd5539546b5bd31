//! In-process benchmark of the search crate on generated multilingual documents:
//! indexing throughput, and search latency (p50, p99) over a mix of queries: hits only, with
//! highlights, and with facets and highlights, as the GraphQL `search` field runs them.
//!
//!     cargo bench -p symbios-search --bench search            # 100,000 documents
//!     SYMBIOS_BENCH_DOCS=20000 cargo bench -p symbios-search --bench search
//!
//! The generator is deterministic (fixed seed), so runs index the same documents.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

// The allocator the server binary runs with (`api/src/main.rs`): a search allocates a
// scorer's buffers per segment and field, and glibc's allocator took 13 % of the time here.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use symbios_search::{Document, Kind, SearchFilter, SearchIndex, SearchRequest, Thesaurus};
use uuid::Uuid;

/// xorshift64*: deterministic, fast, good enough to pick words.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const LANGS: [&str; 7] = ["sv", "nb", "da", "nl", "en", "de", "fi"];
const COUNTRIES: [&str; 8] = ["SE", "NO", "DK", "NL", "FI", "DE", "GB", "BE"];
const THEMES: [&str; 6] = [
    "industrial-symbiosis",
    "circular-economy",
    "waste-heat",
    "water",
    "side-streams",
    "green-chemistry",
];

fn filler(lang: &str) -> &'static [&'static str] {
    match lang {
        "sv" => &[
            "företag",
            "kommun",
            "projekt",
            "samarbete",
            "region",
            "utveckling",
            "industrin",
            "hamnen",
            "energi",
            "anläggning",
        ],
        "nb" => &[
            "bedrift",
            "kommune",
            "prosjekt",
            "samarbeid",
            "region",
            "utvikling",
            "industrien",
            "havna",
            "energi",
            "anlegg",
        ],
        "da" => &[
            "virksomhed",
            "kommune",
            "projekt",
            "samarbejde",
            "region",
            "udvikling",
            "industrien",
            "havnen",
            "energi",
            "anlæg",
        ],
        "nl" => &[
            "bedrijf",
            "gemeente",
            "project",
            "samenwerking",
            "regio",
            "ontwikkeling",
            "industrie",
            "haven",
            "energie",
            "installatie",
        ],
        "de" => &[
            "Unternehmen",
            "Gemeinde",
            "Projekt",
            "Zusammenarbeit",
            "Region",
            "Entwicklung",
            "Industrie",
            "Hafen",
            "Energie",
            "Anlage",
        ],
        "fi" => &[
            "yritys",
            "kunta",
            "hanke",
            "yhteistyö",
            "alue",
            "kehitys",
            "teollisuus",
            "satama",
            "energia",
            "laitos",
        ],
        _ => &[
            "company",
            "municipality",
            "project",
            "cooperation",
            "region",
            "development",
            "industry",
            "harbour",
            "energy",
            "plant",
        ],
    }
}

fn concept_terms(thesaurus_json: &str) -> Vec<(String, String)> {
    let concepts: Vec<serde_json::Value> = serde_json::from_str(thesaurus_json).unwrap();
    let mut terms = Vec::new();
    for concept in concepts {
        for (lang, list) in concept["terms"].as_object().unwrap() {
            for term in list.as_array().unwrap() {
                terms.push((lang.clone(), term.as_str().unwrap().to_owned()));
            }
        }
    }
    terms
}

fn generate(count: usize, terms: &[(String, String)]) -> Vec<Document> {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let kinds = ["case_study", "project", "actor", "funder"].map(Kind::named);
    (0..count)
        .map(|n| {
            let lang = *rng.pick(&LANGS);
            let mut texts = Vec::new();
            for text_lang in [lang, "en"] {
                let words: &[&str] = filler(text_lang);
                let mut text = String::new();
                for position in 0..40 {
                    if position % 8 == 0 {
                        let candidates: Vec<&(String, String)> =
                            terms.iter().filter(|(l, _)| l == text_lang).collect();
                        if !candidates.is_empty() {
                            text.push_str(&rng.pick(&candidates).1);
                            text.push(' ');
                            continue;
                        }
                    }
                    text.push_str(rng.pick::<&str>(words));
                    text.push(' ');
                }
                texts.push((text_lang.to_owned(), text));
            }
            Document {
                id: Uuid::from_u128(n as u128 + 1),
                kind: rng.pick(&kinds).clone(),
                names: vec![format!("{} {n}", rng.pick::<&str>(filler(lang)))],
                texts,
                countries: vec![(*rng.pick(&COUNTRIES)).to_owned()],
                themes: vec![(*rng.pick(&THEMES)).to_owned()],
                langs: vec![lang.to_owned(), "en".to_owned()],
                year: Some(1970 + (rng.next() % 55) as i32),
                categories: Vec::new(),
            }
        })
        .collect()
}

const QUERIES: [(&str, Option<&str>); 16] = [
    ("industriell symbios", Some("sv")),
    ("industrial symbiosis", Some("en")),
    ("spillvärme", None),
    ("waste heat", Some("en")),
    ("sidestrømmene", Some("nb")),
    ("stofstromen", Some("nl")),
    ("virksomheder energi", Some("da")),
    ("Nebenprodukte", Some("de")),
    ("kiertotaloudessa", Some("fi")),
    ("\"circular economy\" -harbour", None),
    ("energi OR energie", None),
    ("symbiosse", None),
    ("Kreislaufwirtschaft Unternehmen", Some("de")),
    ("company 4711", None),
    ("green chemistry project", Some("en")),
    ("", None),
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let count: usize = std::env::var("SYMBIOS_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let thesaurus_json = include_str!("../thesaurus.json");
    let documents = generate(count, &concept_terms(thesaurus_json));
    let thesaurus = Arc::new(Thesaurus::from_json(thesaurus_json).unwrap());
    let index = SearchIndex::in_ram(thesaurus).unwrap();

    let started = Instant::now();
    let mut writer = index.writer("bench").unwrap();
    for document in &documents {
        writer.upsert(document).unwrap();
    }
    writer.commit(1, "").unwrap();
    let indexing = started.elapsed();
    println!(
        "indexing: {count} documents in {:.2} s = {:.0} docs/s (one writer thread, commit included)",
        indexing.as_secs_f64(),
        count as f64 / indexing.as_secs_f64()
    );

    // A portal's result list asks for hits and highlights; facets only where it shows
    // them (the GraphQL layer computes each only when it is selected).
    for (label, highlights, facets) in [
        ("hits only", false, false),
        ("hits + highlights", true, false),
        ("hits + facets", false, true),
        ("hits + facets + highlights", true, true),
    ] {
        measure(&index, label, highlights, facets);
    }
}

fn measure(index: &SearchIndex, label: &str, highlights: bool, facets: bool) {
    let request = |query: &str, lang: Option<&str>, filtered: bool| SearchRequest {
        query: query.to_owned(),
        lang: lang.map(str::to_owned),
        filter: if filtered {
            SearchFilter {
                countries: vec!["SE".to_owned(), "NO".to_owned()],
                year_from: Some(2000),
                ..SearchFilter::default()
            }
        } else {
            SearchFilter::default()
        },
        limit: 20,
        highlights,
        facets,
        ..SearchRequest::default()
    };
    // Warm-up, then measure each query many times.
    for (query, lang) in QUERIES {
        index.search(&request(query, lang, false)).unwrap();
    }
    let mut samples = Vec::new();
    let mut per_query = Vec::new();
    for (query, lang) in QUERIES {
        let mut own = Vec::new();
        for round in 0..40 {
            let started = Instant::now();
            let results = index.search(&request(query, lang, round % 2 == 1)).unwrap();
            let elapsed = started.elapsed();
            std::hint::black_box(results);
            own.push(elapsed);
            samples.push(elapsed);
        }
        own.sort();
        per_query.push((query, percentile(&own, 0.5), percentile(&own, 0.99)));
    }
    samples.sort();
    println!(
        "search, {label}: {} searches (20 hits; half with country and year filters): p50 {:.3} ms, p99 {:.3} ms",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3
    );
    for (query, p50, p99) in per_query {
        println!(
            "  {:<36} p50 {:>8.3} ms  p99 {:>8.3} ms",
            format!("{query:?}"),
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
}
