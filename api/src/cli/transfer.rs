//! `symbios import FILE` and `symbios export`.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::db;
use crate::service::access::Principal;
use crate::service::case_study::CaseStudies;
use crate::service::transfer::{self, BatchReport, ImportLine, LineError, RecordType};
use crate::service::write::WriteContext;
use crate::service::{network_export, project, project_export, record, resource_flow};

/// What `symbios import --help` says of the file, with the example lines.
fn import_help() -> String {
    format!(
        "The file: NDJSON (UTF-8), one record per line, each line one JSON object:

  {{\"type\": TYPE, \"id\": UUID, \"record\": {{…}}}}

TYPE is one of {types}.
`record` is the GraphQL create input of that type: field names in camelCase, enum values as
in GraphQL (`COMPANY`), localized texts as [{{\"lang\", \"text\"}}], dates as YYYY-MM-DD. Theme, Actor, Funder, Project and CaseStudy lines are matched by
`slug` (made from the name when left out, as create… makes it; themes need one), the
relations by `id` (which they need): a record that exists is made equal to its line, so
running an import again changes nothing. `id` is optional for the others; relations refer
to records by id, so records come before the relations that name them. Blank lines are
skipped.

Each refused line is listed as `line N: field `F`: reason` (in line order) and the other
lines are imported; the exit status is then 1. `symbios export` writes this format.

One line per record type (they import in this order into an empty database):

{examples}",
        types = RecordType::NAMES.join(", "),
        examples = transfer::EXAMPLE_LINES.trim_end(),
    )
}

#[derive(Debug, Args)]
#[command(after_long_help = import_help())]
pub struct ImportArgs {
    /// The NDJSON file, or `-` for standard input (the format: --help).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Lines per transaction.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u16).range(1..=5000))]
    batch_size: u16,
    /// Print `committed lines A-B` to stdout after each batch is committed.
    #[arg(long)]
    log_commits: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// One JSON object per line: the format `symbios import` reads.
    Ndjson,
    /// With one --type: that record type, one row per record, a column per language for
    /// localized texts. Without --type: the network of resource flows (as `graphml`), one
    /// row per actor (`record` = `node`), flow (`edge`) and flow without a single receiver
    /// (`open_flow`).
    Csv,
    /// The network of resource flows as GraphML: actors as nodes, flows as edges.
    Graphml,
    /// The network of resource flows as GEXF 1.3 (Gephi): actors as nodes, flows as edges.
    Gexf,
    /// The projects as keep.eu exports them: one row per project with programme, dates,
    /// budget, EU contribution, lead partner, partners, funders and NUTS regions.
    ProjectsCsv,
}

/// `--type`: a record type's name, offered from [`RecordType::NAMES`].
fn record_type_parser() -> impl TypedValueParser<Value = RecordType> {
    PossibleValuesParser::new(RecordType::NAMES).try_map(|name| name.parse::<RecordType>())
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Record types to export (all when left out; CSV takes exactly one); repeat for more.
    #[arg(long = "type", value_name = "TYPE", ignore_case = true, value_parser = record_type_parser())]
    types: Vec<RecordType>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Ndjson)]
    format: Format,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The network formats: only this case study's flows (all when left out).
    #[arg(long, value_name = "SLUG")]
    case_study: Option<String>,
}

impl ExportArgs {
    /// The network format asked for, if any: GraphML, GEXF, or CSV without a record type.
    fn network_format(&self) -> Option<network_export::Format> {
        match self.format {
            Format::Graphml => Some(network_export::Format::GraphMl),
            Format::Gexf => Some(network_export::Format::Gexf),
            Format::Csv if self.types.is_empty() => Some(network_export::Format::Csv),
            Format::Csv | Format::Ndjson | Format::ProjectsCsv => None,
        }
    }
}

/// What the operating system said, without its ` (os error N)` tail.
fn os_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.split_once(" (os error ") {
        Some((reason, _)) => reason.to_owned(),
        None => text,
    }
}

/// Where the lines come from.
struct Source {
    /// The file's name as given, or `standard input`.
    name: String,
    reader: Box<dyn BufRead>,
    /// The number of lines, when known before reading (files; not standard input).
    lines: Option<u64>,
}

impl Source {
    fn open(path: &Path) -> anyhow::Result<Self> {
        if path == Path::new("-") {
            return Ok(Source {
                name: "standard input".to_owned(),
                reader: Box::new(BufReader::new(std::io::stdin().lock())),
                lines: None,
            });
        }
        let name = path.display().to_string();
        let cannot_open =
            |error: std::io::Error| anyhow::anyhow!("cannot open {name}: {}", os_reason(&error));
        if std::fs::metadata(path).map_err(cannot_open)?.is_dir() {
            anyhow::bail!("{name} is a directory; give the NDJSON file");
        }
        let mut file = File::open(path).map_err(cannot_open)?;
        let lines = count_lines(&mut file)
            .map_err(|error| anyhow::anyhow!("cannot read {name}: {}", os_reason(&error)))?;
        Ok(Source {
            name,
            reader: Box::new(BufReader::new(file)),
            lines: Some(lines),
        })
    }
}

/// The lines of `file` (a last line without a line end counts), read from the start; the
/// file is left at its start. A first pass so that progress can show an ETA in lines.
fn count_lines(file: &mut File) -> std::io::Result<u64> {
    let mut buffer = vec![0_u8; 1 << 16];
    let mut lines = 0_u64;
    let mut last = b'\n';
    loop {
        let read = file.read(&mut buffer)?;
        let Some(chunk) = buffer.get(..read).filter(|chunk| !chunk.is_empty()) else {
            break;
        };
        lines += chunk.iter().filter(|byte| **byte == b'\n').count() as u64;
        last = chunk.last().copied().unwrap_or(last);
    }
    if last != b'\n' {
        lines += 1;
    }
    file.rewind()?;
    Ok(lines)
}

/// Progress in lines, with lines per second, and with an ETA when the total is known.
fn progress_bar(total: Option<u64>) -> ProgressBar {
    let rate = |state: &ProgressState, out: &mut dyn std::fmt::Write| {
        // A progress line that cannot be drawn is not worth stopping the import for.
        let _ = write!(out, "{:.0} lines/s", state.per_sec());
    };
    let (bar, template) = match total {
        Some(total) => (
            ProgressBar::new(total),
            "{bar:40} {human_pos}/{human_len} lines  {rate}  ETA {eta}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {human_pos} lines  {rate}",
        ),
    };
    match ProgressStyle::with_template(template) {
        Ok(style) => bar.with_style(style.with_key("rate", rate)),
        Err(_) => bar,
    }
}

/// An import under way: the lines read since the last commit, and the totals.
struct Import<'a> {
    connection: &'a DatabaseConnection,
    principal: Principal,
    log_commits: bool,
    progress: ProgressBar,
    batch: Vec<ImportLine>,
    /// Lines refused before they reached the database, since the last commit.
    refused: Vec<LineError>,
    first_line: usize,
    totals: BatchReport,
    refused_lines: usize,
}

impl Import<'_> {
    /// Writes the lines read up to `last_line` in one transaction, then lists the lines
    /// refused among them, in line order.
    async fn commit(&mut self, last_line: usize) -> anyhow::Result<()> {
        let mut report = BatchReport {
            errors: std::mem::take(&mut self.refused),
            ..BatchReport::default()
        };
        if !self.batch.is_empty() {
            let ctx = WriteContext {
                principal: self.principal.clone(),
                request_id: None,
                at: chrono::Utc::now(),
            };
            let first = self.first_line;
            let written = transfer::import_batch(
                self.connection,
                &ctx,
                std::mem::take(&mut self.batch),
            )
            .await
            .map_err(|error| {
                anyhow::anyhow!(
                    "writing lines {first}-{last_line} failed, so none of them was written: {error}"
                )
            })?;
            if self.log_commits {
                self.progress
                    .suspend(|| println!("committed lines {first}-{last_line}"));
            }
            self.totals.created += written.created;
            self.totals.updated += written.updated;
            self.totals.unchanged += written.unchanged;
            report.errors.extend(written.errors);
        }
        report.errors.sort_by_key(|error| error.line);
        self.refused_lines += report.refused_lines();
        self.progress.suspend(|| {
            for error in &report.errors {
                eprintln!("{error}");
            }
        });
        self.first_line = last_line + 1;
        Ok(())
    }
}

pub async fn import(settings: &Settings, args: ImportArgs) -> anyhow::Result<()> {
    let source = Source::open(&args.file)?;
    let (connection, _) = db::connect_for(settings, db::Workload::BulkWrite).await?;
    db::migrate_up(&connection).await?;
    let mut import = Import {
        connection: &connection,
        principal: Principal::command_line("import"),
        log_commits: args.log_commits,
        progress: progress_bar(source.lines),
        batch: Vec::new(),
        refused: Vec::new(),
        first_line: 1,
        totals: BatchReport::default(),
        refused_lines: 0,
    };
    let mut last_line = 0;
    for next in numbered_lines(source.reader) {
        let read = next.map_err(|error| {
            anyhow::anyhow!(
                "cannot read {} after line {last_line}: {}",
                source.name,
                os_reason(&error)
            )
        })?;
        last_line = read.number;
        import.progress.inc(1);
        let parsed = read.text.and_then(|text| {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                transfer::parse_line(read.number, &text).map(Some)
            }
        });
        match parsed {
            Ok(Some(line)) => import.batch.push(line),
            Ok(None) => {}
            Err(error) => import.refused.push(error),
        }
        if import.batch.len() >= usize::from(args.batch_size) {
            import.commit(last_line).await?;
        }
    }
    import.commit(last_line).await?;
    import.progress.finish_and_clear();
    // The bulk pool lets the log grow between checkpoints; fold it into the database file now
    // rather than leaving it to the next writer (every read before then would look in it).
    // On PostgreSQL, statistics for the grown tables. Only speed-ups: every line is committed
    // already, so a database busy elsewhere (a server reading) must not turn the import into
    // a failure.
    db::after_bulk_write(&connection).await;
    let totals = &import.totals;
    let refused = import.refused_lines;
    println!(
        "imported {}: {} created, {} updated, {} unchanged, {refused} refused",
        source.name, totals.created, totals.updated, totals.unchanged,
    );
    let imported = totals.created + totals.updated + totals.unchanged;
    match (refused, imported) {
        (0, _) => Ok(()),
        (_, 0) => {
            anyhow::bail!("{refused} line(s) were refused (listed above); nothing was imported")
        }
        _ => anyhow::bail!(
            "{refused} line(s) were refused (listed above); the other {imported} were imported"
        ),
    }
}

/// One line of a file as read.
#[derive(Debug, PartialEq, Eq)]
struct ReadLine {
    /// 1-based line number.
    number: usize,
    /// The text without its line end, or why the line is not text.
    text: Result<String, LineError>,
}

/// The lines of `reader`, numbered from 1, without their line ends (`\n` or `\r\n`). A line
/// that is not UTF-8 is refused on its own, naming the first bad byte, and the lines after
/// it are still read; only a failure to read ends the lines with an error.
fn numbered_lines(mut reader: impl BufRead) -> impl Iterator<Item = std::io::Result<ReadLine>> {
    let mut number = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut buffer = Vec::new();
        match reader.read_until(b'\n', &mut buffer) {
            Ok(0) => None,
            Ok(_) => {
                number += 1;
                if buffer.last() == Some(&b'\n') {
                    buffer.pop();
                    if buffer.last() == Some(&b'\r') {
                        buffer.pop();
                    }
                }
                let text = String::from_utf8(buffer).map_err(|error| LineError {
                    line: number,
                    field: String::new(),
                    reason: format!(
                        "is not UTF-8 text (an invalid byte at byte {} of the line); the line is skipped, save the file as UTF-8",
                        error.utf8_error().valid_up_to() + 1
                    ),
                });
                Some(Ok(ReadLine { number, text }))
            }
            Err(error) => {
                done = true;
                Some(Err(error))
            }
        }
    })
}

const PAGE: u64 = 500;

/// Opens the file `--output` names, or stdout.
fn open_output(path: Option<&PathBuf>) -> anyhow::Result<BufWriter<Box<dyn Write>>> {
    let output: Box<dyn Write> = match path {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    Ok(BufWriter::new(output))
}

/// `symbios export --format graphml|gexf|csv [--case-study SLUG]`.
async fn export_network(
    settings: &Settings,
    args: &ExportArgs,
    format: network_export::Format,
) -> anyhow::Result<()> {
    if !args.types.is_empty() {
        anyhow::bail!("the network formats take no --type");
    }
    let (connection, _) = db::connect(settings).await?;
    db::migrate_up(&connection).await?;
    let mut filter = resource_flow::Filter::default();
    if let Some(slug) = &args.case_study {
        let case_study = record::find_by_slug::<CaseStudies>(&connection, slug)
            .await?
            .with_context(|| format!("there is no case study `{slug}`"))?;
        filter.case_studies = vec![case_study.id.to_string()];
    }
    let graph = network_export::load(&connection, &filter).await?;
    let mut output = open_output(args.output.as_ref())?;
    output.write_all(&network_export::write(&graph, format)?)?;
    output.flush()?;
    eprintln!(
        "exported {} node(s) and {} edge(s)",
        graph.network.nodes.len(),
        graph.edges().count()
    );
    Ok(())
}

/// `symbios export --format projects-csv`.
async fn export_projects(settings: &Settings, args: &ExportArgs) -> anyhow::Result<()> {
    if !args.types.is_empty() || args.case_study.is_some() {
        anyhow::bail!("projects-csv takes no --type and no --case-study");
    }
    let (connection, _) = db::connect(settings).await?;
    db::migrate_up(&connection).await?;
    let projects = project_export::load(&connection, project::Filter::default()).await?;
    let mut output = open_output(args.output.as_ref())?;
    output.write_all(&project_export::write(&projects)?)?;
    output.flush()?;
    eprintln!("exported {} project(s)", projects.len());
    Ok(())
}

pub async fn export(settings: &Settings, args: ExportArgs) -> anyhow::Result<()> {
    if matches!(args.format, Format::ProjectsCsv) {
        return export_projects(settings, &args).await;
    }
    if let Some(format) = args.network_format() {
        return export_network(settings, &args, format).await;
    }
    if args.case_study.is_some() {
        anyhow::bail!(
            "--case-study is for the network formats (graphml, gexf, csv without --type)"
        );
    }
    let types = if args.types.is_empty() {
        RecordType::ALL.to_vec()
    } else {
        args.types.clone()
    };
    if matches!(args.format, Format::Csv) && types.len() != 1 {
        anyhow::bail!("CSV holds one record type: give exactly one --type");
    }
    let (connection, _) = db::connect(settings).await?;
    db::migrate_up(&connection).await?;
    let mut output = open_output(args.output.as_ref())?;
    let mut ndjson_count = 0_usize;
    let mut csv_count = 0_usize;
    let mut rows = Vec::new();
    for record_type in types {
        let mut after = None;
        loop {
            let page = transfer::export(&connection, record_type, after, PAGE).await?;
            let Some((last, _)) = page.last() else {
                break;
            };
            after = Some(*last);
            let full = page.len() as u64 == PAGE;
            for (_, line) in page {
                match args.format {
                    Format::Ndjson => {
                        ndjson_count += 1;
                        writeln!(output, "{line}")?;
                    }
                    Format::Csv | Format::Graphml | Format::Gexf | Format::ProjectsCsv => {
                        rows.push(transfer::csv_row(&line));
                    }
                }
            }
            if !full {
                break;
            }
        }
    }
    if matches!(args.format, Format::Csv) && !rows.is_empty() {
        let columns = transfer::csv_columns(&rows);
        let mut writer = csv::Writer::from_writer(&mut output);
        writer.write_record(columns.iter())?;
        for row in &rows {
            writer.write_record(
                columns
                    .iter()
                    .map(|column| row.get(column).map_or("", String::as_str)),
            )?;
            csv_count += 1;
        }
        writer.flush()?;
    }
    output.flush()?;
    let count = ndjson_count + csv_count;
    eprintln!("exported {count} record(s)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README and the dataset's format page show the example lines `import --help`
    /// shows, from the one file they come from.
    #[test]
    fn the_docs_carry_the_example_lines_verbatim() {
        let block = format!("```json\n{}```", transfer::EXAMPLE_LINES);
        for doc in ["../README.md", "seed/FORMAT.md"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(doc);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.contains(&block),
                "{} lacks the lines of service/src/transfer_examples.ndjson",
                path.display()
            );
        }
        assert!(import_help().contains(transfer::EXAMPLE_LINES.trim_end()));
    }

    #[test]
    fn a_line_that_is_not_utf8_is_refused_alone() {
        let file: &[u8] = b"{\"a\":1}\r\n{\"b\":\"\xff\xfe\"}\n\n{\"c\":3}";
        let lines: Vec<ReadLine> = numbered_lines(file).map(Result::unwrap).collect();
        let texts: Vec<Result<&str, usize>> = lines
            .iter()
            .map(|line| line.text.as_deref().map_err(|error| error.line))
            .collect();
        assert_eq!(
            texts,
            [Ok("{\"a\":1}"), Err(2), Ok(""), Ok("{\"c\":3}")],
            "{lines:?}"
        );
        let Err(refused) = &lines[1].text else {
            panic!("line 2 is not UTF-8");
        };
        assert!(refused.reason.contains("at byte 7"), "{}", refused.reason);
    }
}
