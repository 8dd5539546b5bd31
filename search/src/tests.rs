//! Behaviour of the whole crate on a small multilingual index in memory.

use std::sync::Arc;

use proptest::prelude::*;
use uuid::Uuid;

use crate::{Document, Kind, SearchFilter, SearchIndex, SearchRequest, Thesaurus};

/// The record types of the test documents; the index takes any name.
const CASE_STUDY: Kind = Kind::named("case_study");
const PROJECT: Kind = Kind::named("project");
const ACTOR: Kind = Kind::named("actor");

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn doc(
    n: u128,
    kind: Kind,
    name: &str,
    lang: &str,
    text: &str,
    country: &str,
    year: i32,
) -> Document {
    Document {
        id: id(n),
        kind,
        names: vec![name.to_owned()],
        texts: vec![(lang.to_owned(), text.to_owned())],
        countries: vec![country.to_owned()],
        themes: vec!["industrial-symbiosis".to_owned()],
        langs: vec![lang.to_owned()],
        year: Some(year),
        categories: Vec::new(),
    }
}

/// An actor's document in Denmark in 2000, with no theme.
fn actor_without_theme(n: u128, name: &str, text: &str) -> Document {
    Document {
        themes: Vec::new(),
        ..doc(n, ACTOR, name, "en", text, "DK", 2000)
    }
}

/// The one document of the tests that reopen an index from disk.
fn vinnova() -> Document {
    doc(
        1,
        ACTOR,
        "Vinnova",
        "sv",
        "Sveriges innovationsmyndighet.",
        "SE",
        2001,
    )
}

fn fixture() -> SearchIndex {
    let thesaurus = Arc::new(Thesaurus::bundled().unwrap_or_default());
    let index = SearchIndex::in_ram(thesaurus).expect("index in RAM");
    let mut writer = index.writer("test").expect("writer");
    for document in [
        doc(
            1,
            CASE_STUDY,
            "Sotenäs Symbioscentrum",
            "sv",
            "Industriell symbios i Kungshamn. Restflöden från fiskindustrin blir råvara; spillvärme används.",
            "SE",
            2015,
        ),
        doc(
            2,
            CASE_STUDY,
            "Kalundborg Symbiosis",
            "da",
            "Industriel symbiose siden 1972. Virksomhederne udveksler damp, vand og gips.",
            "DK",
            1972,
        ),
        doc(
            3,
            CASE_STUDY,
            "Orkanger industripark",
            "nb",
            "Industriell symbiose i Orkanger. Sidestrømmene fra industrien og spillvarme fra Elkem.",
            "NO",
            2017,
        ),
        doc(
            4,
            PROJECT,
            "Stofstromenstudie Emmen",
            "nl",
            "Onderzoek naar de stofstromen van het chemiecluster in Emmen; groene chemie.",
            "NL",
            2016,
        ),
        doc(
            5,
            ACTOR,
            "Ørsted",
            "en",
            "Danish energy company supplying steam and district heat in Kalundborg.",
            "DK",
            2000,
        ),
        doc(
            6,
            ACTOR,
            "Nebenprodukt GmbH",
            "de",
            "Verwertung der Nebenprodukte aus der Lebensmittelindustrie.",
            "DE",
            2010,
        ),
    ] {
        writer.upsert(&document).expect("upsert");
    }
    writer.commit(42, "").expect("commit");
    index
}

fn ids(index: &SearchIndex, query: &str, lang: Option<&str>) -> Vec<Uuid> {
    let request = SearchRequest {
        query: query.to_owned(),
        lang: lang.map(str::to_owned),
        limit: 10,
        highlights: true,
        facets: true,
        ..SearchRequest::default()
    };
    index
        .search(&request)
        .map(|results| results.hits.into_iter().map(|hit| hit.id).collect())
        .unwrap_or_default()
}

#[test]
fn inflected_forms_find_their_base_forms() {
    let index = fixture();
    assert_eq!(ids(&index, "restflöde", None).first(), Some(&id(1)));
    assert_eq!(ids(&index, "sidestrøm", None).first(), Some(&id(3)));
    assert_eq!(ids(&index, "stofstroom", None).first(), Some(&id(4)));
    assert_eq!(ids(&index, "virksomhed", None).first(), Some(&id(2)));
    assert_eq!(ids(&index, "Nebenprodukt", None).first(), Some(&id(6)));
}

#[test]
fn thesaurus_bridges_languages_below_same_language_matches() {
    let index = fixture();
    let hits = ids(&index, "industrial symbiosis", Some("en"));
    for expected in [id(1), id(2), id(3)] {
        assert!(hits.contains(&expected), "{expected} in {hits:?}");
    }
    let swedish = ids(&index, "industriell symbios", Some("sv"));
    assert_eq!(
        swedish.first(),
        Some(&id(1)),
        "same-language match ranks first"
    );
    assert!(
        swedish.contains(&id(2)),
        "Danish text found through the thesaurus"
    );
    let waste_heat = ids(&index, "waste heat", Some("en"));
    assert!(
        waste_heat.contains(&id(1)) && waste_heat.contains(&id(3)),
        "{waste_heat:?}"
    );
}

#[test]
fn typos_phrases_exclusion_and_or() {
    let index = fixture();
    assert_eq!(
        ids(&index, "Kalundbrog", None).first(),
        Some(&id(2)),
        "one typo"
    );
    assert_eq!(
        ids(&index, "orsted", None),
        vec![id(5)],
        "diacritics folded"
    );
    assert_eq!(ids(&index, "\"district heat\"", None), vec![id(5)]);
    assert!(ids(&index, "\"heat district\"", None).is_empty());
    let symbiosis = ids(&index, "symbiose -Orkanger", None);
    assert!(
        symbiosis.contains(&id(2)) && !symbiosis.contains(&id(3)),
        "{symbiosis:?}"
    );
    let either = ids(&index, "Emmen OR Ørsted", None);
    assert!(either.contains(&id(4)) && either.contains(&id(5)));
    assert!(
        ids(&index, "kungshamn steam", None).is_empty(),
        "every word must match"
    );
}

#[test]
fn filters_facets_and_highlights() {
    let index = fixture();
    let request = SearchRequest {
        query: "symbiose".to_owned(),
        filter: SearchFilter {
            countries: vec!["DK".to_owned(), "NO".to_owned()],
            year_from: Some(1970),
            year_to: Some(2016),
            ..SearchFilter::default()
        },
        limit: 10,
        highlights: true,
        facets: true,
        ..SearchRequest::default()
    };
    let results = index.search(&request).expect("search");
    assert_eq!(results.total, 1);
    assert_eq!(results.hits.first().map(|hit| hit.id), Some(id(2)));
    assert_eq!(
        results
            .facets
            .countries
            .first()
            .map(|f| (f.value.as_str(), f.count)),
        Some(("DK", 1))
    );
    let highlight = results
        .hits
        .first()
        .and_then(|hit| hit.highlights.first())
        .cloned();
    let fragment = highlight.map(|h| h.fragment).unwrap_or_default();
    assert!(fragment.contains("<mark>symbiose</mark>"), "{fragment}");

    let all = index
        .search(&SearchRequest {
            query: String::new(),
            limit: 3,
            facets: true,
            ..SearchRequest::default()
        })
        .expect("search everything");
    assert_eq!(all.total, 6);
    assert_eq!(all.hits.len(), 3);
    let kinds: Vec<(&str, u64)> = all
        .facets
        .kinds
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(kinds, vec![("case_study", 3), ("actor", 2), ("project", 1)]);
    let only_actors = index
        .search(&SearchRequest {
            query: String::new(),
            filter: SearchFilter {
                kinds: vec![ACTOR],
                ..SearchFilter::default()
            },
            limit: 10,
            ..SearchRequest::default()
        })
        .expect("actors");
    assert_eq!(only_actors.total, 2);
}

/// Facet counts come from per-segment tables: they must hold across segments, replaced
/// records (a delete in an old segment) and values a record lists twice.
#[test]
fn facets_count_live_records_across_segments() {
    let thesaurus = Arc::new(Thesaurus::bundled().unwrap_or_default());
    let index = SearchIndex::in_ram(thesaurus).expect("index in RAM");
    let mut writer = index.writer("test").expect("writer");
    let record = |n: u128, kind: Kind, country: &str| {
        let mut document = doc(n, kind, "Name", "sv", "Industriell symbios", country, 2015);
        document.langs = vec!["sv".to_owned(), "sv".to_owned(), "en".to_owned()];
        document
    };
    for (seq, batch) in [
        (1, vec![record(1, CASE_STUDY, "SE"), record(2, ACTOR, "SE")]),
        (2, vec![record(3, ACTOR, "NO"), record(4, PROJECT, "DK")]),
        // Record 2 moves to Finland: its old version in the first segment is deleted.
        (3, vec![record(2, ACTOR, "FI")]),
    ] {
        for document in &batch {
            writer.upsert(document).expect("upsert");
        }
        writer.commit(seq, "").expect("commit");
    }
    let facets = index
        .search(&SearchRequest {
            query: "symbios".to_owned(),
            limit: 1,
            facets: true,
            ..SearchRequest::default()
        })
        .expect("search")
        .facets;
    fn pairs(counts: &[crate::FacetCount]) -> Vec<(&str, u64)> {
        counts
            .iter()
            .map(|count| (count.value.as_str(), count.count))
            .collect()
    }
    assert_eq!(
        pairs(&facets.countries),
        [("DK", 1), ("FI", 1), ("NO", 1), ("SE", 1)]
    );
    assert_eq!(
        pairs(&facets.kinds),
        [("actor", 2), ("case_study", 1), ("project", 1)]
    );
    assert_eq!(pairs(&facets.langs), [("en", 4), ("sv", 4)]);
    assert_eq!(pairs(&facets.years), [("2015", 4)]);
}

#[test]
fn highlights_and_facets_only_when_asked() {
    let index = fixture();
    let request = SearchRequest {
        query: "symbiose".to_owned(),
        limit: 5,
        ..SearchRequest::default()
    };
    let results = index.search(&request).expect("search");
    assert!(results.total > 0);
    assert!(results.hits.iter().all(|hit| hit.highlights.is_empty()));
    assert_eq!(results.facets, crate::Facets::default());
}

#[test]
fn hits_read_from_fast_columns_match_the_stored_documents() {
    // Several segments, a replaced record and every kind: ids and kinds read from the fast
    // columns (no highlights) must be those of the stored documents (with highlights).
    let thesaurus = Arc::new(Thesaurus::bundled().unwrap_or_default());
    let index = SearchIndex::in_ram(thesaurus).expect("index in RAM");
    let mut writer = index.writer("test").expect("writer");
    let record =
        |n: u128, kind: Kind| doc(n, kind, "Name", "sv", "Industriell symbios", "SE", 2015);
    let big = u128::MAX - 7;
    for (seq, batch) in [
        (1, vec![record(1, CASE_STUDY), record(big, ACTOR)]),
        (
            2,
            vec![record(3, PROJECT), record(4, Kind::named("funder"))],
        ),
        (3, vec![record(big, ACTOR), record(5, CASE_STUDY)]),
    ] {
        for document in &batch {
            writer.upsert(document).expect("upsert");
        }
        writer.commit(seq, "").expect("commit");
    }
    let hits = |highlights: bool| {
        let request = SearchRequest {
            query: "symbios".to_owned(),
            limit: 10,
            highlights,
            ..SearchRequest::default()
        };
        let results = index.search(&request).expect("search");
        results
            .hits
            .into_iter()
            .map(|hit| (hit.id, hit.kind, hit.score))
            .collect::<Vec<_>>()
    };
    let from_columns = hits(false);
    assert_eq!(from_columns.len(), 5, "{from_columns:?}");
    assert!(
        from_columns
            .iter()
            .any(|(id, kind, _)| *id == Uuid::from_u128(big) && *kind == ACTOR)
    );
    assert_eq!(from_columns, hits(true));
}

#[test]
fn highlights_escape_html() {
    let thesaurus = Arc::new(Thesaurus::default());
    let index = SearchIndex::in_ram(thesaurus).expect("index");
    let mut writer = index.writer("test").expect("writer");
    let document = actor_without_theme(
        9,
        "<script>alert(1)</script> Gyproc",
        "gypsum & <b>board</b>",
    );
    writer.upsert(&document).expect("upsert");
    writer.commit(1, "").expect("commit");
    let results = index
        .search(&SearchRequest {
            query: "gypsum gyproc".to_owned(),
            limit: 1,
            highlights: true,
            ..SearchRequest::default()
        })
        .expect("search");
    let fragments: Vec<String> = results
        .hits
        .iter()
        .flat_map(|hit| hit.highlights.iter().map(|h| h.fragment.clone()))
        .collect();
    assert!(
        fragments
            .iter()
            .all(|f| !f.contains("<script>") && !f.contains("<b>")),
        "{fragments:?}"
    );
    assert!(
        fragments.iter().any(|f| f.contains("&lt;script&gt;")),
        "{fragments:?}"
    );
}

#[test]
fn suggestions_complete_the_last_word() {
    let index = fixture();
    let suggestions = index.suggest("Sotenä", &[], 5).expect("suggest");
    assert_eq!(
        suggestions.first().map(|s| s.text.as_str()),
        Some("Sotenäs Symbioscentrum")
    );
    let actors = index.suggest("ø", &[ACTOR], 5).expect("suggest");
    assert_eq!(actors.first().map(|s| s.id), Some(id(5)));
    assert!(
        index
            .suggest("kalundborg sym", &[PROJECT], 5)
            .expect("suggest")
            .is_empty()
    );
    assert!(index.suggest("", &[], 5).expect("suggest").is_empty());
}

#[test]
fn updates_replace_and_deletes_remove() {
    let index = fixture();
    let mut writer = index.writer("test").expect("writer");
    let renamed = actor_without_theme(5, "Orsted Bioenergy", "Bioenergy plant.");
    writer.upsert(&renamed).expect("upsert");
    writer.delete(id(6));
    writer.commit(43, "").expect("commit");
    assert_eq!(ids(&index, "bioenergy", None), vec![id(5)]);
    let steam = ids(&index, "supplying", None);
    assert!(steam.is_empty(), "{steam:?}");
    assert!(ids(&index, "Nebenprodukt", None).is_empty());
    let state = index.state().expect("state");
    assert_eq!((state.last_seq, state.documents), (43, 5));
}

#[test]
fn reopening_resumes_and_a_schema_change_rebuilds() {
    let folder = tempfile::tempdir().expect("tempdir");
    let thesaurus = Arc::new(Thesaurus::default());
    let (index, outcome) = SearchIndex::open(folder.path(), thesaurus.clone()).expect("create");
    assert_eq!(outcome, crate::OpenOutcome::Created);
    let mut writer = index.writer("test").expect("writer");
    writer.upsert(&vinnova()).expect("upsert");
    writer.commit(7, "").expect("commit");
    drop(writer);
    drop(index);
    let (index, outcome) = SearchIndex::open(folder.path(), thesaurus.clone()).expect("reopen");
    assert_eq!(outcome, crate::OpenOutcome::Opened);
    assert_eq!(
        index.state().map(|s| (s.last_seq, s.documents)).ok(),
        Some((7, 1))
    );
    drop(index);

    // An index whose payload names another schema version is replaced.
    let (index, _) = SearchIndex::open(folder.path(), thesaurus.clone()).expect("reopen");
    let mut writer = index.writer("test").expect("writer");
    writer
        .force_payload_for_tests(r#"{"schema_version":0,"seq":9}"#)
        .expect("commit");
    drop(writer);
    drop(index);
    let (index, outcome) = SearchIndex::open(folder.path(), thesaurus).expect("rebuild");
    assert_eq!(outcome, crate::OpenOutcome::Rebuilt);
    assert_eq!(
        index.state().map(|s| (s.last_seq, s.documents)).ok(),
        Some((0, 0))
    );
}

/// An index in `folder` with one committed document, written by source `db-1` at seq 7.
fn committed_index(folder: &std::path::Path) -> Arc<Thesaurus> {
    let thesaurus = Arc::new(Thesaurus::default());
    let (index, _) = SearchIndex::open(folder, thesaurus.clone()).expect("create");
    let mut writer = index.writer("db-1").expect("writer");
    writer.upsert(&vinnova()).expect("upsert");
    writer.commit(7, "change 7").expect("commit");
    thesaurus
}

/// The largest file of the index: a segment's component, never `meta.json`.
fn largest_segment_file(folder: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(folder)
        .expect("list index")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name() != "meta.json")
        .max_by_key(|entry| entry.metadata().map(|meta| meta.len()).unwrap_or_default())
        .expect("a segment file")
        .path()
}

#[test]
fn commits_record_the_source_and_reopening_reads_it() {
    let folder = tempfile::tempdir().expect("tempdir");
    let thesaurus = committed_index(folder.path());
    let (index, outcome) = SearchIndex::open(folder.path(), thesaurus).expect("reopen");
    assert_eq!(outcome, crate::OpenOutcome::Opened);
    let state = index.state().expect("state");
    assert_eq!(
        (
            state.last_seq,
            state.documents,
            state.source.as_deref(),
            state.change.as_deref()
        ),
        (7, 1, Some("db-1"), Some("change 7"))
    );
}

#[test]
fn a_commit_without_a_source_reads_as_none() {
    let folder = tempfile::tempdir().expect("tempdir");
    let thesaurus = committed_index(folder.path());
    let (index, _) = SearchIndex::open(folder.path(), thesaurus.clone()).expect("reopen");
    let mut writer = index.writer("ignored").expect("writer");
    writer
        .force_payload_for_tests(&format!(
            r#"{{"schema_version":{},"seq":9}}"#,
            crate::SCHEMA_VERSION
        ))
        .expect("commit");
    drop(writer);
    drop(index);
    let (index, outcome) = SearchIndex::open(folder.path(), thesaurus).expect("reopen");
    assert_eq!(outcome, crate::OpenOutcome::Opened);
    let state = index.state().expect("state");
    assert_eq!((state.last_seq, state.source), (9, None));
}

#[test]
fn an_unreadable_index_is_an_error_and_is_left_alone() {
    type Damage = fn(&std::path::Path);
    let damages: [(&str, Damage); 5] = [
        ("garbage meta.json", |folder| {
            std::fs::write(folder.join("meta.json"), "{ not json").expect("write");
        }),
        ("garbage payload", |folder| {
            let meta = std::fs::read_to_string(folder.join("meta.json")).expect("read");
            let mut meta: serde_json::Value = serde_json::from_str(&meta).expect("json");
            meta["payload"] = serde_json::Value::from("not a payload");
            std::fs::write(folder.join("meta.json"), meta.to_string()).expect("write");
        }),
        ("truncated segment file", |folder| {
            let file = largest_segment_file(folder);
            let length = std::fs::metadata(&file).expect("metadata").len();
            std::fs::OpenOptions::new()
                .write(true)
                .open(&file)
                .and_then(|handle| handle.set_len(length / 2))
                .expect("truncate");
        }),
        ("missing segment file", |folder| {
            std::fs::remove_file(largest_segment_file(folder)).expect("remove");
        }),
        ("flipped byte in a segment file", |folder| {
            let file = largest_segment_file(folder);
            let mut bytes = std::fs::read(&file).expect("read");
            if let Some(byte) = bytes.get_mut(0) {
                *byte ^= 0xff;
            }
            std::fs::write(&file, bytes).expect("write");
        }),
    ];
    for (what, damage) in damages {
        let folder = tempfile::tempdir().expect("tempdir");
        let thesaurus = committed_index(folder.path());
        damage(folder.path());
        let before = std::fs::read_dir(folder.path()).expect("list").count();
        let opened = SearchIndex::open(folder.path(), thesaurus);
        assert!(opened.is_err(), "{what}: opened anyway");
        let after = std::fs::read_dir(folder.path()).expect("list").count();
        assert_eq!(before, after, "{what}: files were removed");
    }
}

#[test]
fn a_folder_is_in_use_while_its_writer_lives() {
    let folder = tempfile::tempdir().expect("tempdir");
    let missing = folder.path().join("missing");
    assert!(!crate::folder_in_use(&missing).expect("check"));
    let thesaurus = Arc::new(Thesaurus::default());
    let (index, _) = SearchIndex::open(folder.path(), thesaurus).expect("create");
    assert!(!crate::folder_in_use(folder.path()).expect("check"));
    let writer = index.writer("db-1").expect("writer");
    assert!(crate::folder_in_use(folder.path()).expect("check"));
    drop(writer);
    assert!(!crate::folder_in_use(folder.path()).expect("check"));
}

#[test]
fn hostile_queries_get_an_error_or_a_result() {
    let index = fixture();
    for query in [
        "(".repeat(10_000),
        format!("{}x{}", "(".repeat(200), ")".repeat(200)),
        "\"unbalanced".to_owned(),
        "a\u{0}\u{1}\u{7f}b".to_owned(),
        "x".repeat(1_000_000),
        "- - OR OR \" \"".to_owned(),
        "\u{202e}\u{fffd}\u{10ffff}".to_owned(),
    ] {
        let request = SearchRequest {
            query,
            limit: 5,
            ..SearchRequest::default()
        };
        let _outcome = index.search(&request);
    }
    let too_far = SearchRequest {
        query: "x".to_owned(),
        offset: 990,
        limit: 20,
        ..SearchRequest::default()
    };
    assert!(index.search(&too_far).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_query_string_is_answered(query in ".{0,300}", lang in proptest::option::of("[a-z]{2}"), prefix in any::<bool>()) {
        let index = fixture();
        let request = SearchRequest { query, lang, limit: 5, prefix_last_word: prefix, ..SearchRequest::default() };
        match index.search(&request) {
            Ok(results) => prop_assert!(results.hits.len() <= 5),
            Err(error) => prop_assert!(matches!(error, crate::Error::InvalidQuery(_))),
        }
    }

    #[test]
    fn any_search_arguments_are_answered(
        query in "[a-zA-Zåäöæø \"()-]{0,40}",
        offset in 0usize..1_200,
        limit in 0usize..200,
        countries in proptest::collection::vec(".{0,4}", 0..3),
        themes in proptest::collection::vec(".{0,12}", 0..3),
        langs in proptest::collection::vec("[a-z]{0,3}", 0..3),
        year_from in proptest::option::of(any::<i32>()),
        year_to in proptest::option::of(any::<i32>()),
        actors_only in any::<bool>(),
    ) {
        let index = fixture();
        let request = SearchRequest {
            query,
            filter: SearchFilter {
                kinds: if actors_only { vec![ACTOR] } else { Vec::new() },
                excluded_kinds: Vec::new(),
                countries,
                themes,
                langs,
                year_from,
                year_to,
                categories: Vec::new(),
            },
            offset,
            limit,
            highlights: true,
            facets: true,
            ..SearchRequest::default()
        };
        match index.search(&request) {
            Ok(results) => prop_assert!(results.hits.len() <= limit),
            Err(error) => prop_assert!(matches!(error, crate::Error::InvalidQuery(_))),
        }
    }

    #[test]
    fn any_suggest_prefix_is_answered(prefix in ".{0,100}") {
        let index = fixture();
        match index.suggest(&prefix, &[], 5) {
            Ok(suggestions) => prop_assert!(suggestions.len() <= 5),
            Err(error) => prop_assert!(matches!(error, crate::Error::InvalidQuery(_))),
        }
    }
}

/// Hits of `query` in language `lang` as (id, score), on an index of `documents` only.
fn ranked(documents: &[Document], query: &str, lang: Option<&str>) -> Vec<(Uuid, f32)> {
    let thesaurus = Arc::new(Thesaurus::bundled().unwrap_or_default());
    let index = SearchIndex::in_ram(thesaurus).expect("index in RAM");
    let mut writer = index.writer("test").expect("writer");
    for document in documents {
        writer.upsert(document).expect("upsert");
    }
    writer.commit(1, "").expect("commit");
    let request = SearchRequest {
        query: query.to_owned(),
        lang: lang.map(str::to_owned),
        limit: 10,
        ..SearchRequest::default()
    };
    index
        .search(&request)
        .map(|results| results.hits.iter().map(|hit| (hit.id, hit.score)).collect())
        .unwrap_or_default()
}

#[test]
fn records_with_text_in_the_requested_language_come_first() {
    for lang in ["sv", "nb", "da", "nl", "en", "de", "fi"] {
        let other = if lang == "de" { "en" } else { "de" };
        // The same name, so the same match; the lower id (first among equal scores) has
        // no text in `lang`.
        let without = doc(1, ACTOR, "Tangverket", other, "1999", "NO", 2000);
        let with = doc(2, ACTOR, "Tangverket", lang, "2001", "NO", 2000);
        let hits = ranked(&[without, with], "Tangverket", Some(lang));
        assert_eq!(
            hits.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            vec![id(2), id(1)],
            "{lang}: {hits:?}"
        );
        let hits = ranked(
            &[doc(1, ACTOR, "Tangverket", other, "1999", "NO", 2000)],
            "Tangverket",
            Some(lang),
        );
        assert_eq!(
            hits.len(),
            1,
            "{lang}: the rule only orders, it does not filter"
        );
    }
}

#[test]
fn equal_scores_go_to_case_studies_then_projects_then_the_lower_id() {
    let named = |n: u128, kind: Kind| doc(n, kind, "Tangverket", "en", "1999", "NO", 2000);
    let flow = Kind::named("flow");
    // Indexed in the reverse of the expected order, the case study twice (a re-index puts
    // its document last).
    let documents = [
        named(9, flow.clone()),
        named(3, ACTOR),
        named(2, ACTOR),
        named(5, PROJECT),
        named(7, CASE_STUDY),
        named(7, CASE_STUDY),
    ];
    let hits = ranked(&documents, "Tangverket", Some("en"));
    let scores: Vec<f32> = hits.iter().map(|(_, score)| *score).collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] == pair[1]),
        "{scores:?}"
    );
    assert_eq!(
        hits.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        vec![id(7), id(5), id(2), id(3), id(9)]
    );
}
