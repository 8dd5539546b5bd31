//! `symbios apikey create | list | revoke`.

use clap::{Subcommand, ValueEnum};
use symbios_entity::vocabulary::Role;

use crate::config::Settings;
use crate::db;
use crate::service::access;
use symbios_entity::api_key;

/// What a key may do.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// Writes actors under its own identifier scheme (needs --scheme).
    Partner,
    /// Writes every record.
    Editor,
    /// Writes every record and reads the audit log.
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Partner => Role::Partner,
            RoleArg::Editor => Role::Editor,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum KeyAction {
    /// Create a key and print it (once: only its hash is stored).
    Create {
        /// Who holds the key, e.g. the partner network's name.
        #[arg(long)]
        name: String,
        /// What the key may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// For partner keys: the identifier scheme it writes under, e.g. NO-BRC.
        #[arg(long)]
        scheme: Option<String>,
    },
    /// List keys, newest first: id, name, role, scheme, created, last used (to the minute),
    /// revoked, and the key's first characters.
    List,
    /// Revoke a key (it is refused from then on).
    Revoke {
        /// The key's id, the start of its id (as long as it names one key), the prefix
        /// `list` shows, or the key itself.
        #[arg(value_name = "KEY")]
        key: String,
    },
}

pub async fn run(settings: &Settings, action: KeyAction) -> anyhow::Result<()> {
    let (connection, _) = db::connect(settings).await?;
    db::migrate_up(&connection).await?;
    let now = chrono::Utc::now();
    match action {
        KeyAction::Create { name, role, scheme } => {
            let key =
                access::create(&connection, &name, role.into(), scheme.as_deref(), now).await?;
            println!("{}", key.secret);
            eprintln!(
                "created {} key `{}` ({}); it is shown only now, so store it safely",
                access::role_name(key.record.role),
                key.record.name,
                key.record.id
            );
        }
        KeyAction::List => print!("{}", key_table(&access::list(&connection).await?)),
        KeyAction::Revoke { key } => {
            let access::Revoked { key, already } = access::revoke(&connection, &key, now).await?;
            match (already, key.revoked_at) {
                (true, Some(at)) => println!(
                    "`{}` ({}) was revoked already, at {}",
                    key.name,
                    key.id,
                    timestamp(at)
                ),
                _ => println!("revoked `{}` ({})", key.name, key.id),
            }
        }
    }
    Ok(())
}

/// A time as `list` shows it: RFC 3339 in UTC, to the second.
fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The keys as a table: a header, then one line per key, each column as wide as its widest
/// value (names are up to 100 characters).
fn key_table(keys: &[api_key::Model]) -> String {
    let header = [
        "id",
        "name",
        "role",
        "scheme",
        "created",
        "last used",
        "revoked",
        "prefix",
    ];
    let never = || "-".to_owned();
    let rows: Vec<[String; 8]> = keys
        .iter()
        .map(|key| {
            [
                key.id.to_string(),
                key.name.clone(),
                access::role_name(key.role).to_owned(),
                key.scheme.clone().unwrap_or_else(never),
                timestamp(key.created_at),
                key.last_used_at.map_or_else(never, timestamp),
                key.revoked_at.map_or_else(never, timestamp),
                key.prefix.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(|title| title.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut table = String::new();
    let header = header.map(str::to_owned);
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        table.push_str(cells.join("  ").trim_end());
        table.push('\n');
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_table_is_aligned_to_its_widest_values() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-06T17:12:08.123456789Z")
            .unwrap()
            .to_utc();
        let key = |name: &str, last_used| api_key::Model {
            id: uuid::Uuid::nil(),
            name: name.to_owned(),
            role: symbios_entity::vocabulary::Role::Partner,
            scheme: Some("NO-BRC".to_owned()),
            prefix: "symbios_abcdef".to_owned(),
            secret_hash: String::new(),
            created_at: at,
            revoked_at: None,
            last_used_at: last_used,
        };
        let table = key_table(&[
            key("a much longer name than the header", Some(at)),
            key("b", None),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3, "{table}");
        let column = |title: &str| lines[0].find(title).unwrap();
        assert!(
            lines[1].contains("2026-12-06T17:12:08Z  2026-12-06T17:12:08Z  -"),
            "{table}"
        );
        for line in &lines[1..] {
            assert_eq!(
                &line[column("role")..column("role") + 7],
                "partner",
                "{table}"
            );
            assert_eq!(
                &line[column("created")..column("created") + 20],
                "2026-12-06T17:12:08Z"
            );
        }
    }
}
