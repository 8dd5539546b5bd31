//! The whole domain of DESIGN.md: records, their relations, localized texts, identifiers,
//! memberships and the change log.

use sea_orm_migration::{prelude::*, schema::*};

use crate::statements::{Reference, create, drop_tables, index, table, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables in creation order; `down` drops them in reverse.
const TABLES: &[&str] = &[
    "theme",
    "actor",
    "funder",
    "project",
    "case_study",
    "funding",
    "participation",
    "case_study_actor",
    "case_study_project",
    "case_study_theme",
    "project_theme",
    "resource_flow",
    "impact_figure",
    "source",
    "localized_text",
    "external_identifier",
    "membership",
    "change_log",
];

/// Adds the columns every versioned record has: `version`, `created_at`, `updated_at`.
fn versioned(mut table: TableCreateStatement) -> TableCreateStatement {
    table
        .col(integer("version").default(1))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"));
    table
}

/// A versioned record's table: `id`, `columns`, the foreign keys of `references`, then
/// `version`, `created_at` and `updated_at`.
fn record(
    name: &'static str,
    columns: Vec<ColumnDef>,
    references: &[Reference],
) -> TableCreateStatement {
    let mut columns = columns;
    columns.insert(0, pk_uuid("id"));
    versioned(table(name, columns, references))
}

/// A link table: the two columns, their pair as the primary key, both referencing with
/// cascade.
fn link(name: &'static str, left: Reference, right: Reference) -> TableCreateStatement {
    let mut link = table(name, vec![uuid(left.0), uuid(right.0)], &[left, right]);
    link.primary_key(Index::create().col(left.0).col(right.0));
    link
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        let slug = || string_len_uniq("slug", 120);
        let name = || string_len("name", 300);
        let name_folded = || string_len("name_folded", 300);
        let website = || string_len_null("website", 500);
        let original_lang = || string_len("original_lang", 8);
        let to_case_study: Reference = ("case_study_id", "case_study", Cascade);

        create(manager, record("theme", vec![slug()], &[]), vec![]).await?;
        create(
            manager,
            record(
                "actor",
                vec![
                    slug(),
                    name(),
                    name_folded(),
                    string_len("kind", 32),
                    string_len("country", 2),
                    website(),
                    original_lang(),
                ],
                &[],
            ),
            ["country", "kind", "name_folded", "updated_at"]
                .map(|column| index("actor", &[column]))
                .into(),
        )
        .await?;
        create(
            manager,
            record(
                "funder",
                vec![
                    slug(),
                    name(),
                    name_folded(),
                    string_len("kind", 32),
                    string_len("country", 2),
                    uuid_null("actor_id"),
                    website(),
                    original_lang(),
                ],
                &[("actor_id", "actor", SetNull)],
            ),
            vec![index("funder", &["actor_id"])],
        )
        .await?;
        create(
            manager,
            record(
                "project",
                vec![
                    slug(),
                    name(),
                    name_folded(),
                    string_len_null("acronym", 60),
                    string_len("status", 16),
                    date_null("start_date"),
                    date_null("end_date"),
                    website(),
                    original_lang(),
                ],
                &[],
            ),
            vec![
                index("project", &["name_folded"]),
                index("project", &["start_date"]),
            ],
        )
        .await?;
        create(
            manager,
            record(
                "case_study",
                vec![
                    slug(),
                    string_len("title", 300),
                    name_folded(),
                    string_len("kind", 40),
                    string_len("place", 200),
                    string_len_null("municipality", 200),
                    string_len_null("region", 200),
                    string_len("country", 2),
                    double_null("latitude"),
                    double_null("longitude"),
                    integer_null("established_year"),
                    string_len("status", 16),
                    original_lang(),
                ],
                &[],
            ),
            ["country", "name_folded", "established_year"]
                .map(|column| index("case_study", &[column]))
                .into(),
        )
        .await?;
        create(
            manager,
            record(
                "funding",
                vec![
                    uuid("funder_id"),
                    uuid("project_id"),
                    string_len_null("programme", 300),
                    double_null("amount"),
                    string_len_null("currency", 3),
                    date_null("period_start"),
                    date_null("period_end"),
                ],
                &[
                    ("funder_id", "funder", Restrict),
                    ("project_id", "project", Cascade),
                ],
            ),
            vec![
                index("funding", &["funder_id"]),
                index("funding", &["project_id"]),
            ],
        )
        .await?;
        // Roles of actors in projects and case studies: one row per actor and role.
        for (table, parent_column, parent) in [
            ("participation", "project_id", "project"),
            ("case_study_actor", "case_study_id", "case_study"),
        ] {
            create(
                manager,
                record(
                    table,
                    vec![
                        uuid(parent_column),
                        uuid("actor_id"),
                        string_len("role", 32),
                    ],
                    &[
                        (parent_column, parent, Cascade),
                        ("actor_id", "actor", Cascade),
                    ],
                ),
                vec![
                    unique_index(table, &[parent_column, "actor_id", "role"]),
                    index(table, &["actor_id"]),
                ],
            )
            .await?;
        }
        for (table, left, right) in [
            (
                "case_study_project",
                to_case_study,
                ("project_id", "project", Cascade),
            ),
            (
                "case_study_theme",
                to_case_study,
                ("theme_id", "theme", Cascade),
            ),
            (
                "project_theme",
                ("project_id", "project", Cascade),
                ("theme_id", "theme", Cascade),
            ),
        ] {
            create(
                manager,
                link(table, left, right),
                vec![index(table, &[right.0])],
            )
            .await?;
        }
        create(
            manager,
            record(
                "resource_flow",
                vec![
                    uuid("case_study_id"),
                    uuid("from_actor_id"),
                    uuid_null("to_actor_id"),
                    string_len("resource", 200),
                    string_len("category", 16),
                    double_null("quantity"),
                    string_len_null("unit", 40),
                    integer_null("year"),
                    string_len("status", 16),
                    string_len_null("ewc_code", 16),
                    original_lang(),
                ],
                &[
                    to_case_study,
                    ("from_actor_id", "actor", Restrict),
                    ("to_actor_id", "actor", Restrict),
                ],
            ),
            ["case_study_id", "from_actor_id", "to_actor_id"]
                .map(|column| index("resource_flow", &[column]))
                .into(),
        )
        .await?;
        create(
            manager,
            record(
                "impact_figure",
                vec![
                    uuid("case_study_id"),
                    string_len("metric", 80),
                    double("value"),
                    string_len("unit", 40),
                    integer_null("year"),
                    string_len_null("note", 500),
                ],
                &[to_case_study],
            ),
            vec![index("impact_figure", &["case_study_id"])],
        )
        .await?;
        create(
            manager,
            table(
                "source",
                vec![
                    pk_uuid("id"),
                    uuid("case_study_id"),
                    string_len("url", 1000),
                    string_len("title", 500),
                    date_null("accessed"),
                ],
                &[to_case_study],
            ),
            vec![index("source", &["case_study_id"])],
        )
        .await?;
        let mut localized_text = table(
            "localized_text",
            vec![
                string_len("entity_type", 32),
                uuid("entity_id"),
                string_len("field", 32),
                string_len("lang", 8),
                text("text"),
                boolean("is_original"),
            ],
            &[],
        );
        localized_text.primary_key(
            Index::create()
                .col("entity_type")
                .col("entity_id")
                .col("field")
                .col("lang"),
        );
        create(manager, localized_text, vec![]).await?;
        create(
            manager,
            table(
                "external_identifier",
                vec![
                    pk_uuid("id"),
                    uuid("actor_id"),
                    string_len("scheme", 32),
                    string_len("value", 200),
                ],
                &[("actor_id", "actor", Cascade)],
            ),
            vec![
                unique_index("external_identifier", &["scheme", "value"]),
                index("external_identifier", &["actor_id"]),
            ],
        )
        .await?;
        create(
            manager,
            record(
                "membership",
                vec![
                    uuid("person_id"),
                    uuid("organisation_id"),
                    string_len_null("title", 200),
                ],
                &[
                    ("person_id", "actor", Cascade),
                    ("organisation_id", "actor", Cascade),
                ],
            ),
            vec![
                unique_index("membership", &["person_id", "organisation_id"]),
                index("membership", &["organisation_id"]),
            ],
        )
        .await?;
        create(
            manager,
            table(
                "change_log",
                vec![
                    big_pk_auto("seq"),
                    string_len("entity_type", 32),
                    uuid("entity_id"),
                    string_len("op", 8),
                    integer("version"),
                    timestamp_with_time_zone("changed_at"),
                ],
                &[],
            ),
            vec![index("change_log", &["entity_type", "entity_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
