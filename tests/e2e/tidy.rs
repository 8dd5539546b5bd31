//! The repository's own rules, read from its files: no crate imports across the layer rule
//! (the search crate knows no database, GraphQL or HTTP; the service layer no HTTP or GraphQL;
//! entities no GraphQL and no serde), and the README's codemap names every module.

use std::path::{Path, PathBuf};

/// What a crate's sources and manifest must not mention: (crate folder, forbidden crates).
/// A name also forbids the names it starts with (`actix` forbids `actix_web`).
const LAYER_RULE: &[(&str, &[&str])] = &[
    (
        "search",
        &[
            "sea_orm",
            "async_graphql",
            "actix",
            "reqwest",
            "symbios_entity",
            "symbios_service",
        ],
    ),
    ("service", &["actix", "async_graphql", "symbios::"]),
    ("entity", &["async_graphql", "serde", "actix"]),
];

/// The crates whose modules the codemap must name.
const MAPPED_CRATES: &[&str] = &["api", "service", "search"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is in the workspace")
        .to_path_buf()
}

/// The `.rs` files under `folder`, at any depth.
fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).expect("list a source folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// `text` without `//` comments (documentation may name what the code must not use).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `code` uses the name `forbidden` (or a name that starts with it), as a whole word
/// on its left.
fn mentions(code: &str, forbidden: &str) -> bool {
    code.match_indices(forbidden).any(|(at, _)| {
        !code[..at]
            .chars()
            .next_back()
            .is_some_and(|before| before.is_alphanumeric() || before == '_')
    })
}

/// `file: name` for every forbidden name a crate's sources or manifest mention.
fn layer_violations() -> Vec<String> {
    let mut violations = Vec::new();
    for (krate, forbidden) in LAYER_RULE {
        let folder = root().join(krate);
        let mut files = rust_files(&folder.join("src"));
        files.push(folder.join("Cargo.toml"));
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read a source file");
            let code = code_of(&text).replace('-', "_");
            for name in *forbidden {
                if mentions(&code, name) {
                    violations.push(format!("{}: {name}", file.display()));
                }
            }
        }
    }
    violations
}

#[test]
fn no_crate_imports_across_the_layer_rule() {
    let violations = layer_violations();
    assert!(
        violations.is_empty(),
        "imports across the layer rule (README.md, Codemap):\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_layer_scan_finds_a_use_and_ignores_comments() {
    assert!(mentions("use actix_web::web;", "actix"));
    assert!(mentions("#[derive(serde::Serialize)]", "serde"));
    assert!(!mentions(&code_of("// no serde derives"), "serde"));
    assert!(!mentions("use my_serde::X;", "serde"));
}

/// The modules a crate's source folder declares as files: `mod name;` in a crate root or a
/// `mod.rs`, as `name` (a file) or `name/` (a folder), with their folder for the message.
/// Test-only modules (`tests`) are left out.
fn declared_modules(src: &Path) -> Vec<(String, String)> {
    let mut modules = Vec::new();
    for file in rust_files(src) {
        let name = file
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if !matches!(name, "lib.rs" | "main.rs" | "mod.rs") {
            continue;
        }
        let folder = file.parent().expect("a file has a folder");
        let text = std::fs::read_to_string(&file).expect("read a module file");
        for line in code_of(&text).lines() {
            let Some(module) = line
                .trim()
                .split_once("mod ")
                .filter(|(visibility, _)| visibility.is_empty() || visibility.starts_with("pub"))
                .and_then(|(_, rest)| rest.strip_suffix(';'))
            else {
                continue;
            };
            if module == "tests" {
                continue;
            }
            let shown = if folder.join(module).is_dir() {
                format!("{module}/")
            } else {
                format!("{module}.rs")
            };
            let place = folder
                .strip_prefix(root())
                .unwrap_or(folder)
                .display()
                .to_string();
            modules.push((place, shown));
        }
    }
    modules
}

/// The codemap's paragraph on `krate`: from its heading (`**`krate/`**`) to the next one.
fn codemap_section<'a>(readme: &'a str, krate: &str) -> &'a str {
    let codemap = &readme[readme.find("### Codemap").expect("README.md has a codemap")..];
    let heading = format!("**`{krate}/`");
    let start = codemap
        .find(&heading)
        .unwrap_or_else(|| panic!("the codemap has no heading {heading}"));
    let rest = &codemap[start + heading.len()..];
    let end = rest
        .find("\n**`")
        .or_else(|| rest.find("\n## "))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Whether `section` names `module` (`name.rs` or `name/`) in backticks, alone or at the end
/// of a path.
fn names(section: &str, module: &str) -> bool {
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .any(|quoted| quoted == module || quoted.ends_with(&format!("/{module}")))
}

#[test]
fn the_readme_codemap_names_every_module() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    let mut missing = Vec::new();
    for krate in MAPPED_CRATES {
        let section = codemap_section(&readme, krate);
        for (place, module) in declared_modules(&root().join(krate).join("src")) {
            if !names(section, &module) {
                missing.push(format!("{place}: `{module}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "modules the README codemap does not name (in their crate's paragraph):\n{}",
        missing.join("\n")
    );
}
