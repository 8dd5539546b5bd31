//! The search index folder: whether the index found in it may serve this database, and
//! setting aside the ones that may not.
//!
//! An index is kept only when it opens cleanly, was built from this database (its commits
//! record the database's identity) and is not ahead of it (its last applied change exists in
//! the database). Otherwise it is moved next to its folder as `index.broken-<UTC time>` (it
//! could not be read) or `index.replaced-<UTC time>` (it belongs to another database, or to a
//! later state of this one), the newest [`KEEP_SET_ASIDE`] of those are kept, and the indexer
//! rebuilds from the database. Nothing is deleted but set-aside copies beyond that number.
//!
//! Invariant: a bad index never stops `serve`; only a folder that cannot be moved or created
//! (or one a running process writes to) does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sea_orm::ConnectionTrait;
use symbios_search::{IndexState, OpenOutcome, SearchIndex, Thesaurus};
use uuid::Uuid;

use crate::indexer::IndexerError;
use crate::service::{self, change_log, database_identity};

/// Set-aside copies kept per index folder; older ones are removed.
pub const KEEP_SET_ASIDE: usize = 3;
/// Where `symbios reindex` builds, beside the index folder.
const REBUILDING: &str = "rebuilding";

/// The database an index must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatabaseMark {
    /// The database's identity ([`database_identity::current`]).
    pub identity: Uuid,
    /// The newest change-log sequence.
    pub last_seq: i64,
    /// The highest sequence pruned from the change log.
    pub pruned_through: i64,
}

impl DatabaseMark {
    /// Reads the identity and the change-log bounds of `db`.
    pub async fn read(db: &impl ConnectionTrait) -> Result<Self, service::Error> {
        Ok(Self {
            identity: database_identity::current(db).await?,
            last_seq: change_log::last_seq(db).await?,
            pruned_through: change_log::pruned_through(db).await?,
        })
    }
}

/// Why an existing index may not serve the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misfit {
    /// It could not be opened or read (a damaged, truncated or missing file, a meta file or
    /// commit payload that does not parse).
    Unreadable {
        /// What failed.
        error: String,
    },
    /// Its commits do not say which database they come from (written before they did).
    NoIdentity,
    /// It was built from another database (the database was replaced, or another one is
    /// configured).
    OtherDatabase {
        /// The identity its commits record.
        index: String,
    },
    /// It has applied changes the database does not have (an older copy of the database was
    /// restored).
    AheadOfDatabase {
        /// The index's last applied change.
        index_seq: i64,
        /// The database's newest change.
        database_seq: i64,
    },
    /// The database's change at the index's last applied number is another change (an older
    /// copy of the database was restored and written to since).
    Diverged {
        /// The index's last applied change.
        index_seq: i64,
    },
}

impl Misfit {
    /// The word in the set-aside folder's name.
    fn label(&self) -> &'static str {
        match self {
            Misfit::Unreadable { .. } => "broken",
            Misfit::NoIdentity
            | Misfit::OtherDatabase { .. }
            | Misfit::AheadOfDatabase { .. }
            | Misfit::Diverged { .. } => "replaced",
        }
    }
}

impl std::fmt::Display for Misfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Misfit::Unreadable { error } => write!(f, "the index cannot be read: {error}"),
            Misfit::NoIdentity => write!(
                f,
                "the index does not record which database it was built from"
            ),
            Misfit::OtherDatabase { index } => {
                write!(f, "the index was built from another database ({index})")
            }
            Misfit::AheadOfDatabase {
                index_seq,
                database_seq,
            } => write!(
                f,
                "the index has applied change {index_seq} but the database's newest change is {database_seq}"
            ),
            Misfit::Diverged { index_seq } => write!(
                f,
                "the database's change {index_seq} is not the one the index applied"
            ),
        }
    }
}

/// What opening the folder found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    /// No usable index: a new, empty one is in place (created, or replacing one of another
    /// schema version).
    Fresh(OpenOutcome),
    /// An index that opened, with what its last commit says.
    Existing(IndexState),
    /// An index that could not be opened or read.
    Unreadable(String),
}

/// What to do with what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// Serve it and apply the changes after its last one.
    Keep,
    /// It is empty: fill it from the database.
    Rebuild,
    /// Move it aside, create an empty one and fill that from the database.
    SetAside(Misfit),
}

/// Decides on `found` for `database`, whose change at the index's last applied sequence has
/// the mark `change_there` (`None`: it does not hold that change).
fn judge(found: &Found, database: &DatabaseMark, change_there: Option<&str>) -> Verdict {
    match found {
        Found::Fresh(_) => Verdict::Rebuild,
        Found::Unreadable(error) => Verdict::SetAside(Misfit::Unreadable {
            error: error.clone(),
        }),
        Found::Existing(state) => match state.source.as_deref() {
            None => Verdict::SetAside(Misfit::NoIdentity),
            Some(source) if source != database.identity.to_string() => {
                Verdict::SetAside(Misfit::OtherDatabase {
                    index: source.to_owned(),
                })
            }
            Some(_) if state.last_seq > database.last_seq => {
                Verdict::SetAside(Misfit::AheadOfDatabase {
                    index_seq: state.last_seq,
                    database_seq: database.last_seq,
                })
            }
            // Its change is pruned, so cannot be compared; the indexer rebuilds an index that
            // missed pruned changes anyway.
            Some(_) if state.last_seq == 0 || state.last_seq <= database.pruned_through => {
                Verdict::Keep
            }
            Some(_) => match state.change.as_deref() {
                Some(applied) if Some(applied) != change_there => {
                    Verdict::SetAside(Misfit::Diverged {
                        index_seq: state.last_seq,
                    })
                }
                _ => Verdict::Keep,
            },
        },
    }
}

/// What [`open`] did with the index it found in its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    /// It fits the database and was kept as it is.
    Kept {
        /// The last change it applied; the indexer applies the newer ones.
        seq: i64,
        /// Documents it holds.
        documents: u64,
    },
    /// There was none, or one of another schema version: an empty one is in place, to be
    /// filled from the database.
    Fresh,
    /// It did not fit and was moved aside; an empty one is in place, to be filled from the
    /// database.
    SetAside {
        /// Why it did not fit.
        misfit: Misfit,
        /// Where it was moved.
        moved_to: PathBuf,
    },
}

/// Opens the index in `folder` to serve the database `db` (whose identity and bounds are
/// `database`): keeps it when it fits, otherwise sets it aside (logging why) and creates an
/// empty one. The outcome tells the indexer whether to rebuild. Fails only when `folder` is in
/// use by another process, cannot be moved or created, or the database cannot be read.
pub async fn open(
    folder: &Path,
    db: &impl ConnectionTrait,
    database: &DatabaseMark,
) -> Result<(SearchIndex, OpenOutcome), IndexerError> {
    let (index, outcome, _) = open_judged(folder, db, database).await?;
    Ok((index, outcome))
}

/// [`open`], also saying what it did with the index it found (`symbios restore` reports it).
pub async fn open_judged(
    folder: &Path,
    db: &impl ConnectionTrait,
    database: &DatabaseMark,
) -> Result<(SearchIndex, OpenOutcome, Fit), IndexerError> {
    let path = folder.to_path_buf();
    let in_use = blocking(move || symbios_search::folder_in_use(&path)).await??;
    if in_use {
        return Err(IndexerError::InUse {
            path: folder.display().to_string(),
        });
    }
    let path = folder.to_path_buf();
    let started = std::time::Instant::now();
    let opened = blocking(move || -> Result<_, symbios_search::Error> {
        let (index, outcome) = SearchIndex::open(&path, Arc::new(Thesaurus::bundled()?))?;
        let state = match outcome {
            OpenOutcome::Opened => Some(index.state()?),
            OpenOutcome::Created | OpenOutcome::Rebuilt => None,
        };
        Ok((index, outcome, state))
    })
    .await;
    let (index, found) = match opened {
        Ok(Ok((index, outcome, state))) => {
            let found = state.map_or(Found::Fresh(outcome), Found::Existing);
            (Some((index, outcome)), found)
        }
        // Nothing there to set aside: the folder itself could not be created.
        Ok(Err(error)) if !folder.exists() => return Err(error.into()),
        Ok(Err(error)) => (None, Found::Unreadable(brief(&error))),
        // tantivy may panic on data it cannot make sense of.
        Err(error) => (None, Found::Unreadable(brief(&error))),
    };
    let elapsed_ms = started.elapsed().as_millis();
    let change_there = match &found {
        Found::Existing(state) if state.last_seq > 0 => {
            change_log::mark_at(db, state.last_seq).await?
        }
        _ => None,
    };
    match (judge(&found, database, change_there.as_deref()), index) {
        (Verdict::Keep, Some((index, outcome))) => {
            let mut fit = Fit::Fresh;
            if let Found::Existing(state) = &found {
                tracing::info!(
                    index = %folder.display(),
                    seq = state.last_seq,
                    documents = state.documents,
                    elapsed_ms,
                    "opened the search index (checksums verified)"
                );
                fit = Fit::Kept {
                    seq: state.last_seq,
                    documents: state.documents,
                };
            }
            Ok((index, outcome, fit))
        }
        (Verdict::Rebuild, Some((index, outcome))) => {
            if outcome == OpenOutcome::Rebuilt {
                tracing::info!(
                    index = %folder.display(),
                    "the search index was written by another version; rebuilding it from the database"
                );
            }
            Ok((index, outcome, Fit::Fresh))
        }
        (verdict, index) => {
            drop(index);
            let misfit = match verdict {
                Verdict::SetAside(misfit) => misfit,
                // Unreachable: an index that did not open is always judged unreadable.
                Verdict::Keep | Verdict::Rebuild => Misfit::Unreadable {
                    error: "the index did not open".to_owned(),
                },
            };
            let path = folder.to_path_buf();
            let label = misfit.label();
            let aside = blocking(move || set_aside(&path, label)).await??;
            tracing::warn!(
                reason = %misfit,
                index = %folder.display(),
                moved_to = %aside.display(),
                "the search index does not fit the database; moved it aside, rebuilding from the database"
            );
            let (index, outcome) = open_new(folder).await?;
            let fit = Fit::SetAside {
                misfit,
                moved_to: aside,
            };
            Ok((index, outcome, fit))
        }
    }
}

/// Opens (creating) the index in `folder`, as it is.
pub async fn open_new(folder: &Path) -> Result<(SearchIndex, OpenOutcome), IndexerError> {
    let path = folder.to_path_buf();
    let opened = blocking(move || -> Result<_, symbios_search::Error> {
        SearchIndex::open(&path, Arc::new(Thesaurus::bundled()?))
    })
    .await??;
    Ok(opened)
}

/// An empty folder beside `folder` for `symbios reindex` to build in. Refuses while `folder`
/// (a server) or the build folder (another reindex) is in use; the leftovers of an
/// interrupted reindex are removed.
pub async fn prepare_rebuild_folder(folder: &Path) -> Result<PathBuf, IndexerError> {
    let folder = folder.to_path_buf();
    blocking(move || {
        let building = sibling(&folder, REBUILDING);
        for candidate in [&folder, &building] {
            if symbios_search::folder_in_use(candidate)? {
                return Err(IndexerError::InUse {
                    path: candidate.display().to_string(),
                });
            }
        }
        if building.exists() {
            tracing::info!(folder = %building.display(), "removing the leftovers of an interrupted reindex");
            std::fs::remove_dir_all(&building).map_err(folder_failed("remove", &building))?;
        }
        Ok(building)
    })
    .await?
}

/// Puts the index built in `building` in the place of `folder`, setting the one there aside
/// first; returns where it went.
pub async fn swap_in(building: &Path, folder: &Path) -> Result<Option<PathBuf>, IndexerError> {
    let (building, folder) = (building.to_path_buf(), folder.to_path_buf());
    blocking(move || {
        let previous = if folder.exists() {
            Some(set_aside(&folder, "replaced")?)
        } else {
            None
        };
        std::fs::rename(&building, &folder)
            .map_err(folder_failed("move the new index into", &folder))?;
        Ok(previous)
    })
    .await?
}

/// The error of a folder operation (`action`) on `path` that failed, for `map_err`.
fn folder_failed(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> IndexerError {
    let path = path.display().to_string();
    move |source| IndexerError::Folder {
        action,
        path,
        source,
    }
}

/// Longest error text kept in a warning (tantivy quotes a whole unreadable meta file).
const ERROR_CHARS: usize = 300;

fn brief(error: &impl std::fmt::Display) -> String {
    let text = error.to_string();
    match text.char_indices().nth(ERROR_CHARS) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text,
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        work()
    })
    .await
}

/// `<folder>.<suffix>`, beside `folder`.
fn sibling(folder: &Path, suffix: &str) -> PathBuf {
    let name = folder
        .file_name()
        .map_or_else(|| "index".into(), |name| name.to_string_lossy());
    folder.with_file_name(format!("{name}.{suffix}"))
}

/// Labels of set-aside copies.
const LABELS: [&str; 2] = ["broken", "replaced"];

/// Moves `folder` to `<folder>.<label>-<UTC time>`, then removes all but the newest
/// [`KEEP_SET_ASIDE`] set-aside copies; returns the new place.
fn set_aside(folder: &Path, label: &str) -> Result<PathBuf, IndexerError> {
    // Milliseconds, and a number when even those meet (or the clock went back), keep the
    // names unique and sorting in the order they were set aside.
    let time = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
    let newest = set_aside_copies(folder).pop().map(|(stamp, _)| stamp);
    let mut stamp = time.clone();
    let mut number = 1;
    while newest.as_ref().is_some_and(|newest| stamp <= *newest) && number < 1000 {
        number += 1;
        stamp = format!("{time}-{number:03}");
    }
    let target = sibling(folder, &format!("{label}-{stamp}"));
    std::fs::rename(folder, &target).map_err(folder_failed("move aside", folder))?;
    remove_old_set_aside(folder);
    Ok(target)
}

/// The set-aside copies of `folder` with their time stamps, oldest first.
fn set_aside_copies(folder: &Path) -> Vec<(String, PathBuf)> {
    let Some(name) = folder.file_name().map(|name| name.to_string_lossy()) else {
        return Vec::new();
    };
    let parent = match folder.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut copies: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            let rest = entry_name.strip_prefix(name.as_ref())?.strip_prefix('.')?;
            let (label, stamp) = rest.split_once('-')?;
            LABELS
                .contains(&label)
                .then(|| (stamp.to_owned(), entry.path()))
        })
        .collect();
    copies.sort();
    copies
}

fn remove_old_set_aside(folder: &Path) {
    let copies = set_aside_copies(folder);
    let surplus = copies.len().saturating_sub(KEEP_SET_ASIDE);
    for (_, old) in copies.into_iter().take(surplus) {
        match std::fs::remove_dir_all(&old) {
            Ok(()) => {
                tracing::info!(folder = %old.display(), "removed an old set-aside search index")
            }
            Err(error) => tracing::warn!(
                folder = %old.display(),
                %error,
                "could not remove an old set-aside search index"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDENTITY: Uuid = Uuid::from_u128(0x5eed);

    fn database(last_seq: i64) -> DatabaseMark {
        DatabaseMark {
            identity: IDENTITY,
            last_seq,
            pruned_through: 0,
        }
    }

    /// The mark of change `seq` in these tests.
    fn change(seq: i64) -> String {
        format!("change {seq}")
    }

    fn existing(last_seq: i64, source: Option<String>) -> Found {
        Found::Existing(IndexState {
            last_seq,
            documents: 10,
            source,
            change: Some(change(last_seq)),
        })
    }

    /// An index built from [`IDENTITY`] up to `last_seq`.
    fn ours(last_seq: i64) -> Found {
        existing(last_seq, Some(IDENTITY.to_string()))
    }

    #[test]
    fn an_index_of_this_database_at_or_behind_it_is_kept() {
        let kept = |found: &Found, last_seq, change_there: Option<&str>| {
            judge(found, &database(last_seq), change_there) == Verdict::Keep
        };
        assert!(kept(&ours(40), 40, Some(&change(40))));
        assert!(kept(&ours(12), 40, Some(&change(12))));
        assert!(kept(&ours(0), 0, None));
    }

    #[test]
    fn a_new_or_outdated_index_is_filled_in_place() {
        for outcome in [OpenOutcome::Created, OpenOutcome::Rebuilt] {
            let verdict = judge(&Found::Fresh(outcome), &database(40), None);
            assert_eq!(verdict, Verdict::Rebuild);
        }
    }

    #[test]
    fn an_index_of_another_database_is_set_aside() {
        let other = Uuid::from_u128(7).to_string();
        let verdict = judge(&existing(3, Some(other.clone())), &database(40), None);
        assert_eq!(
            verdict,
            Verdict::SetAside(Misfit::OtherDatabase { index: other })
        );
        let verdict = judge(&existing(3, None), &database(40), Some(&change(3)));
        assert_eq!(verdict, Verdict::SetAside(Misfit::NoIdentity));
    }

    #[test]
    fn an_index_ahead_of_its_database_is_set_aside() {
        assert_eq!(
            judge(&ours(41), &database(40), None),
            Verdict::SetAside(Misfit::AheadOfDatabase {
                index_seq: 41,
                database_seq: 40
            })
        );
    }

    #[test]
    fn an_index_whose_change_the_database_holds_otherwise_is_set_aside() {
        let restored = Verdict::SetAside(Misfit::Diverged { index_seq: 12 });
        assert_eq!(
            judge(&ours(12), &database(40), Some("another change")),
            restored
        );
        assert_eq!(judge(&ours(12), &database(40), None), restored);
        // Pruned: nothing to compare; the indexer rebuilds when it missed pruned changes.
        let pruned = DatabaseMark {
            pruned_through: 12,
            ..database(40)
        };
        assert_eq!(judge(&ours(12), &pruned, None), Verdict::Keep);
    }

    #[test]
    fn an_unreadable_index_is_set_aside_as_broken() {
        let unreadable = Found::Unreadable("Data corrupted".to_owned());
        let verdict = judge(&unreadable, &database(40), None);
        let Verdict::SetAside(misfit) = verdict else {
            panic!("not set aside: {verdict:?}");
        };
        assert_eq!(misfit.label(), "broken");
        assert_eq!(
            misfit.to_string(),
            "the index cannot be read: Data corrupted"
        );
    }

    #[test]
    fn a_long_error_is_cut_short() {
        let long = "é".repeat(ERROR_CHARS * 4);
        let cut = brief(&long);
        assert_eq!(cut.chars().count(), ERROR_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(brief(&"short"), "short");
    }

    #[test]
    fn setting_aside_keeps_the_newest_copies() -> Result<(), Box<dyn std::error::Error>> {
        let data = tempfile::tempdir()?;
        let folder = data.path().join("index");
        let mut moved = Vec::new();
        for round in 0..KEEP_SET_ASIDE + 2 {
            std::fs::create_dir_all(&folder)?;
            std::fs::write(folder.join("meta.json"), format!("round {round}"))?;
            let label = if round % 2 == 0 { "broken" } else { "replaced" };
            moved.push(set_aside(&folder, label)?);
            assert!(!folder.exists());
        }
        let kept: Vec<PathBuf> = set_aside_copies(&folder)
            .into_iter()
            .map(|(_, path)| path)
            .collect();
        assert_eq!(kept.len(), KEEP_SET_ASIDE);
        let newest: Vec<&PathBuf> = moved.iter().rev().take(KEEP_SET_ASIDE).collect();
        for path in newest {
            assert!(kept.contains(path), "{path:?} was removed; kept {kept:?}");
        }
        // Other folders beside it are never touched.
        std::fs::create_dir_all(data.path().join("index.backup"))?;
        std::fs::create_dir_all(data.path().join("indexes"))?;
        std::fs::create_dir_all(&folder)?;
        set_aside(&folder, "replaced")?;
        assert!(data.path().join("index.backup").exists());
        assert!(data.path().join("indexes").exists());
        assert_eq!(set_aside_copies(&folder).len(), KEEP_SET_ASIDE);
        Ok(())
    }
}
