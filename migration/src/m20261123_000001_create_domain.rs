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

/// A unique index on `unique` of `table`, then an index on its column `other` (which the unique
/// one, not starting with it, cannot serve).
fn unique_then_index(
    table: &'static str,
    unique: &[&'static str],
    other: &'static str,
) -> Vec<IndexCreateStatement> {
    vec![unique_index(table, unique), index(table, &[other])]
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
        // The leading columns of named records, then `more`.
        let named = |more: Vec<ColumnDef>| {
            let mut columns = vec![slug(), name(), name_folded()];
            columns.extend(more);
            columns
        };
        // Actors and funders: named, with a kind and a country, then `more`.
        let organisation = |more: Vec<ColumnDef>| {
            let mut columns = vec![string_len("kind", 32), string_len("country", 2)];
            columns.extend(more);
            named(columns)
        };
        let single_indexes = |table, columns: &[&'static str]| {
            columns
                .iter()
                .map(|column| index(table, &[column]))
                .collect::<Vec<_>>()
        };

        // Each table with the indexes created right after it, in creation order.
        let mut tables: Vec<(TableCreateStatement, Vec<IndexCreateStatement>)> = vec![
            (record("theme", vec![slug()], &[]), vec![]),
            (
                record("actor", organisation(vec![website(), original_lang()]), &[]),
                single_indexes("actor", &["country", "kind", "name_folded", "updated_at"]),
            ),
            (
                record(
                    "funder",
                    organisation(vec![uuid_null("actor_id"), website(), original_lang()]),
                    &[("actor_id", "actor", SetNull)],
                ),
                single_indexes("funder", &["actor_id"]),
            ),
            (
                record(
                    "project",
                    named(vec![
                        string_len_null("acronym", 60),
                        string_len("status", 16),
                        date_null("start_date"),
                        date_null("end_date"),
                        website(),
                        original_lang(),
                    ]),
                    &[],
                ),
                single_indexes("project", &["name_folded", "start_date"]),
            ),
            (
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
                single_indexes(
                    "case_study",
                    &["country", "name_folded", "established_year"],
                ),
            ),
            (
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
                single_indexes("funding", &["funder_id", "project_id"]),
            ),
        ];
        // Roles of actors in projects and case studies: one row per actor and role.
        for (table, parent_column, parent) in [
            ("participation", "project_id", "project"),
            ("case_study_actor", "case_study_id", "case_study"),
        ] {
            tables.push((
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
                unique_then_index(table, &[parent_column, "actor_id", "role"], "actor_id"),
            ));
        }
        let to_project: Reference = ("project_id", "project", Cascade);
        let to_theme: Reference = ("theme_id", "theme", Cascade);
        for (table, left, right) in [
            ("case_study_project", to_case_study, to_project),
            ("case_study_theme", to_case_study, to_theme),
            ("project_theme", to_project, to_theme),
        ] {
            tables.push((link(table, left, right), vec![index(table, &[right.0])]));
        }
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
        tables.extend([
            (
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
                single_indexes(
                    "resource_flow",
                    &["case_study_id", "from_actor_id", "to_actor_id"],
                ),
            ),
            (
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
                single_indexes("impact_figure", &["case_study_id"]),
            ),
            (
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
                single_indexes("source", &["case_study_id"]),
            ),
            (localized_text, vec![]),
            (
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
                unique_then_index("external_identifier", &["scheme", "value"], "actor_id"),
            ),
            (
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
                unique_then_index(
                    "membership",
                    &["person_id", "organisation_id"],
                    "organisation_id",
                ),
            ),
            (
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
            ),
        ]);
        for (table, indexes) in tables {
            create(manager, table, indexes).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
