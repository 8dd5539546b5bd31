//! What a database holds, counted: rows per record type and the change log's newest
//! sequence. `symbios backup` and `symbios restore` print it for the copy they check.

use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

use super::{Error, change_log};

/// Rows per record type (every type the change log records, in its order) and the newest
/// change-log sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// `(EntityType name, rows)`, e.g. `("CaseStudy", 12)`.
    pub records: Vec<(&'static str, u64)>,
    /// The newest change-log sequence, 0 when the log is empty.
    pub last_seq: i64,
}

impl Inventory {
    /// Counts what `db` holds. Run it inside one transaction (or on a copy nobody writes to)
    /// for counts of one moment.
    pub async fn read(db: &impl ConnectionTrait) -> Result<Self, Error> {
        Ok(Self {
            records: record_counts(db).await?,
            last_seq: change_log::last_seq(db).await?,
        })
    }

    /// Rows of every type together.
    pub fn total(&self) -> u64 {
        self.records.iter().map(|(_, rows)| rows).sum()
    }
}

macro_rules! count_each {
    ($($variant:ident($module:ident)),* $(,)?) => {
        async fn record_counts(
            db: &impl ConnectionTrait,
        ) -> Result<Vec<(&'static str, u64)>, Error> {
            Ok(vec![$(
                (
                    stringify!($variant),
                    symbios_entity::$module::Entity::find().count(db).await?,
                ),
            )*])
        }
    };
}

crate::with_changed_records!(count_each);
