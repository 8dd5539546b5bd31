//! `symbios apikey create | list | revoke`.

use clap::{Subcommand, ValueEnum};
use symbios_entity::vocabulary::Role;

use crate::config::Settings;
use crate::db;
use crate::service::access;

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
    /// List keys (prefix, name, role, scheme, created, revoked).
    List,
    /// Revoke a key by id or prefix.
    Revoke {
        /// The key's id or the prefix shown by `list`.
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
        KeyAction::List => {
            println!(
                "{:<16} {:<10} {:<10} {:<24} {:<26} revoked",
                "prefix", "role", "scheme", "name", "created"
            );
            for key in access::list(&connection).await? {
                println!(
                    "{:<16} {:<10} {:<10} {:<24} {:<26} {}",
                    key.prefix,
                    access::role_name(key.role),
                    key.scheme.as_deref().unwrap_or("-"),
                    key.name,
                    key.created_at.to_rfc3339(),
                    key.revoked_at.map_or("-".to_owned(), |at| at.to_rfc3339())
                );
            }
        }
        KeyAction::Revoke { key } => {
            let revoked = access::revoke(&connection, &key, now).await?;
            println!("revoked `{}` ({})", revoked.name, revoked.prefix);
        }
    }
    Ok(())
}
