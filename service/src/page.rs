//! Pagination shared by every paginated list (records, search, the change feed, the audit
//! log): one page-size rule ([`PageSize`]), one cursor codec ([`encode_cursor`],
//! [`decode_cursor`]) for every kind of position, and keyset pages of records whose cursors
//! carry the sort key and the id, so that pages stay stable under any order and under
//! concurrent inserts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{Order, QueryFilter, QueryOrder, Select};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Error;
use crate::direct_read::{DirectEntity, Projection, SelectAll};

/// Page size of record lists when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest page of a record list; larger requests are clamped to it.
pub const MAX_PAGE_SIZE: u64 = 100;

/// The page sizes of record lists (and search, which pages the same records).
pub const RECORD_PAGE: PageSize = PageSize {
    default: DEFAULT_PAGE_SIZE,
    max: MAX_PAGE_SIZE,
};

/// The page-size rule of every list: no size asked for gives `default`; a size above `max`
/// is clamped to `max` (the page says whether more follow, so a client paging on gets
/// everything); 0 gives an empty page (for `totalCount` or a cursor alone); a negative size
/// is refused, naming the argument. See `docs/decisions.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    /// Rows when no size is asked for.
    pub default: u64,
    /// Most rows in one page.
    pub max: u64,
}

impl PageSize {
    /// The rows to return for `requested`, given as argument `field`.
    pub fn resolve(self, field: &str, requested: Option<i32>) -> Result<u64, Error> {
        match requested {
            None => Ok(self.default),
            Some(size) => u64::try_from(size)
                .map(|size| Ord::min(size, self.max))
                .map_err(|_| Error::invalid(field, "must not be negative")),
        }
    }
}

/// A position in a list, as a cursor carries it: written as text, then made opaque by
/// [`encode_cursor`].
pub trait CursorPosition: Sized {
    /// What the cursor is called in messages, e.g. `search cursor`.
    const NAME: &'static str;
    /// The position as text.
    fn write(&self) -> String;
    /// The position `text` holds, if [`CursorPosition::write`] could have written it.
    fn read(text: &str) -> Option<Self>;
}

/// Longest cursor string accepted; real ones are under 200 characters.
const MAX_CURSOR_LENGTH: usize = 512;

/// The opaque cursor string of `position` handed to clients.
pub fn encode_cursor(position: &impl CursorPosition) -> String {
    URL_SAFE_NO_PAD.encode(position.write())
}

/// Reads a cursor string given as argument `field`; anything [`encode_cursor`] did not write
/// is `BAD_USER_INPUT` naming the argument.
pub fn decode_cursor<P: CursorPosition>(field: &str, encoded: &str) -> Result<P, Error> {
    let position = Some(encoded)
        .filter(|encoded| encoded.len() <= MAX_CURSOR_LENGTH)
        .and_then(|encoded| URL_SAFE_NO_PAD.decode(encoded).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| P::read(&text));
    position
        .ok_or_else(|| Error::invalid(field, format!("is not a {} returned by this API", P::NAME)))
}

/// A position in the change feed: the sequence number of the last change seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedPosition(pub i64);

impl CursorPosition for FeedPosition {
    const NAME: &'static str = "change-feed cursor";

    fn write(&self) -> String {
        format!("change:{}", self.0)
    }

    fn read(text: &str) -> Option<Self> {
        let seq: i64 = text.strip_prefix("change:")?.parse().ok()?;
        (seq >= 0).then_some(Self(seq))
    }
}

/// A position in a ranked list (search results): the 0-based rank of the hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankPosition(pub usize);

impl CursorPosition for RankPosition {
    const NAME: &'static str = "search cursor";

    fn write(&self) -> String {
        format!("search:{}", self.0)
    }

    fn read(text: &str) -> Option<Self> {
        text.strip_prefix("search:")?.parse().ok().map(Self)
    }
}

/// A value of the column a list is sorted by, as carried in a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortValue {
    /// A text column (names, titles).
    Text(String),
    /// An integer column (years).
    Int(i64),
    /// A date column.
    Date(NaiveDate),
    /// A timestamp column.
    Time(DateTime<Utc>),
}

impl From<SortValue> for sea_orm::Value {
    fn from(value: SortValue) -> Self {
        match value {
            SortValue::Text(text) => text.into(),
            SortValue::Int(number) => number.into(),
            SortValue::Date(date) => date.into(),
            SortValue::Time(time) => time.into(),
        }
    }
}

/// A position in a sorted list: the sort key and id of a row, and the order it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The name of the order the cursor was made for, e.g. `name_asc`.
    #[serde(rename = "o")]
    pub order: String,
    /// The row's sort key.
    #[serde(rename = "k")]
    pub key: SortValue,
    /// The row's id, which breaks ties.
    #[serde(rename = "i")]
    pub id: Uuid,
}

impl CursorPosition for Cursor {
    const NAME: &'static str = "cursor";

    fn write(&self) -> String {
        // Serializing plain data to JSON cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    fn read(text: &str) -> Option<Self> {
        let cursor: Self = serde_json::from_str(text).ok()?;
        // The key is compared in SQL; PostgreSQL cannot even receive a NUL in a text, and
        // no cursor this API made holds one.
        match &cursor.key {
            SortValue::Text(text) if text.contains('\0') => None,
            _ => Some(cursor),
        }
    }
}

/// Which end of the list a page is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageDirection {
    /// `first` / `after`.
    Forward,
    /// `last` / `before`.
    Backward,
}

/// A validated page request.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    /// Rows to return, 0 to [`MAX_PAGE_SIZE`].
    pub size: u64,
    /// Which end the page is counted from.
    pub direction: PageDirection,
    /// Only rows after this one.
    pub after: Option<Cursor>,
    /// Only rows before this one.
    pub before: Option<Cursor>,
}

impl PageRequest {
    /// Validates Relay arguments: `first` and `last` are not both given, sizes follow
    /// [`RECORD_PAGE`], cursors decode.
    pub fn new(
        first: Option<i32>,
        after: Option<&str>,
        last: Option<i32>,
        before: Option<&str>,
    ) -> Result<Self, Error> {
        let (size, direction) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid("last", "cannot be combined with first"));
            }
            (Some(_), None) => (RECORD_PAGE.resolve("first", first)?, PageDirection::Forward),
            (None, Some(_)) => (RECORD_PAGE.resolve("last", last)?, PageDirection::Backward),
            (None, None) => (RECORD_PAGE.resolve("first", None)?, PageDirection::Forward),
        };
        Ok(Self {
            size,
            direction,
            after: after
                .map(|cursor| decode_cursor("after", cursor))
                .transpose()?,
            before: before
                .map(|cursor| decode_cursor("before", cursor))
                .transpose()?,
        })
    }
}

/// How a list is sorted: a named expression and a direction; ties are broken by id.
#[derive(Debug, Clone)]
pub struct SortSpec {
    /// Name carried in cursors, e.g. `name_asc`.
    pub name: &'static str,
    /// The sort expression; it must never be NULL (wrap nullable columns in COALESCE).
    pub key: SimpleExpr,
    /// The id column.
    pub id: SimpleExpr,
    /// No two rows share a key (a unique, non-null column), so the id only breaks ties that
    /// cannot occur and is left out of `ORDER BY`: PostgreSQL then reads the key's unique
    /// index in order instead of sorting its rows again by (key, id).
    pub key_is_unique: bool,
    /// Descending order.
    pub descending: bool,
}

/// One page of rows with their cursors.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows, each with its cursor, in list order.
    pub items: Vec<(Cursor, T)>,
    /// More rows follow the last one.
    pub has_next_page: bool,
    /// More rows precede the first one.
    pub has_previous_page: bool,
}

impl SortSpec {
    fn check_cursor(&self, field: &str, cursor: &Cursor) -> Result<(), Error> {
        if cursor.order == self.name {
            Ok(())
        } else {
            Err(Error::invalid(
                field,
                format!(
                    "is a cursor of order {} and cannot be used with order {}",
                    cursor.order, self.name
                ),
            ))
        }
    }

    /// Rows strictly after `cursor` in list order.
    fn after(&self, cursor: &Cursor) -> SimpleExpr {
        self.beyond(cursor, true)
    }

    /// Rows strictly before `cursor` in list order.
    fn before(&self, cursor: &Cursor) -> SimpleExpr {
        self.beyond(cursor, false)
    }

    /// Rows strictly after (`forward`) or before `cursor` in list order: by key, then by id
    /// among equal keys. A descending order turns the comparison round.
    fn beyond(&self, cursor: &Cursor, forward: bool) -> SimpleExpr {
        let key = Expr::expr(self.key.clone());
        let id = Expr::expr(self.id.clone());
        let value = sea_orm::Value::from(cursor.key.clone());
        if forward != self.descending {
            key.clone()
                .gt(value.clone())
                .or(key.eq(value).and(id.gt(cursor.id)))
        } else {
            key.clone()
                .lt(value.clone())
                .or(key.eq(value).and(id.lt(cursor.id)))
        }
    }
}

/// Fetches one page of `select` in the order of `sort`, reading the columns of `projection`.
/// `key_of` and `id_of` read a row's sort key and id for its cursor; they must agree with
/// `sort.key` and `sort.id`, and read only projected columns.
pub async fn fetch<E>(
    db: &impl SelectAll,
    (select, projection): (Select<E>, &Projection<E>),
    sort: &SortSpec,
    request: &PageRequest,
    key_of: impl Fn(&E::Model) -> SortValue,
    id_of: impl Fn(&E::Model) -> Uuid,
) -> Result<Page<E::Model>, Error>
where
    E: DirectEntity,
{
    let mut select = select;
    if let Some(cursor) = &request.after {
        sort.check_cursor("after", cursor)?;
        select = select.filter(sort.after(cursor));
    }
    if let Some(cursor) = &request.before {
        sort.check_cursor("before", cursor)?;
        select = select.filter(sort.before(cursor));
    }
    if request.size == 0 {
        return Ok(Page {
            items: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
        });
    }
    let backward = request.direction == PageDirection::Backward;
    let order = if sort.descending != backward {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut select = select.order_by(sort.key.clone(), order.clone());
    if !sort.key_is_unique {
        select = select.order_by(sort.id.clone(), order);
    }
    let mut rows = db
        .select_first_of(select, request.size + 1, projection)
        .await?;
    let has_more = rows.len() as u64 > request.size;
    rows.truncate(usize::try_from(request.size).unwrap_or(usize::MAX));
    if backward {
        rows.reverse();
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let cursor = Cursor {
                order: sort.name.to_owned(),
                key: key_of(&row),
                id: id_of(&row),
            };
            (cursor, row)
        })
        .collect();
    let (has_next_page, has_previous_page) = match request.direction {
        PageDirection::Forward => (has_more, request.after.is_some()),
        PageDirection::Backward => (request.before.is_some(), has_more),
    };
    Ok(Page {
        items,
        has_next_page,
        has_previous_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips() {
        let cursor = Cursor {
            order: "name_asc".to_owned(),
            key: SortValue::Text("Kalundborg".to_owned()),
            id: Uuid::nil(),
        };
        let decoded = decode_cursor::<Cursor>("after", &encode_cursor(&cursor));
        assert_eq!(decoded.ok(), Some(cursor));
        let feed = decode_cursor::<FeedPosition>("after", &encode_cursor(&FeedPosition(42)));
        assert_eq!(feed.ok(), Some(FeedPosition(42)));
        let rank = decode_cursor::<RankPosition>("after", &encode_cursor(&RankPosition(7)));
        assert_eq!(rank.ok(), Some(RankPosition(7)));
    }

    #[test]
    fn cursors_written_before_the_codec_was_shared_still_read() {
        assert_eq!(
            decode_cursor::<FeedPosition>("after", &URL_SAFE_NO_PAD.encode("change:9")).ok(),
            Some(FeedPosition(9))
        );
        assert_eq!(
            decode_cursor::<RankPosition>("after", &URL_SAFE_NO_PAD.encode("search:19")).ok(),
            Some(RankPosition(19))
        );
    }

    #[test]
    fn malformed_cursors_name_the_argument() {
        for garbage in ["", "!!!", "eyJ4IjoxfQ", &"A".repeat(4000)] {
            let error = decode_cursor::<Cursor>("before", garbage)
                .err()
                .map(|e| e.to_string());
            assert_eq!(
                error.as_deref(),
                Some("before: is not a cursor returned by this API"),
                "{garbage}"
            );
        }
        let negative = URL_SAFE_NO_PAD.encode("change:-1");
        let error = decode_cursor::<FeedPosition>("after", &negative).err();
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some("after: is not a change-feed cursor returned by this API")
        );
        // A cursor of one kind is not a cursor of another.
        let search = encode_cursor(&RankPosition(3));
        assert!(decode_cursor::<FeedPosition>("after", &search).is_err());
        assert!(decode_cursor::<Cursor>("after", &search).is_err());
    }

    #[test]
    fn a_forged_cursor_with_a_nul_in_its_key_is_refused() {
        let forged = Cursor {
            order: "name_asc".to_owned(),
            key: SortValue::Text("a\0b".to_owned()),
            id: Uuid::nil(),
        };
        let error = decode_cursor::<Cursor>("after", &encode_cursor(&forged)).err();
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some("after: is not a cursor returned by this API")
        );
    }

    #[test]
    fn page_request_rules() {
        assert!(PageRequest::new(Some(1), None, Some(1), None).is_err());
        assert!(PageRequest::new(Some(-1), None, None, None).is_err());
        let clamped = PageRequest::new(Some(5000), None, None, None);
        assert_eq!(clamped.map(|r| r.size).ok(), Some(MAX_PAGE_SIZE));
        let default = PageRequest::new(None, None, None, None);
        assert_eq!(default.map(|r| r.size).ok(), Some(DEFAULT_PAGE_SIZE));
    }

    #[test]
    fn one_page_size_rule() {
        let feed = PageSize {
            default: 100,
            max: 1000,
        };
        assert_eq!(feed.resolve("first", None).ok(), Some(100));
        assert_eq!(feed.resolve("first", Some(0)).ok(), Some(0));
        assert_eq!(feed.resolve("first", Some(250)).ok(), Some(250));
        assert_eq!(feed.resolve("first", Some(5000)).ok(), Some(1000));
        assert_eq!(
            feed.resolve("first", Some(-1))
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("first: must not be negative")
        );
    }
}
