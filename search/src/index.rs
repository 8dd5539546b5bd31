//! The index: opening (and rebuilding when the schema version changed), writing documents
//! with the last applied change-log sequence and the caller's source identity in the commit
//! payload, searching with facets and highlights, and name suggestions.

use std::borrow::Cow;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, Warmer,
};
use uuid::Uuid;

use crate::Error;
use crate::analyzers::{self, field_suffix_for};
use crate::facets::{FacetCounter, FacetTables};
use crate::filter::distinct;
use crate::query::{self, Clause, ParsedQuery};
use crate::ranking::{self, RankedByScore};
use crate::schema::{self, Fields, SCHEMA_VERSION};
use crate::thesaurus::Thesaurus;

/// Boost of matches in the language the user asked for.
const REQUESTED_LANGUAGE_BOOST: f32 = 2.0;
/// Boost of matches in names and titles.
const NAME_BOOST: f32 = 3.0;
/// Weight of a typo-tolerant match relative to an exact one.
const FUZZY_WEIGHT: f32 = 0.4;
/// Weight of a prefix match of the last word relative to an exact one.
const PREFIX_WEIGHT: f32 = 0.6;
/// Weight of a thesaurus equivalent relative to the words typed.
const THESAURUS_WEIGHT: f32 = 0.3;
/// Weight of a partial mention of a concept (`symbiosen`, `industrisymbiosen` for
/// "industrial symbiosis"): below a whole mention in any language.
const PARTIAL_CONCEPT_WEIGHT: f32 = 0.12;
/// Bonus for records whose name holds the query's words as a phrase.
const NAME_PHRASE_BONUS: f32 = 2.0;
/// Weight of the fields other than the best-matching one.
const OTHER_FIELDS_WEIGHT: f32 = 0.1;
/// Characters in a highlight fragment.
const FRAGMENT_CHARS: usize = 200;
/// Highest `offset + limit` a search may ask for.
pub const MAX_RESULT_WINDOW: usize = 1_000;
/// Memory the writer may use before it flushes a segment.
const WRITER_MEMORY_BYTES: usize = 50_000_000;

/// The record type of a document: a name the caller chooses (`case_study`), stored with the
/// document, filtered on, counted in the `type` facet and handed back with each hit. The
/// index gives it no other meaning than its place among equal scores
/// ([`crate::ranking::TIE_BREAK_KINDS`]; a type not listed comes last), so that a new record
/// type needs no change here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kind(Cow<'static, str>);

impl Kind {
    /// The kind called `name`.
    pub const fn named(name: &'static str) -> Kind {
        Kind(Cow::Borrowed(name))
    }

    /// The stored name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A record as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The record id.
    pub id: Uuid,
    /// The record type.
    pub kind: Kind,
    /// Names and titles (any language), e.g. name and acronym.
    pub names: Vec<String>,
    /// Descriptive texts with their language (BCP 47 primary subtag). Texts in a language
    /// without a field of its own go to the language-neutral field.
    pub texts: Vec<(String, String)>,
    /// ISO 3166-1 alpha-2 countries.
    pub countries: Vec<String>,
    /// Theme slugs.
    pub themes: Vec<String>,
    /// Languages the record has texts in.
    pub langs: Vec<String>,
    /// Year the record refers to.
    pub year: Option<i32>,
    /// Categories (of a resource flow), for the category facet; empty for other records.
    pub categories: Vec<String>,
}

/// Filters applied to a search; empty lists do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Record types, any of.
    pub kinds: Vec<Kind>,
    /// Record types left out (a filter that adds nothing to the scores, unlike `kinds`).
    pub excluded_kinds: Vec<Kind>,
    /// Countries, any of.
    pub countries: Vec<String>,
    /// Theme slugs, any of.
    pub themes: Vec<String>,
    /// Languages, any of.
    pub langs: Vec<String>,
    /// In or after this year.
    pub year_from: Option<i32>,
    /// In or before this year.
    pub year_to: Option<i32>,
    /// Categories (of resource flows), any of.
    pub categories: Vec<String>,
}

/// A search to run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// What the user typed.
    pub query: String,
    /// Language to boost (BCP 47 primary subtag).
    pub lang: Option<String>,
    /// Filters.
    pub filter: SearchFilter,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
    /// Also match the last word as a prefix (search as you type).
    pub prefix_last_word: bool,
    /// Compute highlights for the hits.
    pub highlights: bool,
    /// Count facets over all hits.
    pub facets: bool,
}

/// A highlighted fragment: HTML-escaped text with `<mark>` around the matched words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// `name` or `text`.
    pub field: &'static str,
    /// Language of the fragment, `None` for names.
    pub lang: Option<&'static str>,
    /// The fragment.
    pub fragment: String,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The record id.
    pub id: Uuid,
    /// The record type.
    pub kind: Kind,
    /// Relevance score.
    pub score: f32,
    /// Fragments from the fields that matched.
    pub highlights: Vec<Highlight>,
}

/// A facet value and the number of hits that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// The value (`case_study`, `SE`, `industrial-symbiosis`, `sv`, `2015`).
    pub value: String,
    /// Hits with it.
    pub count: u64,
}

/// Facet counts over every hit of a search (not just the page).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// By record type.
    pub kinds: Vec<FacetCount>,
    /// By country.
    pub countries: Vec<FacetCount>,
    /// By theme.
    pub themes: Vec<FacetCount>,
    /// By language.
    pub langs: Vec<FacetCount>,
    /// By year.
    pub years: Vec<FacetCount>,
    /// By category (only resource flows have one).
    pub categories: Vec<FacetCount>,
}

/// The answer to a search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// Hits matching the query and filters.
    pub total: usize,
    /// The requested page of hits, best first.
    pub hits: Vec<Hit>,
    /// Facet counts over all hits.
    pub facets: Facets,
}

/// A name that starts with what the user typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The record id.
    pub id: Uuid,
    /// The record type.
    pub kind: Kind,
    /// The record's name.
    pub text: String,
    /// Relevance score.
    pub score: f32,
}

/// What the index holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexState {
    /// The last change-log sequence applied and committed.
    pub last_seq: i64,
    /// Documents searchable now.
    pub documents: u64,
    /// The source identity given to the writer of the last commit (`None`: no commit yet, or
    /// one written before commits recorded it).
    pub source: Option<String>,
    /// The caller's mark of the last applied change, as given to the last commit.
    pub change: Option<String>,
}

/// What opening the index found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenOutcome {
    /// There was no index; an empty one was created.
    Created,
    /// The index was opened as it was.
    Opened,
    /// The index was written with another schema version (or never committed) and was
    /// replaced by an empty one.
    Rebuilt,
}

#[derive(Debug, Serialize, Deserialize)]
struct CommitPayload {
    schema_version: u32,
    seq: i64,
    /// Absent in commits written before the source was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    /// Absent in commits written before the change was marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    change: Option<String>,
}

/// The index with its reader. Cheap to clone; searches may run in parallel.
#[derive(Clone)]
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    thesaurus: Arc<Thesaurus>,
    /// Kept alive here: the reader only holds it weakly, as the warmer that fills it.
    facet_tables: Arc<FacetTables>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

/// The one writer of an index; commits make changes searchable.
pub struct Writer {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
    thesaurus: Arc<Thesaurus>,
    /// The analyzer of each language field, to find the thesaurus concepts a text names.
    analyzers: Vec<(&'static str, Field, TextAnalyzer)>,
    /// Recorded in every commit's payload.
    source: String,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

/// The payload of the last commit; `None` when nothing was committed yet.
fn payload_of(index: &Index) -> Result<Option<CommitPayload>, Error> {
    index
        .load_metas()?
        .payload
        .map(|payload| {
            serde_json::from_str(&payload).map_err(|error| Error::Payload(error.to_string()))
        })
        .transpose()
}

fn directory_error(error: impl std::fmt::Display) -> Error {
    Error::Index(tantivy::TantivyError::SystemError(error.to_string()))
}

/// Whether a writer (of this process or another) holds the index in `folder` now. A folder
/// that does not exist is not in use.
pub fn folder_in_use(folder: &Path) -> Result<bool, Error> {
    if !folder.is_dir() {
        return Ok(false);
    }
    let directory = MmapDirectory::open(folder).map_err(directory_error)?;
    match directory.acquire_lock(&INDEX_WRITER_LOCK) {
        Ok(_released_on_drop) => Ok(false),
        Err(LockError::LockBusy) => Ok(true),
        Err(LockError::IoError(error)) => Err(directory_error(error)),
    }
}

impl SearchIndex {
    fn wrap(index: Index, thesaurus: Arc<Thesaurus>) -> Result<Self, Error> {
        analyzers::register(&index);
        let (_, fields) = schema::build();
        let facet_tables = Arc::new(FacetTables::default());
        let warmer: Arc<dyn Warmer> = facet_tables.clone();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![Arc::downgrade(&warmer)])
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
            thesaurus,
            facet_tables,
        })
    }

    /// An index in memory, for tests and tools.
    pub fn in_ram(thesaurus: Arc<Thesaurus>) -> Result<Self, Error> {
        let (schema, _) = schema::build();
        Self::wrap(Index::create_in_ram(schema), thesaurus)
    }

    /// Opens the index in `folder`, creating it, or replacing it when it was written with
    /// another schema version or never committed (the caller then rebuilds it from the
    /// database).
    ///
    /// An index that cannot be read fails with an error and is left as it is: a meta file or
    /// commit payload that does not parse, a segment file that is missing, truncated or whose
    /// checksum does not match (every file of the index is read once for that).
    pub fn open(folder: &Path, thesaurus: Arc<Thesaurus>) -> Result<(Self, OpenOutcome), Error> {
        let folder_error = |source| Error::Folder {
            path: folder.display().to_string(),
            source,
        };
        std::fs::create_dir_all(folder).map_err(folder_error)?;
        let (schema, _) = schema::build();
        let directory = MmapDirectory::open(folder).map_err(directory_error)?;
        if Index::exists(&directory).map_err(directory_error)? {
            let index = Index::open(directory)?;
            let current =
                payload_of(&index)?.is_some_and(|payload| payload.schema_version == SCHEMA_VERSION);
            if current && index.schema() == schema {
                let mut damaged: Vec<String> = index
                    .validate_checksum()?
                    .iter()
                    .map(|path| path.display().to_string())
                    .collect();
                if !damaged.is_empty() {
                    damaged.sort();
                    return Err(Error::Damaged(damaged));
                }
                return Ok((Self::wrap(index, thesaurus)?, OpenOutcome::Opened));
            }
            drop(index);
            std::fs::remove_dir_all(folder).map_err(folder_error)?;
            std::fs::create_dir_all(folder).map_err(folder_error)?;
            let index = Index::create_in_dir(folder, schema)?;
            return Ok((Self::wrap(index, thesaurus)?, OpenOutcome::Rebuilt));
        }
        let index = Index::create_in_dir(folder, schema)?;
        Ok((Self::wrap(index, thesaurus)?, OpenOutcome::Created))
    }

    /// The writer, which records `source` (an identity of what the documents come from,
    /// opaque to this crate) in every commit. There is one per index; a second call fails
    /// while the first lives.
    pub fn writer(&self, source: &str) -> Result<Writer, Error> {
        let writer = self.index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
        let mut analyzers = Vec::new();
        for (suffix, field) in &self.fields.texts {
            analyzers.push((*suffix, *field, self.index.tokenizer_for_field(*field)?));
        }
        Ok(Writer {
            writer,
            reader: self.reader.clone(),
            fields: self.fields.clone(),
            thesaurus: Arc::clone(&self.thesaurus),
            analyzers,
            source: source.to_owned(),
        })
    }

    /// The last committed sequence and source, and the number of searchable documents.
    pub fn state(&self) -> Result<IndexState, Error> {
        let (last_seq, source, change) = match payload_of(&self.index)? {
            Some(payload) => (payload.seq, payload.source, payload.change),
            None => (0, None, None),
        };
        Ok(IndexState {
            last_seq,
            documents: self.reader.searcher().num_docs(),
            source,
            change,
        })
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, Error> {
        if request.offset.saturating_add(request.limit) > MAX_RESULT_WINDOW {
            return Err(Error::InvalidQuery(format!(
                "results beyond the first {MAX_RESULT_WINDOW} are not available; refine the query"
            )));
        }
        request.filter.check()?;
        let parsed = query::parse(&request.query)?;
        let requested = request.lang.as_deref().and_then(field_suffix_for);
        let searcher = self.reader.searcher();
        let builder = QueryBuilder {
            index: &self.index,
            searcher: &searcher,
            fields: &self.fields,
            thesaurus: &self.thesaurus,
            requested,
        };
        let (text_query, names_concept) =
            builder.text_query(&parsed, request.prefix_last_word, Expansion::ConceptToken);
        let query = builder.with_filters(text_query, &parsed, &request.filter);

        let window = request.offset.saturating_add(request.limit).max(1);
        let top_docs = TopDocs::with_limit(window).order_by(RankedByScore::new(requested));
        let (top, total, facets) = if request.facets {
            let facet_counter = FacetCounter {
                tables: &self.facet_tables,
            };
            let (top, (facets, total)) = searcher.search(&query, &(top_docs, facet_counter))?;
            (top, total, facets)
        } else {
            let (top, total) = searcher.search(&query, &(top_docs, Count))?;
            (top, total, Facets::default())
        };

        let generators = if !request.highlights {
            Vec::new()
        } else if names_concept {
            // Mark the concept's words in every language, not only the user's.
            let (terms, _) =
                builder.text_query(&parsed, request.prefix_last_word, Expansion::Terms);
            self.snippet_generators(&searcher, &*terms)?
        } else {
            self.snippet_generators(&searcher, &query)?
        };
        let mut hits = Vec::new();
        let mut columns = HitColumns::default();
        for ((score, _), address) in top.into_iter().skip(request.offset).take(request.limit) {
            let hit = if generators.is_empty() {
                columns.hit(&searcher, address, score)?
            } else {
                self.hit(&searcher, address, score, &generators)?
            };
            if let Some(hit) = hit {
                hits.push(hit);
            }
        }
        Ok(SearchResults {
            total,
            hits,
            facets,
        })
    }

    /// Names and titles that start with `prefix` (the last word as a prefix, the others whole).
    pub fn suggest(
        &self,
        prefix: &str,
        kinds: &[Kind],
        limit: usize,
    ) -> Result<Vec<Suggestion>, Error> {
        let parsed = query::parse(prefix)?;
        let words: Vec<&str> = parsed.words().collect();
        let Some((last, leading)) = words.split_last() else {
            return Ok(Vec::new());
        };
        let mut analyzer = self.analyzer(self.fields.names)?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in leading {
            for token in analyzers::tokens(&mut analyzer, word) {
                let term = Term::from_field_text(self.fields.names, &token);
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                ));
            }
        }
        let last_tokens = analyzers::tokens(&mut analyzer, last);
        let Some(last_token) = last_tokens.last() else {
            return Ok(Vec::new());
        };
        let term = Term::from_field_text(self.fields.names, last_token);
        clauses.push((
            Occur::Must,
            Box::new(FuzzyTermQuery::new_prefix(term, 0, true)),
        ));
        if !kinds.is_empty() {
            clauses.push((Occur::Must, self.kind_filter(kinds)));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(
            &query,
            &TopDocs::with_limit(limit.clamp(1, 50)).order_by_score(),
        )?;
        let mut suggestions = Vec::new();
        for (score, address) in top.into_iter().take(limit) {
            let document: TantivyDocument = searcher.doc(address)?;
            let (Some(id), Some(kind)) = (self.stored_id(&document), self.stored_kind(&document))
            else {
                continue;
            };
            let text = document
                .get_first(self.fields.names)
                .and_then(|value| value.as_str())
                .unwrap_or_default()
                .to_owned();
            suggestions.push(Suggestion {
                id,
                kind,
                text,
                score,
            });
        }
        Ok(suggestions)
    }

    fn analyzer(&self, field: Field) -> Result<TextAnalyzer, Error> {
        Ok(self.index.tokenizer_for_field(field)?)
    }

    fn kind_filter(&self, kinds: &[Kind]) -> Box<dyn Query> {
        // Repeats filter once.
        let different: std::collections::BTreeSet<&str> =
            kinds.iter().map(|kind| kind.as_str()).collect();
        any_of(different.into_iter().map(|kind| {
            TermQuery::new(
                Term::from_field_text(self.fields.kind, kind),
                IndexRecordOption::Basic,
            )
        }))
    }

    fn stored_id(&self, document: &TantivyDocument) -> Option<Uuid> {
        document
            .get_first(self.fields.id)
            .and_then(|value| value.as_str())
            .and_then(|text| Uuid::parse_str(text).ok())
    }

    fn stored_kind(&self, document: &TantivyDocument) -> Option<Kind> {
        document
            .get_first(self.fields.kind)
            .and_then(|value| value.as_str())
            .map(|name| Kind(Cow::Owned(name.to_owned())))
    }

    fn snippet_generators(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
    ) -> Result<Vec<FieldSnippets>, Error> {
        let fields = std::iter::once(("name", None, self.fields.names)).chain(
            self.fields
                .texts
                .iter()
                .map(|(suffix, field)| ("text", Some(*suffix), *field)),
        );
        let mut queried = Vec::new();
        query.query_terms(&mut |term, _| queried.push(term.field()));
        let mut generators = Vec::new();
        for (kind, lang, field) in fields {
            // A field the query has no words for has nothing to mark.
            if !queried.contains(&field) {
                continue;
            }
            let mut generator = SnippetGenerator::create(searcher, query, field)?;
            generator.set_max_num_chars(FRAGMENT_CHARS);
            generators.push(FieldSnippets {
                kind,
                lang,
                field,
                generator,
            });
        }
        Ok(generators)
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: f32,
        generators: &[FieldSnippets],
    ) -> Result<Option<Hit>, Error> {
        let document: TantivyDocument = searcher.doc(address)?;
        let (Some(id), Some(kind)) = (self.stored_id(&document), self.stored_kind(&document))
        else {
            return Ok(None);
        };
        let mut highlights = Vec::new();
        for FieldSnippets {
            kind,
            lang,
            field,
            generator,
        } in generators
        {
            // Most records have text in two or three of the nine fields.
            if document.get_first(*field).is_none() {
                continue;
            }
            let mut snippet = generator.snippet_from_doc(&document);
            if snippet.highlighted().is_empty() {
                continue;
            }
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            highlights.push(Highlight {
                field: kind,
                lang: *lang,
                fragment: snippet.to_html(),
            });
        }
        Ok(Some(Hit {
            id,
            kind,
            score,
            highlights,
        }))
    }
}

/// A hit's id and type read from the fast columns of its segment, opened once per segment
/// and search: without highlights nothing else of a hit is needed, and decoding its stored
/// document (every text it has) was a tenth of a search's time.
#[derive(Default)]
struct HitColumns {
    segments: Vec<Option<SegmentHitColumns>>,
}

struct SegmentHitColumns {
    high: tantivy::columnar::Column<u64>,
    low: tantivy::columnar::Column<u64>,
    kind: Option<tantivy::columnar::StrColumn>,
    /// Kinds by term ordinal, as met (a segment holds a handful).
    kinds: std::collections::HashMap<u64, Kind>,
}

impl HitColumns {
    fn hit(
        &mut self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: f32,
    ) -> Result<Option<Hit>, Error> {
        let segment = usize::try_from(address.segment_ord).unwrap_or(usize::MAX);
        if self.segments.len() <= segment {
            self.segments
                .resize_with(segment.saturating_add(1), || None);
        }
        let Some(slot) = self.segments.get_mut(segment) else {
            return Ok(None);
        };
        let columns = match slot {
            Some(columns) => columns,
            None => {
                let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                slot.insert(SegmentHitColumns {
                    high: fast.u64(schema::ID_HIGH)?,
                    low: fast.u64(schema::ID_LOW)?,
                    kind: fast.str(schema::KIND)?,
                    kinds: std::collections::HashMap::new(),
                })
            }
        };
        let doc = address.doc_id;
        let (Some(high), Some(low)) = (columns.high.first(doc), columns.low.first(doc)) else {
            return Ok(None);
        };
        let Some(ord) = columns
            .kind
            .as_ref()
            .and_then(|kind| kind.term_ords(doc).next())
        else {
            return Ok(None);
        };
        let kind = match columns.kinds.get(&ord) {
            Some(kind) => kind.clone(),
            None => {
                let mut name = String::new();
                let found = columns
                    .kind
                    .as_ref()
                    .map(|kind| kind.ord_to_str(ord, &mut name))
                    .transpose()
                    .map_err(|error| Error::Index(error.into()))?
                    .unwrap_or(false);
                if !found {
                    return Ok(None);
                }
                let kind = Kind(Cow::Owned(name));
                columns.kinds.insert(ord, kind.clone());
                kind
            }
        };
        Ok(Some(Hit {
            id: Uuid::from_u64_pair(high, low),
            kind,
            score,
            highlights: Vec::new(),
        }))
    }
}

/// A snippet generator for one field.
struct FieldSnippets {
    /// `name` or `text`, as reported in highlights.
    kind: &'static str,
    /// The field's language; `None` for names.
    lang: Option<&'static str>,
    field: Field,
    generator: SnippetGenerator,
}

fn any_of<Q: Query + 'static>(queries: impl Iterator<Item = Q>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries
            .map(|query| (Occur::Should, Box::new(query) as Box<dyn Query>))
            .collect(),
    ))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// Builds tantivy queries from a parsed user query.
struct QueryBuilder<'a> {
    index: &'a Index,
    searcher: &'a tantivy::Searcher,
    fields: &'a Fields,
    thesaurus: &'a Thesaurus,
    requested: Option<&'static str>,
}

/// How a query finds a thesaurus concept in the other languages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expansion {
    /// By the concept token indexed with every text that names it: one posting list,
    /// which is what a search runs.
    ConceptToken,
    /// By the concept's terms in each language's field: what highlighting needs, to mark
    /// the words that matched.
    Terms,
}

/// How a clause may match.
#[derive(Clone, Copy)]
struct Tolerance {
    fuzzy: bool,
    prefix: bool,
}

impl QueryBuilder<'_> {
    /// Every searchable text field: (language suffix or `None` for names, field, boost).
    fn searchable(&self) -> Vec<(Option<&'static str>, Field, f32)> {
        let mut fields = vec![(None, self.fields.names, NAME_BOOST)];
        for (suffix, field) in &self.fields.texts {
            let boost = if self.requested == Some(*suffix) {
                REQUESTED_LANGUAGE_BOOST
            } else {
                1.0
            };
            fields.push((Some(*suffix), *field, boost));
        }
        fields
    }

    fn positioned_tokens(&self, field: Field, text: &str) -> Vec<(usize, String)> {
        let Ok(mut analyzer) = self.index.tokenizer_for_field(field) else {
            return Vec::new();
        };
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            let token = stream.token();
            tokens.push((token.position, token.text.clone()));
        }
        tokens
    }

    /// The query for `text` on one field: a term (with typo and prefix tolerance) or a
    /// phrase; `None` when the field's analyzer leaves nothing (stop words).
    fn field_query(
        &self,
        field: Field,
        text: &str,
        tolerance: Tolerance,
    ) -> Option<Box<dyn Query>> {
        let tokens = self.positioned_tokens(field, text);
        match tokens.as_slice() {
            [] => None,
            [(_, token)] => {
                let term = Term::from_field_text(field, token);
                // Frequencies only: positions are for phrases, and a word query need not
                // decode them.
                let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![(
                    Occur::Should,
                    Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                )];
                let typed_chars = text.chars().count();
                if tolerance.fuzzy && typed_chars >= 5 {
                    let distance = if typed_chars >= 9 { 2 } else { 1 };
                    alternatives.push((
                        Occur::Should,
                        boosted(
                            Box::new(FuzzyTermQuery::new(term.clone(), distance, true)),
                            FUZZY_WEIGHT,
                        ),
                    ));
                }
                if tolerance.prefix {
                    alternatives.push((
                        Occur::Should,
                        boosted(
                            Box::new(FuzzyTermQuery::new_prefix(term, 0, true)),
                            PREFIX_WEIGHT,
                        ),
                    ));
                }
                if alternatives.len() == 1 {
                    alternatives.pop().map(|(_, query)| query)
                } else {
                    Some(Box::new(BooleanQuery::new(alternatives)))
                }
            }
            _ => {
                let terms = tokens
                    .into_iter()
                    .map(|(position, token)| (position, Term::from_field_text(field, &token)))
                    .collect();
                Some(Box::new(PhraseQuery::new_with_offset(terms)))
            }
        }
    }

    /// `text` matched in any searchable field; `None` if no field keeps any of it. The best
    /// field counts fully and the others a little, so that a record is not ranked up merely
    /// for being translated into more languages.
    fn anywhere(&self, text: &str, tolerance: Tolerance) -> Option<Box<dyn Query>> {
        // Typo tolerance is for words the index does not know: a word found as it is typed
        // matches exactly, which keeps common words cheap and their ranking sharp.
        let tolerance = Tolerance {
            fuzzy: tolerance.fuzzy && !self.known_anywhere(text),
            prefix: tolerance.prefix,
        };
        let alternatives: Vec<Box<dyn Query>> = self
            .searchable()
            .into_iter()
            .filter_map(|(_, field, boost)| {
                self.field_query(field, text, tolerance)
                    .map(|query| boosted(query, boost))
            })
            .collect();
        if alternatives.is_empty() {
            None
        } else {
            Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                alternatives,
                OTHER_FIELDS_WEIGHT,
            )))
        }
    }

    /// Whether `text` is a single token that some field holds exactly.
    fn known_anywhere(&self, text: &str) -> bool {
        self.searchable().into_iter().any(|(_, field, _)| {
            match self.positioned_tokens(field, text).as_slice() {
                [(_, token)] => self
                    .searcher
                    .doc_freq(&Term::from_field_text(field, token))
                    .is_ok_and(|frequency| frequency > 0),
                _ => false,
            }
        })
    }

    fn clause_text(clause: &Clause) -> String {
        match clause {
            Clause::Word(word) => word.clone(),
            Clause::Phrase(words) => words.join(" "),
        }
    }

    fn clause_query(&self, clause: &Clause, tolerance: Tolerance) -> Option<Box<dyn Query>> {
        let tolerance = match clause {
            Clause::Word(_) => tolerance,
            Clause::Phrase(_) => Tolerance {
                fuzzy: false,
                prefix: false,
            },
        };
        self.anywhere(&Self::clause_text(clause), tolerance)
    }

    /// The thesaurus concept that the words of `groups` name, in any language.
    fn concept_of(&self, groups: &[Vec<Clause>]) -> Option<&crate::thesaurus::Concept> {
        let mut words = Vec::new();
        for group in groups {
            let [clause] = group.as_slice() else {
                return None;
            };
            words.push(Self::clause_text(clause));
        }
        let text = words.join(" ");
        for (suffix, field) in &self.fields.texts {
            let stems: Vec<String> = self
                .positioned_tokens(*field, &text)
                .into_iter()
                .map(|(_, token)| token)
                .collect();
            if stems.is_empty() {
                continue;
            }
            if let Some(concept) = self.thesaurus.concept_for(suffix, &stems) {
                return Some(concept);
            }
        }
        None
    }

    /// The concept's terms in every language, each in its own language's field.
    fn concept_alternatives(
        &self,
        concept: &crate::thesaurus::Concept,
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let exact = Tolerance {
            fuzzy: false,
            prefix: false,
        };
        concept
            .terms
            .iter()
            .filter_map(|(lang, term)| {
                let suffix = field_suffix_for(lang)?;
                let field = self
                    .fields
                    .texts
                    .iter()
                    .find(|(candidate, _)| *candidate == suffix)
                    .map(|(_, field)| *field)?;
                self.field_query(field, term, exact)
                    .map(|query| (Occur::Should, boosted(query, THESAURUS_WEIGHT)))
            })
            .collect()
    }

    /// A concept named in any language: one lookup of its token, or, for records that
    /// name it only in part, of its partial token, weighed less (the better of the two
    /// counts, so a partial mention adds nothing to a whole one).
    fn concept_query(&self, concept: &crate::thesaurus::Concept) -> Vec<(Occur, Box<dyn Query>)> {
        let mentions: Vec<Box<dyn Query>> = [
            (concept.slug.as_str(), THESAURUS_WEIGHT),
            (concept.partial.as_str(), PARTIAL_CONCEPT_WEIGHT),
        ]
        .into_iter()
        .map(|(token, weight)| {
            let term = Term::from_field_text(self.fields.concepts, token);
            boosted(
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                weight,
            )
        })
        .collect();
        vec![(Occur::Should, Box::new(DisjunctionMaxQuery::new(mentions)))]
    }

    /// The positive part of the query, which matches everything when nothing was asked for,
    /// and whether it names a thesaurus concept. `expansion` says how a concept is looked
    /// for in the other languages.
    fn text_query(
        &self,
        parsed: &ParsedQuery,
        prefix_last_word: bool,
        expansion: Expansion,
    ) -> (Box<dyn Query>, bool) {
        let groups = &parsed.required;
        let mut names_concept = false;
        let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut start = 0;
        while start < groups.len() {
            let longest = self.thesaurus.max_words().min(groups.len() - start);
            let mut consumed = 1;
            let mut concept = None;
            for length in (1..=longest).rev() {
                if let Some(found) = groups
                    .get(start..start + length)
                    .and_then(|run| self.concept_of(run))
                {
                    concept = Some(found);
                    consumed = length;
                    break;
                }
            }
            let run = groups.get(start..start + consumed).unwrap_or_default();
            let is_last_run = start + consumed == groups.len();
            let mut run_musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (position, group) in run.iter().enumerate() {
                let tolerance = Tolerance {
                    fuzzy: true,
                    prefix: prefix_last_word && is_last_run && position + 1 == run.len(),
                };
                let alternatives: Vec<(Occur, Box<dyn Query>)> = group
                    .iter()
                    .filter_map(|clause| self.clause_query(clause, tolerance))
                    .map(|query| (Occur::Should, query))
                    .collect();
                if !alternatives.is_empty() {
                    run_musts.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
                }
            }
            match concept {
                Some(concept) => {
                    names_concept = true;
                    let mut alternatives = match expansion {
                        Expansion::ConceptToken => self.concept_query(concept),
                        Expansion::Terms => self.concept_alternatives(concept),
                    };
                    if !run_musts.is_empty() {
                        alternatives.push((Occur::Should, Box::new(BooleanQuery::new(run_musts))));
                    }
                    if !alternatives.is_empty() {
                        musts.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
                    }
                }
                None => musts.extend(run_musts),
            }
            start += consumed;
        }
        if musts.is_empty() {
            return (Box::new(AllQuery), names_concept);
        }
        // Several words that stand together in a name ("NCE Blue Legasea") rank that record
        // above records that merely mention them.
        let words: Vec<&str> = parsed.words().collect();
        if words.len() > 1
            && let Some(phrase) = self.field_query(
                self.fields.names,
                &words.join(" "),
                Tolerance {
                    fuzzy: false,
                    prefix: false,
                },
            )
        {
            musts.push((Occur::Should, boosted(phrase, NAME_PHRASE_BONUS)));
        }
        (Box::new(BooleanQuery::new(musts)), names_concept)
    }

    fn facet_filter(&self, root: &str, values: &[String]) -> Option<Box<dyn Query>> {
        if values.is_empty() {
            return None;
        }
        Some(any_of(distinct(values).into_iter().map(|value| {
            TermQuery::new(
                Term::from_facet(self.fields.facets, &Facet::from_path([root, value])),
                IndexRecordOption::Basic,
            )
        })))
    }

    /// `text_query` restricted by the exclusions and filters.
    fn with_filters(
        &self,
        text_query: Box<dyn Query>,
        parsed: &ParsedQuery,
        filter: &SearchFilter,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
        let exact = Tolerance {
            fuzzy: false,
            prefix: false,
        };
        for clause in &parsed.excluded {
            if let Some(query) = self.clause_query(clause, exact) {
                clauses.push((Occur::MustNot, query));
            }
        }
        let excluded_kinds: Vec<String> = filter
            .excluded_kinds
            .iter()
            .map(|kind| kind.as_str().to_owned())
            .collect();
        if let Some(query) = self.facet_filter("type", &excluded_kinds) {
            clauses.push((Occur::MustNot, query));
        }
        let kinds: Vec<String> = filter
            .kinds
            .iter()
            .map(|kind| kind.as_str().to_owned())
            .collect();
        for (root, values) in [
            ("type", &kinds),
            ("country", &filter.countries),
            ("theme", &filter.themes),
            ("lang", &filter.langs),
            ("category", &filter.categories),
        ] {
            if let Some(query) = self.facet_filter(root, values) {
                clauses.push((Occur::Must, query));
            }
        }
        if filter.year_from.is_some() || filter.year_to.is_some() {
            let bound = |year: Option<i32>, inclusive: fn(Term) -> Bound<Term>| match year {
                Some(year) => inclusive(Term::from_field_i64(self.fields.year, i64::from(year))),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    bound(filter.year_from, Bound::Included),
                    bound(filter.year_to, Bound::Included),
                )),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

impl Writer {
    #[cfg(test)]
    pub(crate) fn force_payload_for_tests(&mut self, payload: &str) -> Result<(), Error> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(payload);
        prepared.commit()?;
        Ok(())
    }

    /// Adds `document`, replacing any earlier version of the same record.
    pub fn upsert(&mut self, document: &Document) -> Result<(), Error> {
        self.delete(document.id);
        let fields = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.id, document.id.to_string());
        doc.add_text(fields.kind, document.kind.as_str());
        let (high, low) = document.id.as_u64_pair();
        doc.add_u64(fields.id_high, high);
        doc.add_u64(fields.id_low, low);
        for name in &document.names {
            doc.add_text(fields.names, name);
        }
        for (lang, text) in &document.texts {
            let language = field_suffix_for(lang).and_then(|suffix| {
                self.analyzers
                    .iter_mut()
                    .find(|(candidate, _, _)| *candidate == suffix)
            });
            match language {
                Some((suffix, field, analyzer)) => {
                    doc.add_text(*field, text);
                    let stems = analyzers::tokens(analyzer, text);
                    for concept in self.thesaurus.concepts_in(suffix, &stems) {
                        doc.add_text(fields.concepts, concept);
                    }
                    for partial in self.thesaurus.partial_concepts_in(suffix, &stems) {
                        doc.add_text(fields.concepts, partial);
                    }
                }
                None => doc.add_text(fields.names, text),
            }
        }
        doc.add_u64(
            fields.rank,
            ranking::pack(
                &document.kind,
                document.id,
                document.texts.iter().map(|(lang, _)| lang.as_str()),
            ),
        );
        doc.add_facet(
            fields.facets,
            Facet::from_path(["type", document.kind.as_str()]),
        );
        for country in &document.countries {
            doc.add_facet(
                fields.facets,
                Facet::from_path(["country", country.as_str()]),
            );
        }
        for theme in &document.themes {
            doc.add_facet(fields.facets, Facet::from_path(["theme", theme.as_str()]));
        }
        for lang in &document.langs {
            doc.add_facet(fields.facets, Facet::from_path(["lang", lang.as_str()]));
        }
        for category in &document.categories {
            doc.add_facet(
                fields.facets,
                Facet::from_path(["category", category.as_str()]),
            );
        }
        if let Some(year) = document.year {
            doc.add_facet(
                fields.facets,
                Facet::from_path(["year", year.to_string().as_str()]),
            );
            doc.add_i64(fields.year, i64::from(year));
        }
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Removes the record `id`, if indexed.
    pub fn delete(&mut self, id: Uuid) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
    }

    /// Removes every document (before a rebuild).
    pub fn delete_all(&mut self) -> Result<(), Error> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Commits everything written so far, recording `seq` as the last applied change, with
    /// `change` (the caller's mark of that change, opaque here) and the writer's source, and
    /// makes it searchable. After a crash, the index holds exactly the last commit.
    pub fn commit(&mut self, seq: i64, change: &str) -> Result<(), Error> {
        let payload = serde_json::to_string(&CommitPayload {
            schema_version: SCHEMA_VERSION,
            seq,
            source: Some(self.source.clone()),
            change: Some(change.to_owned()),
        })
        .map_err(|error| Error::Index(tantivy::TantivyError::SystemError(error.to_string())))?;
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }
}
