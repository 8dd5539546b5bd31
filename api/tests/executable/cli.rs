//! The command line as an operator meets it: import errors (counted by line, in line order,
//! in the project's words), standard input, the example lines of `import --help`, shell
//! completions, `apikey list` and `revoke`, `documents add`, and a bind address in use.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::json;

use super::{binary, run, start};

/// Runs `symbios` with `args` on `data_dir`, `input` on its standard input.
fn run_with_input(data_dir: &Path, args: &[&str], input: &[u8]) -> (bool, String, String) {
    let mut child = Command::new(binary())
        .args(args)
        .env("SYMBIOS_DATA_DIR", data_dir)
        .env("SYMBIOS_LOG", "warn")
        .env_remove("SYMBIOS_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run symbios");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write stdin");
    drop(stdin);
    let output = child.wait_with_output().expect("symbios ends");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The line numbers of the `line N: …` messages, in the order they were printed.
fn reported_lines(stderr: &str) -> Vec<usize> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix("line ")?.split(':').next()?.parse().ok())
        .collect()
}

/// The example lines `symbios import --help` shows.
fn help_examples() -> String {
    let (ok, help, stderr) = run(Path::new("."), &["import", "--help"]);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = help
        .lines()
        .filter(|line| line.starts_with("{\"type\""))
        .collect();
    assert_eq!(lines.len(), 12, "{help}");
    lines.join("\n") + "\n"
}

#[test]
fn a_file_with_four_bad_lines_of_six_says_four_refused_in_line_order() {
    let data_dir = tempfile::tempdir().unwrap();
    let file = data_dir.path().join("six.ndjson");
    let actor = |name: &str, country: &str| {
        json!({ "type": "Actor", "record": {
            "name": name, "kind": "COMPANY", "country": country, "originalLang": "nb",
        }})
        .to_string()
    };
    let lines = [
        // Two reasons on one line: counted once.
        json!({ "type": "Actor", "record": { "name": "Feil AS", "kind": "COMPANY", "country": "XX", "originalLang": "xx" } }).to_string(),
        actor("Godt Selskap", "NO"),
        "{ not json".to_owned(),
        json!({ "type": "Actor", "record": { "nmae": "Typo" } }).to_string(),
        "{\"type\":\"Actor\",\"record\":{\"name\":\"Selskap \u{0}\"}}".to_owned(),
        actor("Annet Selskap", "SE"),
    ];
    let mut bytes = lines.join("\n").into_bytes();
    let placeholder = bytes.iter().position(|byte| *byte == 0).unwrap();
    bytes[placeholder] = 0xE6; // "æ" in Latin-1: not UTF-8
    std::fs::write(&file, bytes).unwrap();

    let (ok, stdout, stderr) = run(data_dir.path(), &["import", file.to_str().unwrap()]);
    assert!(!ok, "refused lines make the exit status fail");
    assert!(
        stdout.contains("2 created, 0 updated, 0 unchanged, 4 refused"),
        "{stdout}"
    );
    let reported = reported_lines(&stderr);
    assert_eq!(reported, [1, 1, 3, 4, 5], "in line order: {stderr}");
    for expected in [
        "line 1: field `country`: \"XX\" is not",
        "line 1: field `originalLang`: ",
        "line 3: not a JSON object",
        "line 4: field `nmae`: is not a field; the fields here are slug, name,",
        "line 5: is not UTF-8 text (an invalid byte at byte 43 of the line)",
        "error: 4 line(s) were refused (listed above); the other 2 were imported",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    assert!(!stderr.contains(" column "), "no serde text: {stderr}");

    // The slugs were made from the names, so the same file finds the same records again.
    let (_, stdout, _) = run(data_dir.path(), &["import", file.to_str().unwrap()]);
    assert!(
        stdout.contains("0 created, 0 updated, 2 unchanged, 4 refused"),
        "{stdout}"
    );
}

#[test]
fn when_every_line_is_refused_nothing_was_imported() {
    let data_dir = tempfile::tempdir().unwrap();
    let (ok, stdout, stderr) = run_with_input(
        data_dir.path(),
        &["import", "-"],
        b"[1]\n\n{\"type\":\"Boat\"}\n",
    );
    assert!(!ok);
    assert!(
        stdout.contains("0 created, 0 updated, 0 unchanged, 2 refused"),
        "{stdout}"
    );
    assert!(
        stderr.contains("line 3: field `type`: `Boat` is not one of Theme, Actor,"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 line(s) were refused (listed above); nothing was imported"),
        "{stderr}"
    );
    assert!(!stderr.contains("other"), "{stderr}");
}

#[test]
fn file_errors_give_the_reason() {
    let data_dir = tempfile::tempdir().unwrap();
    let missing = data_dir.path().join("missing.ndjson");
    let (ok, _, stderr) = run(data_dir.path(), &["import", missing.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!(
            "cannot open {}: No such file or directory",
            missing.display()
        )),
        "{stderr}"
    );
    let folder = data_dir.path().to_str().unwrap();
    let (ok, _, stderr) = run(data_dir.path(), &["import", folder]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!("{folder} is a directory")),
        "{stderr}"
    );
}

#[test]
fn the_help_examples_import_from_standard_input_and_again_change_nothing() {
    let examples = help_examples();
    let data_dir = tempfile::tempdir().unwrap();
    for expected in [
        "imported standard input: 12 created, 0 updated, 0 unchanged, 0 refused",
        "imported standard input: 0 created, 0 updated, 12 unchanged, 0 refused",
    ] {
        let (ok, stdout, stderr) =
            run_with_input(data_dir.path(), &["import", "-"], examples.as_bytes());
        assert!(ok, "{stdout}{stderr}");
        assert!(stdout.contains(expected), "{stdout}");
    }

    // The actor given without a slug got the one its name makes.
    let (ok, csv, stderr) = run(
        data_dir.path(),
        &["export", "--type", "actor", "--format", "csv"],
    );
    assert!(ok, "{stderr}");
    assert!(csv.contains(",karen-jensen,"), "{csv}");
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("description_da,description_en"),
        "a column per language: {header}"
    );
    assert!(
        !csv.contains("{\"\"lang\"\""),
        "no JSON texts in cells: {csv}"
    );
}

#[test]
fn completions_name_every_command_in_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let (ok, script, stderr) = run(Path::new("."), &["completions", shell]);
        assert!(ok, "{shell}: {stderr}");
        for command in [
            "serve",
            "migrate",
            "seed",
            "reindex",
            "schema",
            "apikey",
            "documents",
            "import",
            "export",
            "completions",
        ] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
        assert!(
            script.contains("data-dir"),
            "{shell} lacks the global options"
        );
    }
    let (ok, _, stderr) = run(Path::new("."), &["completions", "tcsh"]);
    assert!(!ok);
    assert!(
        stderr.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{stderr}"
    );
}

#[test]
fn help_puts_global_options_apart_and_lists_values() {
    let (ok, help, _) = run(Path::new("."), &["export", "--help"]);
    assert!(ok);
    let global = help.find("Global options:").expect("a section of its own");
    assert!(help.find("--data-dir").unwrap() > global, "{help}");
    assert!(help.find("--output").unwrap() < global, "{help}");
    assert!(
        help.contains("[possible values: Theme, Actor, Funder, Project, CaseStudy, Participation, Funding, CaseStudyActor, ResourceFlow, ImpactFigure, Membership]"),
        "{help}"
    );
    assert!(help.contains("- csv:"), "{help}");
}

/// The columns of `apikey list`: each row's cells start where the header's titles start.
fn key_rows(data_dir: &Path) -> Vec<std::collections::HashMap<&'static str, String>> {
    let (ok, table, stderr) = run(data_dir, &["apikey", "list"]);
    assert!(ok, "{stderr}");
    let titles: Vec<&str> = "id,name,role,scheme,created,last used,revoked,prefix"
        .split(',')
        .collect();
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    let starts: Vec<usize> = titles
        .iter()
        .map(|title| {
            header
                .find(&format!("{title} "))
                .or_else(|| header.find(title))
                .unwrap()
        })
        .collect();
    lines
        .map(|line| {
            titles
                .iter()
                .enumerate()
                .map(|(index, title)| {
                    let start = starts[index];
                    assert!(
                        start == 0 || line.as_bytes()[start - 1] == b' ',
                        "column `{title}` is aligned:\n{table}"
                    );
                    let end = starts
                        .get(index + 1)
                        .copied()
                        .unwrap_or(line.len())
                        .min(line.len());
                    (*title, line[start..end].trim().to_owned())
                })
                .collect()
        })
        .collect()
}

fn is_rfc3339_seconds(text: &str) -> bool {
    text.len() == 20 && chrono::DateTime::parse_from_rfc3339(text).is_ok() && text.ends_with('Z')
}

#[tokio::test]
async fn apikey_list_shows_aligned_columns_and_revoke_takes_id_prefix_or_key() {
    let data_dir = tempfile::tempdir().unwrap();
    let create = |name: &str, role: &str, scheme: Option<&str>| {
        let mut args = vec!["apikey", "create", "--name", name, "--role", role];
        args.extend(
            scheme
                .map(|scheme| ["--scheme", scheme])
                .into_iter()
                .flatten(),
        );
        let (ok, key, stderr) = run(data_dir.path(), &args);
        assert!(ok, "{stderr}");
        key.trim().to_owned()
    };
    let editor = create("Redaksjonen", "editor", None);
    let partner = create(
        "A partner network with a longer name",
        "partner",
        Some("NO-BRC"),
    );

    // A key that is used shows when; one that is not shows `-`.
    let server = start(data_dir.path());
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url))
        .bearer_auth(&editor)
        .json(&json!({ "query": "mutation { deleteTheme(id: \"6f1c2d3e-0000-4000-8000-000000000001\", expectedVersion: 1) { id } }" }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    drop(server);

    let rows = key_rows(data_dir.path());
    assert_eq!(rows.len(), 2);
    let row = |name: &str| rows.iter().find(|row| row["name"] == name).unwrap().clone();
    let (editor_row, partner_row) = (
        row("Redaksjonen"),
        row("A partner network with a longer name"),
    );
    assert_eq!(editor_row["role"], "editor");
    assert_eq!(partner_row["scheme"], "NO-BRC");
    assert!(
        uuid::Uuid::parse_str(&editor_row["id"]).is_ok(),
        "{editor_row:?}"
    );
    assert!(is_rfc3339_seconds(&editor_row["created"]), "{editor_row:?}");
    assert!(
        is_rfc3339_seconds(&editor_row["last used"]),
        "{editor_row:?}"
    );
    assert_eq!(partner_row["last used"], "-");
    assert_eq!(editor_row["revoked"], "-");
    assert!(editor.starts_with(&editor_row["prefix"]));

    // The key itself.
    let (ok, stdout, stderr) = run(data_dir.path(), &["apikey", "revoke", &partner]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains(&format!(
            "revoked `A partner network with a longer name` ({})",
            partner_row["id"]
        )),
        "{stdout}"
    );
    // The start of the id.
    let id_start: String = editor_row["id"].chars().take(8).collect();
    let (ok, stdout, stderr) = run(data_dir.path(), &["apikey", "revoke", &id_start]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("revoked `Redaksjonen`"), "{stdout}");
    let (ok, stdout, _) = run(data_dir.path(), &["apikey", "revoke", &editor_row["id"]]);
    assert!(ok);
    assert!(stdout.contains("was revoked already"), "{stdout}");
    for row in key_rows(data_dir.path()) {
        assert!(is_rfc3339_seconds(&row["revoked"]), "{row:?}");
    }
    let (ok, _, stderr) = run(
        data_dir.path(),
        &["apikey", "revoke", "symbios_not-a-key-of-this-database"],
    );
    assert!(!ok);
    assert!(stderr.contains("no key is this secret"), "{stderr}");
}

#[test]
fn an_address_in_use_is_reported_before_anything_is_written() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let parent = tempfile::tempdir().unwrap();
    let data_dir = parent.path().join("fresh");
    let output = Command::new(binary())
        .args(["serve", "--bind", &address])
        .env("SYMBIOS_DATA_DIR", &data_dir)
        .env("SYMBIOS_LOG", "warn")
        .env_remove("SYMBIOS_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("failed to listen on {address}")),
        "{stderr}"
    );
    assert!(
        !data_dir.exists(),
        "nothing was written before the bind failed"
    );
}

#[test]
fn documents_add_takes_a_manifest_once_and_refuses_a_changed_one_whole() {
    let data_dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = data_dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let manifest = write(
        "persisted-documents.json",
        &json!({ "a1": "query A { themes { slug } }", "b2": "query B { themes { label { text } } }" })
            .to_string(),
    );
    let (ok, stdout, stderr) = run(data_dir.path(), &["documents", "add", &manifest]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("2 document(s) trusted from persisted-documents.json, 0 already trusted"),
        "{stdout}"
    );
    let (ok, stdout, stderr) = run(data_dir.path(), &["documents", "add", &manifest]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("0 document(s) trusted"), "{stdout}");
    assert!(stdout.contains("2 already trusted"), "{stdout}");

    let changed = write(
        "persisted_queries.json",
        &json!({ "c3": "query C { themes { slug } }", "a1": "query A2 { themes { slug } }" })
            .to_string(),
    );
    let (ok, _, stderr) = run(data_dir.path(), &["documents", "add", &changed]);
    assert!(!ok);
    assert!(
        stderr.contains("`a1`") && stderr.contains("another text"),
        "{stderr}"
    );
    // All or none: `c3` was not added either.
    let retry = write(
        "c3.json",
        &json!({ "c3": "query C { themes { slug } }" }).to_string(),
    );
    let (ok, stdout, stderr) = run(data_dir.path(), &["documents", "add", &retry]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("1 document(s) trusted"), "{stdout}");

    for (name, text, reason) in [
        ("list.json", "[]", "must be one JSON object"),
        (
            "number.json",
            r#"{ "x": 1 }"#,
            "the document `x` must be a string",
        ),
        ("broken.json", "{", "is not JSON (line 1, column 1)"),
        (
            "not-graphql.json",
            r#"{ "q": "query { themes { slug }" }"#,
            "the document `q` is not GraphQL",
        ),
    ] {
        let path = write(name, text);
        let (ok, _, stderr) = run(data_dir.path(), &["documents", "add", &path]);
        assert!(!ok, "{name}");
        assert!(stderr.contains(reason), "{name}: {stderr}");
    }
    let missing = data_dir.path().join("missing.json");
    let (ok, _, stderr) = run(
        data_dir.path(),
        &["documents", "add", missing.to_str().unwrap()],
    );
    assert!(!ok);
    assert!(stderr.contains("No such file or directory"), "{stderr}");
}

/// `symbios export --format graphml|gexf|csv [--case-study SLUG] [--output FILE]`: the
/// network of the bundled flows (Kalundborg: 5 actors, 4 flows between two of them, 3 to no
/// single receiver; all: 12 actors, 8 edges, 5 open flows).
#[test]
fn export_writes_the_network_as_graphml_gexf_and_csv() {
    let data_dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = run(data_dir.path(), &["seed"]);
    assert!(ok, "{stderr}");
    let count = |text: &str, needle: &str| text.matches(needle).count();
    for format in ["graphml", "gexf"] {
        let file = data_dir.path().join(format!("kalundborg.{format}"));
        let (ok, stdout, stderr) = run(
            data_dir.path(),
            &[
                "export",
                "--format",
                format,
                "--case-study",
                "kalundborg-symbiosis",
                "--output",
                file.to_str().unwrap(),
            ],
        );
        assert!(ok, "{stderr}");
        assert!(stdout.is_empty(), "the file holds the network: {stdout}");
        assert!(
            stderr.contains("exported 5 node(s) and 4 edge(s)"),
            "{stderr}"
        );
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            (count(&text, "<node id="), count(&text, "<edge id=")),
            (5, 4)
        );
        let (ok, all, stderr) = run(data_dir.path(), &["export", "--format", format]);
        assert!(ok, "{stderr}");
        assert_eq!(
            (count(&all, "<node id="), count(&all, "<edge id=")),
            (12, 8)
        );
    }
    let (ok, csv, stderr) = run(data_dir.path(), &["export", "--format", "csv"]);
    assert!(ok, "{stderr}");
    assert!(csv.starts_with("record,id,slug,name,kind,country,source,target,resource,"));
    let records: Vec<&str> = csv
        .lines()
        .filter_map(|line| line.split(',').next())
        .collect();
    let rows = |kind: &str| records.iter().filter(|record| **record == kind).count();
    assert_eq!(
        (rows("node"), rows("edge"), rows("open_flow")),
        (12, 8, 5),
        "{csv}"
    );

    let (ok, _, stderr) = run(
        data_dir.path(),
        &["export", "--format", "gexf", "--case-study", "atlantis"],
    );
    assert!(!ok);
    assert!(
        stderr.contains("there is no case study `atlantis`"),
        "{stderr}"
    );
    let (ok, _, stderr) = run(
        data_dir.path(),
        &[
            "export",
            "--format",
            "ndjson",
            "--case-study",
            "kalundborg-symbiosis",
        ],
    );
    assert!(!ok);
    assert!(
        stderr.contains("--case-study is for the network formats"),
        "{stderr}"
    );
}

/// `symbios export --format projects-csv [--output FILE]`: the bundled projects as keep.eu
/// exports them, one row each (SMICE's as `api/seed/dataset.ndjson` gives it).
#[test]
fn export_writes_the_projects_as_csv() {
    let data_dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = run(data_dir.path(), &["seed"]);
    assert!(ok, "{stderr}");
    let file = data_dir.path().join("projects.csv");
    let (ok, stdout, stderr) = run(
        data_dir.path(),
        &[
            "export",
            "--format",
            "projects-csv",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.is_empty(), "the file holds the table: {stdout}");
    assert!(stderr.contains("exported 9 project(s)"), "{stderr}");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "slug,acronym,name,status,programme,programme_kind,start_date,end_date,total_budget,\
             total_budget_currency,eu_contribution,eu_contribution_currency,lead_partner,\
             lead_partner_country,partners,funders,nuts,website"
        )
    );
    assert_eq!(lines.clone().count(), 9, "{text}");
    let smice = lines
        .find(|line| line.starts_with("smice,"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        smice.contains(",2017-05-17,2020-12-31,2946044,EUR,,,"),
        "{smice}"
    );
    assert!(
        smice.contains(",Region Jämtland Härjedalen; Trøndelag fylkeskommune,SE; NO,"),
        "{smice}"
    );
    assert!(smice.contains(",NO060; SE322,"), "{smice}");

    let (ok, _, stderr) = run(
        data_dir.path(),
        &["export", "--format", "projects-csv", "--type", "Actor"],
    );
    assert!(!ok);
    assert!(stderr.contains("projects-csv takes no --type"), "{stderr}");
}
