//! The order of hits beyond the text score, from one number per document (the `rank` fast
//! field, written at indexing):
//!
//! 1. a record with text in the language asked for has its score raised by
//!    [`REQUESTED_LANGUAGE_RECORD_BOOST`], so that of two records matching alike, the one a
//!    reader of that language can read comes first;
//! 2. equal scores go to the record type listed first in [`TIE_BREAK_KINDS`] (case studies
//!    first), then to the lower id digest (48 bits folded from the id: time-ordered ids share
//!    their top bits), so that the order, and with it the rank-based cursors of a search,
//!    does not depend on how the index's segments were laid out.
//!
//! The number packs, from the highest bit: the record type's place (8 bits), the language
//! fields with text (8 bits), the id digest, inverted (a lower digest ranks higher).

use std::sync::Arc;

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{SegmentSortKeyComputer, SortKeyComputer};
use tantivy::columnar::ColumnValues;
use tantivy::{DocId, Score, SegmentReader};
use uuid::Uuid;

use crate::analyzers::{LANGUAGE_FIELDS, field_suffix_for};
use crate::index::Kind;
use crate::schema;

/// Record types in the order they take among equal scores; a type not listed comes after.
pub const TIE_BREAK_KINDS: [&str; 5] = ["case_study", "project", "actor", "funder", "theme"];

/// Score factor of records that have text in the language asked for.
pub const REQUESTED_LANGUAGE_RECORD_BOOST: f32 = 2.0;

const KIND_SHIFT: u32 = 56;
const LANGS_SHIFT: u32 = 48;
const LANGS_MASK: u64 = 0xff << LANGS_SHIFT;
const ID_MASK: u64 = (1 << LANGS_SHIFT) - 1;

/// The bit of language field `suffix` in the packed number.
fn language_bit(suffix: &str) -> u64 {
    LANGUAGE_FIELDS
        .iter()
        .position(|(candidate, _, _)| *candidate == suffix)
        .map_or(0, |position| 1 << (LANGS_SHIFT + position as u32))
}

/// The `rank` value of a record of type `kind` with id `id` and texts in `langs`.
pub fn pack<'a>(kind: &Kind, id: Uuid, langs: impl Iterator<Item = &'a str>) -> u64 {
    let place = TIE_BREAK_KINDS
        .iter()
        .position(|name| *name == kind.as_str())
        .map_or(0, |position| (TIE_BREAK_KINDS.len() - position) as u64);
    let languages = langs
        .filter_map(field_suffix_for)
        .fold(0, |bits, suffix| bits | language_bit(suffix));
    let (high, low) = id.as_u64_pair();
    let digest = (high ^ low) & ID_MASK;
    (place << KIND_SHIFT) | languages | (!digest & ID_MASK)
}

/// Orders hits by score (raised for records with text in the requested language), then by
/// record type and id. The sort key is (score, tie-break) and the score is what the hit
/// reports.
#[derive(Debug, Clone, Copy)]
pub struct RankedByScore {
    /// The requested language field's bit, if a language with a field was asked for.
    requested: Option<u64>,
}

impl RankedByScore {
    /// Ranking for a search in language field `requested`.
    pub fn new(requested: Option<&str>) -> Self {
        Self {
            requested: requested.map(language_bit).filter(|bit| *bit != 0),
        }
    }
}

/// [`RankedByScore`] on one segment.
pub struct SegmentRanking {
    ranks: Arc<dyn ColumnValues<u64>>,
    requested: Option<u64>,
}

impl SortKeyComputer for RankedByScore {
    type SortKey = (Score, u64);
    type Child = SegmentRanking;
    type Comparator = NaturalComparator;

    fn requires_scoring(&self) -> bool {
        true
    }

    fn segment_sort_key_computer(
        &self,
        segment_reader: &SegmentReader,
    ) -> tantivy::Result<SegmentRanking> {
        let ranks = segment_reader
            .fast_fields()
            .u64(schema::RANK)?
            .first_or_default_col(0);
        Ok(SegmentRanking {
            ranks,
            requested: self.requested,
        })
    }
}

impl SegmentSortKeyComputer for SegmentRanking {
    type SortKey = (Score, u64);
    type SegmentSortKey = (Score, u64);
    type SegmentComparator = NaturalComparator;

    fn segment_sort_key(&mut self, doc: DocId, score: Score) -> (Score, u64) {
        let rank = self.ranks.get_val(doc);
        let score = match self.requested {
            Some(bit) if rank & bit != 0 => score * REQUESTED_LANGUAGE_RECORD_BOOST,
            _ => score,
        };
        (score, rank & !LANGS_MASK)
    }

    fn convert_segment_sort_key(&self, sort_key: (Score, u64)) -> (Score, u64) {
        sort_key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_case_studies_then_to_the_lower_id() {
        let key = |kind: &'static str, id: u128| {
            pack(
                &Kind::named(kind),
                Uuid::from_u128(id << 80),
                ["en"].into_iter(),
            ) & !LANGS_MASK
        };
        let order = [
            key("case_study", 9),
            key("project", 1),
            key("actor", 1),
            key("actor", 2),
            key("funder", 1),
            key("theme", 1),
            key("flow", 1),
        ];
        assert!(order.windows(2).all(|pair| pair[0] > pair[1]), "{order:x?}");
        // Time-ordered ids (UUID v7) made in the same millisecond still differ.
        let same_millisecond = |random: u128| {
            pack(
                &Kind::named("actor"),
                Uuid::from_u128((0x0190_0000_0000_7000 << 64) | random),
                std::iter::empty(),
            )
        };
        assert_ne!(
            same_millisecond(0x8000_0000_0000_0001),
            same_millisecond(0x8000_0000_0000_0002)
        );
    }

    #[test]
    fn languages_are_marked_per_field() {
        let rank = pack(
            &Kind::named("actor"),
            Uuid::nil(),
            ["nn", "sv", "xx"].into_iter(),
        );
        assert_ne!(rank & language_bit("nb"), 0, "nynorsk is in the nb field");
        assert_ne!(rank & language_bit("sv"), 0);
        assert_eq!(rank & language_bit("en"), 0);
        assert_eq!(RankedByScore::new(Some("xx")).requested, None);
    }
}
