//! API keys and who may do what.
//!
//! A key is `symbios_` followed by 43 characters of base64url: 256 random bits. Only its
//! SHA-256 is stored; the first characters are kept as `prefix` so that listings and leak
//! reports can name a key without revealing it. Lookups go by the hash, so comparing secrets
//! never happens in code that could leak timing about the secret itself.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use symbios_entity::api_key;
use symbios_entity::vocabulary::Role;
use uuid::Uuid;

use super::Error;
use super::digest::sha256_hex;

/// What every key starts with, so that a leaked key is recognisable (e.g. by secret scanners).
pub const KEY_PREFIX: &str = "symbios_";

/// Characters of the key kept in clear as its `prefix`.
const SHOWN_PREFIX_LEN: usize = KEY_PREFIX.len() + 6;

/// Who is making a write: an API key's holder or a command run on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The key, or `None` for the command line.
    pub key_id: Option<Uuid>,
    /// The key's name, or `cli:<command>`.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// For partner keys: the identifier scheme it owns.
    pub scheme: Option<String>,
}

impl Principal {
    /// A command run on the server (e.g. `symbios import`): it may write everything.
    pub fn command_line(command: &str) -> Self {
        Self {
            key_id: None,
            name: format!("cli:{command}"),
            role: Role::Admin,
            scheme: None,
        }
    }

    /// Editors and admins may write every record.
    pub fn may_edit_everything(&self) -> bool {
        matches!(self.role, Role::Editor | Role::Admin)
    }

    /// Whether this principal may write actors identified under `scheme`.
    pub fn owns_scheme(&self, scheme: &str) -> bool {
        self.may_edit_everything() || self.scheme.as_deref() == Some(scheme)
    }
}

/// Refuses anonymous callers.
pub fn require_key(principal: Option<&Principal>) -> Result<&Principal, Error> {
    principal.ok_or_else(|| {
        Error::Unauthenticated(
            "writes need an API key: send `Authorization: Bearer <key>`".to_owned(),
        )
    })
}

/// Refuses callers that are not editors or admins.
pub fn require_editor(principal: Option<&Principal>) -> Result<&Principal, Error> {
    require(
        principal,
        Principal::may_edit_everything,
        "may only write actors under its own scheme; this needs an editor key",
    )
}

/// Refuses callers that are not admins.
pub fn require_admin(principal: Option<&Principal>) -> Result<&Principal, Error> {
    require(
        principal,
        |principal| principal.role == Role::Admin,
        "may not do this; it needs an admin key",
    )
}

/// Refuses anonymous callers, and callers that `allowed` refuses: the message names the
/// key's role and name, then says `why`.
fn require<'a>(
    principal: Option<&'a Principal>,
    allowed: impl Fn(&Principal) -> bool,
    why: &str,
) -> Result<&'a Principal, Error> {
    let principal = require_key(principal)?;
    if allowed(principal) {
        Ok(principal)
    } else {
        Err(Error::Forbidden(format!(
            "the {} key `{}` {why}",
            role_name(principal.role),
            principal.name
        )))
    }
}

/// The role's name as the command line spells it.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Partner => "partner",
        Role::Editor => "editor",
        Role::Admin => "admin",
    }
}

/// A key just created: the record and the secret, which is never shown again.
#[derive(Debug)]
pub struct NewKey {
    /// The stored record.
    pub record: api_key::Model,
    /// The key to hand to its holder.
    pub secret: String,
}

fn random_secret() -> Result<String, Error> {
    random_token(KEY_PREFIX)
}

/// `prefix` followed by 256 random bits in base64url (43 characters).
pub(crate) fn random_token(prefix: &str) -> Result<String, Error> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|error| Error::internal("read the system's random source", error.to_string()))?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// Creates a key. Partner keys need the identifier `scheme` they will write under; other
/// roles must not have one.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    scheme: Option<&str>,
    at: DateTime<Utc>,
) -> Result<NewKey, Error> {
    let name = name.trim();
    super::validate::one_line("name", name)?;
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "must be 1–100 characters"));
    }
    match (role, scheme) {
        (Role::Partner, None) => {
            return Err(Error::invalid(
                "scheme",
                "a partner key needs the identifier scheme it writes under, e.g. NO-BRC",
            ));
        }
        (Role::Partner, Some(scheme)) => super::validate::scheme("scheme", scheme)?,
        (_, Some(_)) => {
            return Err(Error::invalid(
                "scheme",
                "only partner keys are bound to a scheme",
            ));
        }
        (_, None) => {}
    }
    let secret = random_secret()?;
    let record = api_key::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name.to_owned()),
        role: Set(role),
        scheme: Set(scheme.map(str::to_owned)),
        prefix: Set(secret.chars().take(SHOWN_PREFIX_LEN).collect()),
        secret_hash: Set(sha256_hex(&secret)),
        created_at: Set(at),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(NewKey { record, secret })
}

/// Every key, newest first, revoked ones included.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<api_key::Model>, Error> {
    Ok(api_key::Entity::find()
        .order_by_desc(api_key::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The one key `given` names: its id, the start of its id (any length that names one key),
/// the prefix `list` shows, or the key itself.
pub async fn find(db: &impl ConnectionTrait, given: &str) -> Result<api_key::Model, Error> {
    super::validate::one_line("key", given)?;
    let given = given.trim();
    if given.is_empty() {
        return Err(Error::invalid(
            "key",
            "give the key's id, a prefix or the key",
        ));
    }
    if given.starts_with(KEY_PREFIX) && given.len() > SHOWN_PREFIX_LEN {
        return api_key::Entity::find()
            .filter(api_key::Column::SecretHash.eq(sha256_hex(given)))
            .one(db)
            .await?
            .ok_or_else(|| {
                Error::invalid(
                    "key",
                    "no key is this secret (it may belong to another database)",
                )
            });
    }
    let id_start = given.to_ascii_lowercase();
    // Keys are few (one per partner or person): compared here rather than with a LIKE on
    // a UUID column, which the two databases spell differently.
    let matches: Vec<api_key::Model> = list(db)
        .await?
        .into_iter()
        .filter(|key| key.id.to_string().starts_with(&id_start) || key.prefix == given)
        .collect();
    match matches.as_slice() {
        [key] => Ok(key.clone()),
        [] => Err(Error::invalid(
            "key",
            format!(
                "no key has the id or prefix `{}`",
                given.chars().take(40).collect::<String>()
            ),
        )),
        several => {
            let ids: Vec<String> = several.iter().map(|key| key.id.to_string()).collect();
            Err(Error::invalid(
                "key",
                format!(
                    "{} keys start with `{given}` ({}); give more of the id",
                    several.len(),
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// What [`revoke`] did.
#[derive(Debug)]
pub struct Revoked {
    /// The key as stored now.
    pub key: api_key::Model,
    /// Whether it had been revoked before (then nothing changed).
    pub already: bool,
}

/// Revokes the key `given` names (see [`find`]); a revoked key is refused from then on.
/// Revoking a revoked key changes nothing (its `revoked_at` stays).
pub async fn revoke(
    db: &impl ConnectionTrait,
    given: &str,
    at: DateTime<Utc>,
) -> Result<Revoked, Error> {
    let key = find(db, given).await?;
    if key.revoked_at.is_some() {
        return Ok(Revoked { key, already: true });
    }
    let mut active: api_key::ActiveModel = key.into();
    active.revoked_at = Set(Some(at));
    Ok(Revoked {
        key: active.update(db).await?,
        already: false,
    })
}

/// How stale `last_used_at` may be before a use writes it again: a write per request would
/// make every authenticated request a write (and on SQLite take the one writer's lock).
const LAST_USED_RESOLUTION: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// The principal a bearer token belongs to: `Ok(None)` when the token is not a live key.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<Principal>, Error> {
    if !token.starts_with(KEY_PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let key = api_key::Entity::find()
        .filter(api_key::Column::SecretHash.eq(sha256_hex(token)))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    if let Some(key) = &key {
        let now = Utc::now();
        if key
            .last_used_at
            .is_none_or(|used| now - used >= LAST_USED_RESOLUTION)
        {
            api_key::Entity::update_many()
                .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
                .filter(api_key::Column::Id.eq(key.id))
                .exec(db)
                .await?;
        }
    }
    Ok(key.map(|key| Principal {
        key_id: Some(key.id),
        name: key.name,
        role: key.role,
        scheme: key.scheme,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_long_and_distinct() {
        let first = random_secret().unwrap();
        let second = random_secret().unwrap();
        assert!(first.starts_with(KEY_PREFIX));
        assert_eq!(first.len(), KEY_PREFIX.len() + 43);
        assert_ne!(first, second);
    }

    #[test]
    fn partners_own_only_their_scheme() {
        let partner = Principal {
            key_id: None,
            name: "brreg".to_owned(),
            role: Role::Partner,
            scheme: Some("NO-BRC".to_owned()),
        };
        assert!(partner.owns_scheme("NO-BRC"));
        assert!(!partner.owns_scheme("SE-BLV"));
        assert!(require_editor(Some(&partner)).is_err());
        assert!(require_key(None).is_err());
        assert!(Principal::command_line("import").owns_scheme("SE-BLV"));
    }
}
