//! `symbios backup` and `symbios restore` as an operator runs them: what they refuse, in
//! their own words, and that a refusal leaves everything as it was.

use std::path::Path;

use super::{run, start, start_with, wait_until};

/// Names in `folder` of partial copies (they start with a dot) left behind.
fn partial_copies(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .expect("read folder")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect()
}

fn refused(data_dir: &Path, args: &[&str], expected: &str) {
    let (ok, stdout, stderr) = run(data_dir, args);
    assert!(!ok, "{args:?} succeeded: {stdout}");
    assert!(
        stderr.contains(expected),
        "{args:?}: expected {expected:?} in {stderr:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_refuse_what_they_must_and_change_nothing_then() {
    let work = tempfile::tempdir().expect("folder");
    let data_dir = work.path().join("data");
    std::fs::create_dir_all(&data_dir).expect("data folder");
    let backup = work.path().join("symbios-backup.db");
    let backup_arg = backup.to_str().expect("UTF-8 path");

    let mut server = start(&data_dir);
    // Indexed, so that the restore below finds an index built from this database.
    wait_until(&reqwest::Client::new(), &server, |state| {
        state["status"] == "ready" && state["index"]["lag"] == 0
    })
    .await;
    let (ok, stdout, stderr) = run(&data_dir, &["backup", backup_arg]);
    assert!(ok, "{stderr}");
    for expected in [
        "backup written to",
        "database id:",
        "last change:",
        "records:",
        "CaseStudy",
    ] {
        assert!(stdout.contains(expected), "{expected:?} in {stdout}");
    }
    let written = std::fs::read(&backup).expect("backup file");
    refused(
        &data_dir,
        &["backup", backup_arg],
        "already exists; a backup never overwrites",
    );
    assert_eq!(std::fs::read(&backup).expect("backup file"), written);
    refused(
        &data_dir,
        &["restore", backup_arg],
        "is running on this data folder",
    );
    server.kill();
    // A server whose index lives elsewhere holds no lock on this folder's index, but has the
    // database open.
    let elsewhere = work.path().join("other-index");
    let mut server = start_with(
        &data_dir,
        &[("SYMBIOS_INDEX_DIR", elsewhere.to_str().expect("UTF-8"))],
    );
    refused(
        &data_dir,
        &["restore", backup_arg],
        "symbios.db is open in another process",
    );
    server.kill();
    let database = std::fs::read(data_dir.join("symbios.db")).expect("database");

    let missing = work.path().join("missing.db");
    refused(
        &data_dir,
        &["restore", missing.to_str().expect("UTF-8")],
        "missing.db: No such file or directory",
    );
    let text = work.path().join("notes.txt");
    std::fs::write(&text, "not a database, only words ".repeat(20)).expect("text file");
    refused(
        &data_dir,
        &["restore", text.to_str().expect("UTF-8")],
        "notes.txt is not a Symbios database: it is not an SQLite database file",
    );
    let empty = work.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty file");
    refused(
        &data_dir,
        &["restore", empty.to_str().expect("UTF-8")],
        "empty.db is not a Symbios database: it has no `seaql_migrations` table",
    );
    refused(
        &data_dir,
        &["restore", work.path().to_str().expect("UTF-8")],
        "it is not a file",
    );
    let empty_folder = work.path().join("nothing-here");
    refused(
        &empty_folder,
        &["backup", work.path().join("b2.db").to_str().expect("UTF-8")],
        "there is no database at",
    );
    refused(
        &data_dir,
        &[
            "backup",
            work.path()
                .join("no/such/folder/b.db")
                .to_str()
                .expect("UTF-8"),
        ],
        "cannot write into",
    );
    assert_eq!(
        std::fs::read(data_dir.join("symbios.db")).expect("database"),
        database,
        "a refused restore leaves the database alone"
    );
    assert_eq!(partial_copies(&data_dir), Vec::<String>::new());
    assert_eq!(partial_copies(work.path()), Vec::<String>::new());

    // Restored over its own database: the old one is kept, the index fits.
    let (ok, stdout, stderr) = run(&data_dir, &["restore", backup_arg]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("the database it replaced is kept as"),
        "{stdout}"
    );
    assert!(stdout.contains(": kept ("), "{stdout}");
    // Into a fresh folder: the index is built at the next start.
    let fresh = work.path().join("fresh");
    let (ok, stdout, stderr) = run(&fresh, &["restore", backup_arg]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("it will be built from the database at the next start"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("kept as"),
        "nothing was replaced: {stdout}"
    );
}
