//! Keyset pagination shared by every list: opaque cursors that carry the sort key and the id,
//! so that pages stay stable under any order and under concurrent inserts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Error;

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest page; larger requests are clamped to it.
pub const MAX_PAGE_SIZE: u64 = 100;

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

/// Longest cursor string accepted; real ones are under 200 characters.
const MAX_CURSOR_LENGTH: usize = 512;

impl Cursor {
    /// The opaque string handed to clients.
    pub fn encode(&self) -> String {
        // Serializing plain data to JSON cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a cursor string given as argument `field`.
    pub fn decode(field: &str, encoded: &str) -> Result<Self, Error> {
        let malformed = || Error::invalid(field, "is not a cursor returned by this API");
        if encoded.len() > MAX_CURSOR_LENGTH {
            return Err(malformed());
        }
        let json = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| malformed())?;
        let cursor: Self = serde_json::from_slice(&json).map_err(|_| malformed())?;
        // The key is compared in SQL; PostgreSQL cannot even receive a NUL in a text, and
        // no cursor this API made holds one.
        match &cursor.key {
            SortValue::Text(text) if text.contains('\0') => Err(malformed()),
            _ => Ok(cursor),
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
    /// Validates Relay arguments: `first` and `last` are not both given, neither is negative,
    /// sizes above [`MAX_PAGE_SIZE`] are clamped, cursors decode.
    pub fn new(
        first: Option<i32>,
        after: Option<&str>,
        last: Option<i32>,
        before: Option<&str>,
    ) -> Result<Self, Error> {
        let clamp = |field: &str, value: i32| -> Result<u64, Error> {
            u64::try_from(value)
                .map(|size| Ord::min(size, MAX_PAGE_SIZE))
                .map_err(|_| Error::invalid(field, "must not be negative"))
        };
        let (size, direction) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid("last", "cannot be combined with first"));
            }
            (Some(first), None) => (clamp("first", first)?, PageDirection::Forward),
            (None, Some(last)) => (clamp("last", last)?, PageDirection::Backward),
            (None, None) => (DEFAULT_PAGE_SIZE, PageDirection::Forward),
        };
        Ok(Self {
            size,
            direction,
            after: after
                .map(|cursor| Cursor::decode("after", cursor))
                .transpose()?,
            before: before
                .map(|cursor| Cursor::decode("before", cursor))
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
        let key = Expr::expr(self.key.clone());
        let id = Expr::expr(self.id.clone());
        let value = sea_orm::Value::from(cursor.key.clone());
        if self.descending {
            key.clone()
                .lt(value.clone())
                .or(key.eq(value).and(id.lt(cursor.id)))
        } else {
            key.clone()
                .gt(value.clone())
                .or(key.eq(value).and(id.gt(cursor.id)))
        }
    }

    /// Rows strictly before `cursor` in list order.
    fn before(&self, cursor: &Cursor) -> SimpleExpr {
        let key = Expr::expr(self.key.clone());
        let id = Expr::expr(self.id.clone());
        let value = sea_orm::Value::from(cursor.key.clone());
        if self.descending {
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

/// Fetches one page of `select` in the order of `sort`. `key_of` and `id_of` read a row's
/// sort key and id for its cursor; they must agree with `sort.key` and `sort.id`.
pub async fn fetch<E>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    sort: &SortSpec,
    request: &PageRequest,
    key_of: impl Fn(&E::Model) -> SortValue,
    id_of: impl Fn(&E::Model) -> Uuid,
) -> Result<Page<E::Model>, Error>
where
    E: EntityTrait,
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
    let mut rows = select
        .order_by(sort.key.clone(), order.clone())
        .order_by(sort.id.clone(), order)
        .limit(request.size + 1)
        .all(db)
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
        let decoded = Cursor::decode("after", &cursor.encode());
        assert_eq!(decoded.ok(), Some(cursor));
    }

    #[test]
    fn malformed_cursors_name_the_argument() {
        for garbage in ["", "!!!", "eyJ4IjoxfQ", &"A".repeat(4000)] {
            let error = Cursor::decode("before", garbage)
                .err()
                .map(|e| e.to_string());
            assert_eq!(
                error.as_deref(),
                Some("before: is not a cursor returned by this API"),
                "{garbage}"
            );
        }
    }

    #[test]
    fn a_forged_cursor_with_a_nul_in_its_key_is_refused() {
        let forged = Cursor {
            order: "name_asc".to_owned(),
            key: SortValue::Text("a\0b".to_owned()),
            id: Uuid::nil(),
        };
        let error = Cursor::decode("after", &forged.encode()).err();
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
}
