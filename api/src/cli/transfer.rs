//! `symbios import FILE` and `symbios export`.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Settings;
use crate::db;
use crate::service::access::Principal;
use crate::service::transfer::{self, ImportLine, LineError, RecordType};
use crate::service::write::WriteContext;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The NDJSON file.
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
    Ndjson,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Record types to export (all when left out; CSV takes exactly one), e.g. Actor,
    /// CaseStudy, ResourceFlow.
    #[arg(long = "type", value_name = "TYPE")]
    types: Vec<RecordType>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Ndjson)]
    format: Format,
    /// Write to this file instead of stdout.
    #[arg(long)]
    output: Option<PathBuf>,
}

fn report_error(error: &LineError) {
    if error.field.is_empty() {
        eprintln!("line {}: {}", error.line, error.reason);
    } else {
        eprintln!("line {}: {}: {}", error.line, error.field, error.reason);
    }
}

pub async fn import(settings: &Settings, args: ImportArgs) -> anyhow::Result<()> {
    let file =
        File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let size = file.metadata().map(|metadata| metadata.len()).unwrap_or(0);
    let (connection, _) = db::connect(settings).await?;
    db::migrate_up(&connection).await?;
    let progress = ProgressBar::new(size);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let ctx = WriteContext {
        principal: Principal::command_line("import"),
        request_id: None,
        at: chrono::Utc::now(),
    };
    let mut totals = transfer::BatchReport::default();
    let mut batch: Vec<ImportLine> = Vec::new();
    let mut first_line = 1;
    let mut lines = numbered_lines(BufReader::new(file)).peekable();
    while let Some(next) = lines.next() {
        let read = next.context("cannot read the file")?;
        let number = read.number;
        progress.inc(read.bytes as u64);
        let parsed = read.text.and_then(|text| {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                transfer::parse_line(number, &text).map(Some)
            }
        });
        match parsed {
            Ok(Some(line)) => batch.push(line),
            Ok(None) => {}
            Err(error) => {
                progress.suspend(|| report_error(&error));
                totals.errors.push(error);
            }
        }
        let last = lines.peek().is_none();
        if batch.len() >= usize::from(args.batch_size) || (last && !batch.is_empty()) {
            let ctx = WriteContext {
                at: chrono::Utc::now(),
                ..ctx.clone()
            };
            let report = transfer::import_batch(&connection, &ctx, std::mem::take(&mut batch))
                .await
                .with_context(|| {
                    format!(
                        "the batch of lines {first_line}-{number} failed; nothing of it was written"
                    )
                })?;
            for error in &report.errors {
                progress.suspend(|| report_error(error));
            }
            if args.log_commits {
                progress.suspend(|| println!("committed lines {first_line}-{number}"));
            }
            totals.created += report.created;
            totals.updated += report.updated;
            totals.unchanged += report.unchanged;
            totals.errors.extend(report.errors);
            first_line = number + 1;
        }
    }
    progress.finish_and_clear();
    println!(
        "imported {}: {} created, {} updated, {} unchanged, {} refused",
        args.file.display(),
        totals.created,
        totals.updated,
        totals.unchanged,
        totals.errors.len()
    );
    if totals.errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} line(s) were refused (listed above); the other lines were imported",
            totals.errors.len()
        )
    }
}

/// One line of a file as read.
#[derive(Debug, PartialEq, Eq)]
struct ReadLine {
    /// 1-based line number.
    number: usize,
    /// Bytes read, with the line end.
    bytes: usize,
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
            Ok(bytes) => {
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
                Some(Ok(ReadLine {
                    number,
                    bytes,
                    text,
                }))
            }
            Err(error) => {
                done = true;
                Some(Err(error))
            }
        }
    })
}

const PAGE: u64 = 500;

pub async fn export(settings: &Settings, args: ExportArgs) -> anyhow::Result<()> {
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
    let output: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut output = BufWriter::new(output);
    let mut ndjson_count = 0_usize;
    let mut csv_count = 0_usize;
    let mut pending: Vec<serde_json::Value> = Vec::new();
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
                    Format::Csv => pending.push(line),
                }
            }
            if !full {
                break;
            }
        }
    }
    if let (Format::Csv, Some(first)) = (args.format, pending.first()) {
        let mut columns: Vec<String> = transfer::csv_row(first).keys().cloned().collect();
        columns.sort_by_key(|name| (name != "id", name.clone()));
        let mut writer = csv::Writer::from_writer(&mut output);
        writer.write_record(columns.iter())?;
        for line in &pending {
            let row = transfer::csv_row(line);
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
        let bytes: usize = lines.iter().map(|line| line.bytes).sum();
        assert_eq!(bytes, file.len());
    }
}
