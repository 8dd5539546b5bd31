//! Reads of whole rows on SQLite without sqlx's worker thread: the statement sea-orm builds
//! runs on a `rusqlite` connection of a small pool, on the calling thread, and its rows are
//! decoded straight into the entity's model.
//!
//! Why: sqlx runs every SQLite statement on a worker thread of its connection and sends each
//! row back over a channel, so a nested read pays two thread switches per statement and frees
//! on one thread what another allocated; on the peers' nested query that was about a quarter
//! of the server's CPU (`docs/benchmarks.md`, 2026-12-07, sixth session). Only the hot reads
//! go this way ([`SelectAll`]: the batched loads of records, relations and texts, and record
//! lists); every write, transaction and other read stays on sea-orm.
//!
//! A read may take only some columns ([`Projection`]): the planner's pages and lookups read
//! what their selection writes, and the model's other fields hold a filler.
//!
//! Invariants: a statement this module cannot bind (a value type it does not know) or whose
//! columns are not the ones asked for (the entity's own, or a projection's, in the entity's
//! order) runs through sea-orm instead; a value it cannot decode is an error, never a guess.
//! A statement that runs past the deadline is interrupted, so that a read on a request's
//! thread stays bounded.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags};
use sea_orm::sea_query::{ColumnType, OptionEnum, Value};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, DbErr, EntityTrait, ExecResult, IdenStatic, Iterable, QueryResult, QuerySelect,
    QueryTrait, Select, Statement, TryIntoModel,
};
use uuid::Uuid;

/// Connections kept open between reads; more are opened while more reads run at once.
const IDLE_CONNECTIONS: usize = 4;
/// Prepared statements kept per connection (a batched read has one text per key count).
const STATEMENT_CACHE: usize = 128;
/// SQLite virtual-machine steps between two looks at the deadline.
const STEPS_PER_DEADLINE_CHECK: i32 = 10_000;

/// Why a direct read failed.
#[derive(Debug, thiserror::Error)]
pub enum DirectReadError {
    /// SQLite refused the statement or could not open the file.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored value does not fit the entity's column.
    #[error("column {column}: {reason}")]
    Decode {
        /// The column.
        column: String,
        /// Why it does not fit.
        reason: String,
    },
}

impl From<DirectReadError> for DbErr {
    fn from(error: DirectReadError) -> Self {
        DbErr::Custom(error.to_string())
    }
}

/// A pool of read-only `rusqlite` connections to one SQLite file.
#[derive(Clone)]
pub struct SqliteReads {
    inner: Arc<Pool>,
}

struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    deadline: Duration,
    on_statement: Box<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for SqliteReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteReads")
            .field("path", &self.inner.path)
            .field("deadline", &self.inner.deadline)
            .finish_non_exhaustive()
    }
}

impl SqliteReads {
    /// Reads of the SQLite file `path` (opened once here, to fail early), each statement
    /// interrupted after `deadline`; `on_statement` is called for every statement run (the
    /// server's statement counter).
    pub fn open(
        path: &Path,
        deadline: Duration,
        on_statement: impl Fn() + Send + Sync + 'static,
    ) -> Result<Self, DirectReadError> {
        let reads = Self {
            inner: Arc::new(Pool {
                path: path.to_path_buf(),
                idle: Mutex::new(Vec::new()),
                deadline,
                on_statement: Box::new(on_statement),
            }),
        };
        let connection = reads.inner.connect()?;
        reads.inner.give_back(connection);
        Ok(reads)
    }

    /// The SQLite file of `db`'s pool, when `db` is a file-backed SQLite database (an
    /// in-memory one cannot be opened twice).
    pub fn file_of(db: &DatabaseConnection) -> Option<PathBuf> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return None;
        }
        let options = db.get_sqlite_connection_pool().connect_options();
        let path = options.get_filename();
        (!path.as_os_str().is_empty() && path != Path::new(":memory:")).then(|| path.to_path_buf())
    }

    /// The rows of `statement` (built by sea-orm for SQLite from a `Select<E>`), as models;
    /// `None` when the statement is not one this module runs (see the module's invariants),
    /// for the caller to run through sea-orm.
    pub fn all<E: DirectEntity>(
        &self,
        statement: &Statement,
    ) -> Option<Result<Vec<E::Model>, DirectReadError>> {
        let table = Table::<E>::of_entity();
        let nothing_set = <E::ActiveModel as ActiveModelTrait>::default();
        self.rows::<E>(statement, &table.columns, &nothing_set)
    }

    /// The rows of a statement that reads `columns` (in that order), each model starting from
    /// `start` (what the columns not read hold).
    fn rows<E: DirectEntity>(
        &self,
        statement: &Statement,
        columns: &[(E::Column, ColumnType)],
        start: &E::ActiveModel,
    ) -> Option<Result<Vec<E::Model>, DirectReadError>> {
        let values = statement
            .values
            .as_ref()
            .map_or(&[][..], |values| &values.0);
        let parameters = values.iter().map(parameter).collect::<Option<Vec<_>>>()?;
        let connection = match self.inner.take() {
            Ok(connection) => connection,
            Err(error) => return Some(Err(error)),
        };
        let result = self
            .inner
            .run::<E>(&connection, &statement.sql, &parameters, columns, start);
        // A connection whose statement was interrupted is still good; one whose deadline
        // cannot be taken off is dropped.
        if connection.progress_handler(0, None::<fn() -> bool>).is_ok() {
            self.inner.give_back(connection);
        }
        result
    }
}

impl Pool {
    fn connect(&self) -> Result<Connection, DirectReadError> {
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(Duration::from_secs(10))?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // As the server's own pool reads (`db::connect`).
        connection.pragma_update(None, "mmap_size", 268_435_456)?;
        Ok(connection)
    }

    fn take(&self) -> Result<Connection, DirectReadError> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(connection) => Ok(connection),
            None => self.connect(),
        }
    }

    fn give_back(&self, connection: Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE_CONNECTIONS
        {
            idle.push(connection);
        }
    }

    /// Runs the statement; `None` when its columns are not `columns` in order.
    fn run<E: DirectEntity>(
        &self,
        connection: &Connection,
        sql: &str,
        parameters: &[ToSqlOutput<'_>],
        columns: &[(E::Column, ColumnType)],
        start: &E::ActiveModel,
    ) -> Option<Result<Vec<E::Model>, DirectReadError>> {
        let deadline = Instant::now() + self.deadline;
        if let Err(error) = connection.progress_handler(
            STEPS_PER_DEADLINE_CHECK,
            Some(move || Instant::now() > deadline),
        ) {
            return Some(Err(error.into()));
        }
        let mut statement = match connection.prepare_cached(sql) {
            Ok(statement) => statement,
            Err(error) => return Some(Err(error.into())),
        };
        let names_match = statement.column_count() == columns.len()
            && columns.iter().enumerate().all(|(index, (column, _))| {
                statement
                    .column_name(index)
                    .is_ok_and(|name| name == column.as_str())
            });
        if !names_match {
            return None;
        }
        (self.on_statement)();
        Some(read_rows::<E>(&mut statement, parameters, columns, start))
    }
}

fn read_rows<E: DirectEntity>(
    statement: &mut rusqlite::CachedStatement<'_>,
    parameters: &[ToSqlOutput<'_>],
    columns: &[(E::Column, ColumnType)],
    start: &E::ActiveModel,
) -> Result<Vec<E::Model>, DirectReadError> {
    for (index, value) in parameters.iter().enumerate() {
        statement.raw_bind_parameter(index + 1, value)?;
    }
    let mut rows = statement.raw_query();
    let mut models = Vec::new();
    while let Some(row) = rows.next()? {
        let mut model = start.clone();
        for (index, (column, column_type)) in columns.iter().enumerate() {
            let value = decode(row.get_ref(index)?, column_type).map_err(|reason| {
                DirectReadError::Decode {
                    column: column.as_str().to_owned(),
                    reason,
                }
            })?;
            model
                .try_set(*column, value)
                .map_err(|error| DirectReadError::Decode {
                    column: column.as_str().to_owned(),
                    reason: error.to_string(),
                })?;
        }
        models.push(E::model_of(model).map_err(|error| DirectReadError::Decode {
            column: String::new(),
            reason: error.to_string(),
        })?);
    }
    Ok(models)
}

/// A bound value as sqlx binds it on SQLite (`sea-query-sqlx`), or `None` for a type this
/// module does not bind.
fn parameter(value: &Value) -> Option<ToSqlOutput<'_>> {
    use ToSqlOutput::{Borrowed, Owned};
    let null = Owned(SqlValue::Null);
    Some(match value {
        Value::Bool(value) => value.map_or(null, |value| Owned(SqlValue::Integer(value.into()))),
        Value::TinyInt(value) => integer(value.map(i64::from)),
        Value::SmallInt(value) => integer(value.map(i64::from)),
        Value::Int(value) => integer(value.map(i64::from)),
        Value::BigInt(value) => integer(*value),
        Value::TinyUnsigned(value) => integer(value.map(i64::from)),
        Value::SmallUnsigned(value) => integer(value.map(i64::from)),
        Value::Unsigned(value) => integer(value.map(i64::from)),
        // A bound `LIMIT` (`.limit()`; pages and lookups write theirs as a literal instead).
        Value::BigUnsigned(value) => match value {
            Some(value) => integer(Some(i64::try_from(*value).ok()?)),
            None => null,
        },
        Value::Double(value) => value.map_or(null, |value| Owned(SqlValue::Real(value))),
        Value::Float(value) => value.map_or(null, |value| Owned(SqlValue::Real(value.into()))),
        Value::String(value) => value
            .as_deref()
            .map_or(null, |text| Borrowed(ValueRef::Text(text.as_bytes()))),
        Value::Enum(OptionEnum::Some(value)) => Owned(SqlValue::Text(value.value.to_string())),
        Value::Enum(OptionEnum::None(_)) => null,
        Value::Uuid(value) => {
            value.map_or(null, |id| Owned(SqlValue::Blob(id.as_bytes().to_vec())))
        }
        Value::ChronoDateTimeUtc(value) => value.map_or(null, |time| {
            Owned(SqlValue::Text(
                time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
            ))
        }),
        Value::ChronoDate(value) => value.map_or(null, |date| {
            Owned(SqlValue::Text(date.format("%F").to_string()))
        }),
        _ => return None,
    })
}

fn integer(value: Option<i64>) -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(value.map_or(SqlValue::Null, SqlValue::Integer))
}

/// A stored value as the model's field takes it (as sqlx decodes it on SQLite).
fn decode(stored: ValueRef<'_>, column_type: &ColumnType) -> Result<Value, String> {
    let null = matches!(stored, ValueRef::Null);
    Ok(match column_type {
        ColumnType::Uuid => Value::Uuid(if null {
            None
        } else {
            Some(uuid::Uuid::from_slice(blob(stored)?).map_err(|error| error.to_string())?)
        }),
        ColumnType::Char(_)
        | ColumnType::String(_)
        | ColumnType::Text
        | ColumnType::Enum { .. } => Value::String(if null {
            None
        } else {
            Some(text(stored)?.to_owned())
        }),
        ColumnType::Integer => Value::Int(if null {
            None
        } else {
            Some(i32::try_from(int(stored)?).map_err(|error| error.to_string())?)
        }),
        ColumnType::BigInteger => Value::BigInt(if null { None } else { Some(int(stored)?) }),
        ColumnType::Boolean => Value::Bool(if null { None } else { Some(int(stored)? != 0) }),
        ColumnType::Double => Value::Double(if null { None } else { Some(real(stored)?) }),
        ColumnType::TimestampWithTimeZone => Value::ChronoDateTimeUtc(if null {
            None
        } else {
            Some(date_time(stored)?.with_timezone(&Utc))
        }),
        ColumnType::Date => Value::ChronoDate(if null {
            None
        } else {
            Some(
                NaiveDate::parse_from_str(text(stored)?, "%F")
                    .map_err(|error| error.to_string())?,
            )
        }),
        other => return Err(format!("column type {other:?} is not read directly")),
    })
}

fn blob<'a>(stored: ValueRef<'a>) -> Result<&'a [u8], String> {
    match stored {
        ValueRef::Blob(bytes) => Ok(bytes),
        other => Err(format!("expected a blob, found {}", other.data_type())),
    }
}

fn text<'a>(stored: ValueRef<'a>) -> Result<&'a str, String> {
    match stored {
        ValueRef::Text(bytes) => std::str::from_utf8(bytes).map_err(|error| error.to_string()),
        other => Err(format!("expected a text, found {}", other.data_type())),
    }
}

fn int(stored: ValueRef<'_>) -> Result<i64, String> {
    match stored {
        ValueRef::Integer(value) => Ok(value),
        other => Err(format!("expected an integer, found {}", other.data_type())),
    }
}

fn real(stored: ValueRef<'_>) -> Result<f64, String> {
    match stored {
        ValueRef::Real(value) => Ok(value),
        // SQLite keeps an integral REAL as an integer in the record; it reads back as REAL
        // through a REAL column, but an expression may not.
        #[allow(clippy::cast_precision_loss)]
        ValueRef::Integer(value) => Ok(value as f64),
        other => Err(format!("expected a number, found {}", other.data_type())),
    }
}

/// A timestamp as sqlx reads one on SQLite: RFC 3339 first, then SQLite's own forms, a
/// Unix time or a Julian day.
fn date_time(stored: ValueRef<'_>) -> Result<DateTime<FixedOffset>, String> {
    const FORMATS: [&str; 12] = [
        "%F %T%.f",
        "%F %R",
        "%F %RZ",
        "%F %R%:z",
        "%F %T%.fZ",
        "%F %T%.f%:z",
        "%FT%R",
        "%FT%RZ",
        "%FT%R%:z",
        "%FT%T%.f",
        "%FT%T%.fZ",
        "%FT%T%.f%:z",
    ];
    let parsed = match stored {
        ValueRef::Text(_) => {
            let text = text(stored)?;
            DateTime::parse_from_rfc3339(text).ok().or_else(|| {
                FORMATS.iter().find_map(|format| {
                    DateTime::parse_from_str(text, format).ok().or_else(|| {
                        NaiveDateTime::parse_from_str(text, format)
                            .ok()
                            .map(|naive| Utc.fix().from_utc_datetime(&naive))
                    })
                })
            })
        }
        ValueRef::Integer(seconds) => Utc.fix().timestamp_opt(seconds, 0).single(),
        ValueRef::Real(julian_day) => {
            let seconds = (julian_day - 2_440_587.5) * 86_400.0;
            #[allow(clippy::cast_possible_truncation)]
            let whole = seconds.trunc() as i64;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let nanos = (seconds.fract() * 1e9).round() as u32;
            seconds
                .is_finite()
                .then(|| Utc.fix().timestamp_opt(whole, nanos).single())
                .flatten()
        }
        ValueRef::Null | ValueRef::Blob(_) => None,
    };
    parsed.ok_or_else(|| "not a date and time".to_owned())
}

/// An entity whose models this module can build (every entity whose active model converts
/// into its model, as derived ones do).
pub trait DirectEntity: EntityTrait<ActiveModel: Send + Sync> {
    /// The model `active` holds, every column set.
    fn model_of(active: Self::ActiveModel) -> Result<Self::Model, DbErr>;
}

impl<E> DirectEntity for E
where
    E: EntityTrait<ActiveModel: Send + Sync>,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    fn model_of(active: Self::ActiveModel) -> Result<Self::Model, DbErr> {
        active.try_into_model()
    }
}

/// The columns of `E` a read takes from the database, in the entity's order. A model read
/// with a projection holds a filler in every other field (an empty text, zero, the nil id,
/// the Unix epoch, `None`): it is for a caller that reads only the projected fields, as the
/// planner's record lists do (their selection says which). A column without a filler (a
/// closed vocabulary: no one value fits every type) is read whatever the projection.
#[derive(Debug, Clone)]
pub struct Projection<E: EntityTrait> {
    /// `None`: every column.
    columns: Option<Vec<E::Column>>,
}

impl<E: EntityTrait> Projection<E> {
    /// Every column: whole models.
    pub fn all() -> Self {
        Self { columns: None }
    }

    /// The columns for which `reads` holds.
    pub fn only(reads: impl Fn(E::Column) -> bool) -> Self {
        Self {
            columns: Some(E::Column::iter().filter(|column| reads(*column)).collect()),
        }
    }
}

/// What this module reads of one entity's table, worked out once: its columns with their
/// types in the entity's order, and what the columns a projection leaves out hold (an active
/// model with each of them set to its filler; the columns that have none).
struct Table<E: EntityTrait> {
    columns: Vec<(E::Column, ColumnType)>,
    filled: E::ActiveModel,
    unfillable: Vec<E::Column>,
}

/// The tables read so far, by the entity's type (a few dozen at most; each made once).
static TABLES: LazyLock<Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>> =
    LazyLock::new(Mutex::default);

impl<E: DirectEntity> Table<E> {
    fn of_entity() -> Arc<Self> {
        let kept = TABLES.lock().ok().and_then(|tables| {
            let table = Arc::clone(tables.get(&TypeId::of::<E>())?);
            table.downcast::<Self>().ok()
        });
        if let Some(table) = kept {
            return table;
        }
        let table = Arc::new(Self::new());
        if let Ok(mut tables) = TABLES.lock() {
            tables.insert(
                TypeId::of::<E>(),
                Arc::clone(&table) as Arc<dyn Any + Send + Sync>,
            );
        }
        table
    }

    fn new() -> Self {
        let mut columns = Vec::new();
        let mut filled = <E::ActiveModel as ActiveModelTrait>::default();
        let mut unfillable = Vec::new();
        for column in E::Column::iter() {
            let definition = column.def();
            let column_type = definition.get_column_type();
            let has_filler = filler(column_type, definition.is_null())
                .is_some_and(|value| filled.try_set(column, value).is_ok());
            if !has_filler {
                unfillable.push(column);
            }
            columns.push((column, column_type.clone()));
        }
        Self {
            columns,
            filled,
            unfillable,
        }
    }
}

/// The value an unread column of `column_type` holds: `None` where it may be NULL, else its
/// type's zero; `None` for a type without one.
fn filler(column_type: &ColumnType, nullable: bool) -> Option<Value> {
    let some = !nullable;
    Some(match column_type {
        ColumnType::Uuid => Value::Uuid(some.then(Uuid::nil)),
        ColumnType::Char(_) | ColumnType::String(_) | ColumnType::Text => {
            Value::String(some.then(String::new))
        }
        ColumnType::Integer => Value::Int(some.then_some(0)),
        ColumnType::BigInteger => Value::BigInt(some.then_some(0)),
        ColumnType::Boolean => Value::Bool(some.then_some(false)),
        ColumnType::Double => Value::Double(some.then_some(0.0)),
        ColumnType::TimestampWithTimeZone => {
            Value::ChronoDateTimeUtc(some.then_some(DateTime::<Utc>::UNIX_EPOCH))
        }
        ColumnType::Date => Value::ChronoDate(some.then(NaiveDate::default)),
        _ => return None,
    })
}

/// How the rows of a projected read become models: the columns it reads, in order, and its
/// table (what the others hold).
struct Projected<E: EntityTrait> {
    columns: Vec<(E::Column, ColumnType)>,
    table: Arc<Table<E>>,
}

impl<E: DirectEntity> Projected<E> {
    /// The statement of the first `limit` rows of `select` with the columns `wanted` (and
    /// those without a filler), and how its rows become models.
    fn new(
        select: Select<E>,
        limit: u64,
        wanted: &[E::Column],
        backend: DbBackend,
    ) -> (Statement, Self) {
        let table = Table::<E>::of_entity();
        let reads = |column: &E::Column| {
            let name = column.as_str();
            wanted
                .iter()
                .chain(&table.unfillable)
                .any(|read| read.as_str() == name)
        };
        let columns: Vec<(E::Column, ColumnType)> = table
            .columns
            .iter()
            .filter(|(column, _)| reads(column))
            .cloned()
            .collect();
        let statement = select
            .select_only()
            .columns(columns.iter().map(|(column, _)| *column))
            .build(backend);
        (
            with_literal_limit(statement, limit),
            Self { columns, table },
        )
    }

    /// The models of `statement`'s rows, read through sea-orm.
    async fn read_through(
        &self,
        db: &impl ConnectionTrait,
        statement: Statement,
    ) -> Result<Vec<E::Model>, DbErr> {
        let rows = db.query_all_raw(statement).await?;
        rows.iter()
            .map(|row| {
                let mut model = self.table.filled.clone();
                for (index, (column, column_type)) in self.columns.iter().enumerate() {
                    model.try_set(*column, decode_result(row, index, column_type)?)?;
                }
                E::model_of(model)
            })
            .collect()
    }
}

/// `statement` with ` LIMIT limit` written into its SQL (see [`SelectAll::select_first`]).
fn with_literal_limit(mut statement: Statement, limit: u64) -> Statement {
    statement.sql.push_str(&format!(" LIMIT {limit}"));
    statement
}

/// A value of a row read through sea-orm, as the model's field takes it.
fn decode_result(
    row: &QueryResult,
    index: usize,
    column_type: &ColumnType,
) -> Result<Value, DbErr> {
    Ok(match column_type {
        ColumnType::Uuid => Value::Uuid(row.try_get_by_index(index)?),
        ColumnType::Char(_)
        | ColumnType::String(_)
        | ColumnType::Text
        | ColumnType::Enum { .. } => Value::String(row.try_get_by_index(index)?),
        ColumnType::Integer => Value::Int(row.try_get_by_index(index)?),
        ColumnType::BigInteger => Value::BigInt(row.try_get_by_index(index)?),
        ColumnType::Boolean => Value::Bool(row.try_get_by_index(index)?),
        ColumnType::Double => Value::Double(row.try_get_by_index(index)?),
        ColumnType::TimestampWithTimeZone => Value::ChronoDateTimeUtc(row.try_get_by_index(index)?),
        ColumnType::Date => Value::ChronoDate(row.try_get_by_index(index)?),
        other => {
            return Err(DbErr::Custom(format!(
                "column type {other:?} is not read by projection"
            )));
        }
    })
}

/// Reads of whole models: through sea-orm, or directly on SQLite where [`ReadConnection`]
/// has a direct reader. The batched loads and record lists take it.
pub trait SelectAll: ConnectionTrait {
    /// The models `select` reads.
    fn select_all<E: DirectEntity>(
        &self,
        select: Select<E>,
    ) -> impl Future<Output = Result<Vec<E::Model>, DbErr>> + Send
    where
        Self: Sized,
    {
        select.all(self)
    }

    /// The first `limit` models `select` reads; `select` must have no limit, offset or lock
    /// of its own. The limit is written into the SQL as a literal, not bound: PostgreSQL
    /// plans a prepared statement whose `LIMIT` is a parameter anew on every execution (a
    /// generic plan cannot know how many rows are wanted, so it never wins against a custom
    /// one), which was a quarter of its CPU per record list. With the literal it keeps one
    /// plan per statement; page sizes are bounded (1 to 101), so are the statement texts.
    fn select_first<E: DirectEntity>(
        &self,
        select: Select<E>,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<E::Model>, DbErr>> + Send
    where
        Self: Sized,
    {
        let statement = select.build(self.get_database_backend());
        self.select_statement::<E>(with_literal_limit(statement, limit))
    }

    /// As [`SelectAll::select_first`], reading only the columns of `projection` (see
    /// [`Projection`] for what the others hold).
    fn select_first_of<E: DirectEntity>(
        &self,
        select: Select<E>,
        limit: u64,
        projection: &Projection<E>,
    ) -> impl Future<Output = Result<Vec<E::Model>, DbErr>> + Send
    where
        Self: Sized,
    {
        async move {
            let Some(wanted) = projection.columns.as_deref() else {
                return self.select_first(select, limit).await;
            };
            let backend = self.get_database_backend();
            let (statement, projected) = Projected::new(select, limit, wanted, backend);
            projected.read_through(self, statement).await
        }
    }

    /// The models a statement built from a select of `E` reads.
    fn select_statement<E: DirectEntity>(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<Vec<E::Model>, DbErr>> + Send
    where
        Self: Sized,
    {
        E::find().from_raw_sql(statement).all(self)
    }
}

impl SelectAll for DatabaseConnection {}
impl SelectAll for DatabaseTransaction {}

/// The server's pool for reads: sea-orm's connection, with a direct reader on SQLite.
#[derive(Debug, Clone)]
pub struct ReadConnection {
    db: DatabaseConnection,
    direct: Option<SqliteReads>,
}

impl ReadConnection {
    /// Reads through `db`, and through `direct` where it can.
    pub fn new(db: DatabaseConnection, direct: Option<SqliteReads>) -> Self {
        Self { db, direct }
    }

    /// The direct reader, when there is one.
    pub fn direct(&self) -> Option<&SqliteReads> {
        self.direct.as_ref()
    }

    /// The pool the reads without a direct reader go through.
    pub fn pool(&self) -> &DatabaseConnection {
        &self.db
    }
}

impl SelectAll for ReadConnection {
    async fn select_all<E: DirectEntity>(&self, select: Select<E>) -> Result<Vec<E::Model>, DbErr> {
        if self.direct.is_none() {
            return select.all(&self.db).await;
        }
        self.select_statement::<E>(select.build(DbBackend::Sqlite))
            .await
    }

    async fn select_first_of<E: DirectEntity>(
        &self,
        select: Select<E>,
        limit: u64,
        projection: &Projection<E>,
    ) -> Result<Vec<E::Model>, DbErr> {
        let Some(wanted) = projection.columns.as_deref() else {
            return self.select_first(select, limit).await;
        };
        let backend = self.get_database_backend();
        let (statement, projected) = Projected::new(select, limit, wanted, backend);
        if let Some(direct) = &self.direct {
            let start = &projected.table.filled;
            match direct.rows::<E>(&statement, &projected.columns, start) {
                Some(read) => return Ok(read?),
                None => {
                    tracing::debug!(sql = %statement.sql, "read through sea-orm: not a statement the direct reader runs");
                }
            }
        }
        projected.read_through(&self.db, statement).await
    }

    async fn select_statement<E: DirectEntity>(
        &self,
        statement: Statement,
    ) -> Result<Vec<E::Model>, DbErr> {
        let Some(direct) = &self.direct else {
            return E::find().from_raw_sql(statement).all(&self.db).await;
        };
        match direct.all::<E>(&statement) {
            Some(read) => Ok(read?),
            None => {
                tracing::debug!(sql = %statement.sql, "read through sea-orm: not a statement the direct reader runs");
                E::find().from_raw_sql(statement).all(&self.db).await
            }
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for ReadConnection {
    fn get_database_backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        self.db.execute_raw(statement).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.db.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.db.query_one_raw(statement).await
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.db.query_all_raw(statement).await
    }

    fn support_returning(&self) -> bool {
        self.db.support_returning()
    }
}
