//! `symbios documents add FILE`: trusts the documents of a portal's manifest.

use std::path::PathBuf;

use clap::Subcommand;

use crate::config::Settings;
use crate::db;
use crate::service::trusted_documents;

#[derive(Debug, Subcommand)]
pub enum DocumentAction {
    /// Trust the documents of a manifest: a JSON object of document ids to document texts,
    /// as GraphQL Code Generator's client preset writes it (`persisted-documents.json`) and
    /// Relay's compiler (`persisted_queries.json`). All or none are added; adding the same
    /// manifest again changes nothing.
    Add {
        /// The manifest file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

pub async fn run(settings: &Settings, action: DocumentAction) -> anyhow::Result<()> {
    let DocumentAction::Add { file } = action;
    // The reasons go into the message: `main` prints the outermost error only.
    let text = std::fs::read_to_string(&file)
        .map_err(|error| anyhow::anyhow!("cannot read {}: {error}", file.display()))?;
    let documents = trusted_documents::parse_manifest(&text)
        .map_err(|error| anyhow::anyhow!("{} is refused: {error}", file.display()))?;
    // A document that does not parse could never run: refuse the manifest now, not each
    // request later.
    for (id, text) in &documents {
        if let Err(error) = async_graphql::parser::parse_query(text) {
            anyhow::bail!(
                "{} is refused: the document `{id}` is not GraphQL: {error}",
                file.display()
            );
        }
    }
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let (connection, _) = db::connect(settings).await?;
    db::migrate_up(&connection).await?;
    let added = trusted_documents::add(&connection, &source, &documents, chrono::Utc::now())
        .await
        .map_err(|error| anyhow::anyhow!("{} was not added: {error}", file.display()))?;
    println!(
        "{} document(s) trusted from {source}, {} already trusted",
        added.added, added.unchanged
    );
    Ok(())
}
