//! The whole domain of DESIGN.md: records, their relations, localized texts, identifiers,
//! memberships and the change log.

use sea_orm_migration::{prelude::*, schema::*};

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

fn foreign_key(
    from_table: &'static str,
    from_column: &'static str,
    to_table: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_column}"))
        .from(from_table, from_column)
        .to(to_table, "id")
        .on_delete(on_delete)
        .to_owned()
}

fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    statement
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        manager
            .create_table(versioned(
                Table::create()
                    .table("theme")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 120))
                    .to_owned(),
            ))
            .await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("actor")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 120))
                    .col(string_len("name", 300))
                    .col(string_len("name_folded", 300))
                    .col(string_len("kind", 32))
                    .col(string_len("country", 2))
                    .col(string_len_null("website", 500))
                    .col(string_len("original_lang", 8))
                    .to_owned(),
            ))
            .await?;
        manager.create_index(index("actor", &["country"])).await?;
        manager.create_index(index("actor", &["kind"])).await?;
        manager
            .create_index(index("actor", &["name_folded"]))
            .await?;
        manager
            .create_index(index("actor", &["updated_at"]))
            .await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("funder")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 120))
                    .col(string_len("name", 300))
                    .col(string_len("name_folded", 300))
                    .col(string_len("kind", 32))
                    .col(string_len("country", 2))
                    .col(uuid_null("actor_id"))
                    .col(string_len_null("website", 500))
                    .col(string_len("original_lang", 8))
                    .foreign_key(&mut foreign_key("funder", "actor_id", "actor", SetNull))
                    .to_owned(),
            ))
            .await?;
        manager.create_index(index("funder", &["actor_id"])).await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("project")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 120))
                    .col(string_len("name", 300))
                    .col(string_len("name_folded", 300))
                    .col(string_len_null("acronym", 60))
                    .col(string_len("status", 16))
                    .col(date_null("start_date"))
                    .col(date_null("end_date"))
                    .col(string_len_null("website", 500))
                    .col(string_len("original_lang", 8))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("project", &["name_folded"]))
            .await?;
        manager
            .create_index(index("project", &["start_date"]))
            .await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("case_study")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 120))
                    .col(string_len("title", 300))
                    .col(string_len("name_folded", 300))
                    .col(string_len("kind", 40))
                    .col(string_len("place", 200))
                    .col(string_len_null("municipality", 200))
                    .col(string_len_null("region", 200))
                    .col(string_len("country", 2))
                    .col(double_null("latitude"))
                    .col(double_null("longitude"))
                    .col(integer_null("established_year"))
                    .col(string_len("status", 16))
                    .col(string_len("original_lang", 8))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("case_study", &["country"]))
            .await?;
        manager
            .create_index(index("case_study", &["name_folded"]))
            .await?;
        manager
            .create_index(index("case_study", &["established_year"]))
            .await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("funding")
                    .col(pk_uuid("id"))
                    .col(uuid("funder_id"))
                    .col(uuid("project_id"))
                    .col(string_len_null("programme", 300))
                    .col(double_null("amount"))
                    .col(string_len_null("currency", 3))
                    .col(date_null("period_start"))
                    .col(date_null("period_end"))
                    .foreign_key(&mut foreign_key("funding", "funder_id", "funder", Restrict))
                    .foreign_key(&mut foreign_key(
                        "funding",
                        "project_id",
                        "project",
                        Cascade,
                    ))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("funding", &["funder_id"]))
            .await?;
        manager
            .create_index(index("funding", &["project_id"]))
            .await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("participation")
                    .col(pk_uuid("id"))
                    .col(uuid("project_id"))
                    .col(uuid("actor_id"))
                    .col(string_len("role", 32))
                    .foreign_key(&mut foreign_key(
                        "participation",
                        "project_id",
                        "project",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "participation",
                        "actor_id",
                        "actor",
                        Cascade,
                    ))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(
                index("participation", &["project_id", "actor_id", "role"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("participation", &["actor_id"]))
            .await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("case_study_actor")
                    .col(pk_uuid("id"))
                    .col(uuid("case_study_id"))
                    .col(uuid("actor_id"))
                    .col(string_len("role", 32))
                    .foreign_key(&mut foreign_key(
                        "case_study_actor",
                        "case_study_id",
                        "case_study",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "case_study_actor",
                        "actor_id",
                        "actor",
                        Cascade,
                    ))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(
                index("case_study_actor", &["case_study_id", "actor_id", "role"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("case_study_actor", &["actor_id"]))
            .await?;

        for (table, other_column, other_table) in [
            ("case_study_project", "project_id", "project"),
            ("case_study_theme", "theme_id", "theme"),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .col(uuid("case_study_id"))
                        .col(uuid(other_column))
                        .primary_key(Index::create().col("case_study_id").col(other_column))
                        .foreign_key(&mut foreign_key(
                            table,
                            "case_study_id",
                            "case_study",
                            Cascade,
                        ))
                        .foreign_key(&mut foreign_key(table, other_column, other_table, Cascade))
                        .to_owned(),
                )
                .await?;
            manager.create_index(index(table, &[other_column])).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("project_theme")
                    .col(uuid("project_id"))
                    .col(uuid("theme_id"))
                    .primary_key(Index::create().col("project_id").col("theme_id"))
                    .foreign_key(&mut foreign_key(
                        "project_theme",
                        "project_id",
                        "project",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "project_theme",
                        "theme_id",
                        "theme",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("project_theme", &["theme_id"]))
            .await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("resource_flow")
                    .col(pk_uuid("id"))
                    .col(uuid("case_study_id"))
                    .col(uuid("from_actor_id"))
                    .col(uuid_null("to_actor_id"))
                    .col(string_len("resource", 200))
                    .col(string_len("category", 16))
                    .col(double_null("quantity"))
                    .col(string_len_null("unit", 40))
                    .col(integer_null("year"))
                    .col(string_len("status", 16))
                    .col(string_len_null("ewc_code", 16))
                    .col(string_len("original_lang", 8))
                    .foreign_key(&mut foreign_key(
                        "resource_flow",
                        "case_study_id",
                        "case_study",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "resource_flow",
                        "from_actor_id",
                        "actor",
                        Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "resource_flow",
                        "to_actor_id",
                        "actor",
                        Restrict,
                    ))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("resource_flow", &["case_study_id"]))
            .await?;
        manager
            .create_index(index("resource_flow", &["from_actor_id"]))
            .await?;
        manager
            .create_index(index("resource_flow", &["to_actor_id"]))
            .await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("impact_figure")
                    .col(pk_uuid("id"))
                    .col(uuid("case_study_id"))
                    .col(string_len("metric", 80))
                    .col(double("value"))
                    .col(string_len("unit", 40))
                    .col(integer_null("year"))
                    .col(string_len_null("note", 500))
                    .foreign_key(&mut foreign_key(
                        "impact_figure",
                        "case_study_id",
                        "case_study",
                        Cascade,
                    ))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("impact_figure", &["case_study_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("source")
                    .col(pk_uuid("id"))
                    .col(uuid("case_study_id"))
                    .col(string_len("url", 1000))
                    .col(string_len("title", 500))
                    .col(date_null("accessed"))
                    .foreign_key(&mut foreign_key(
                        "source",
                        "case_study_id",
                        "case_study",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("source", &["case_study_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("localized_text")
                    .col(string_len("entity_type", 32))
                    .col(uuid("entity_id"))
                    .col(string_len("field", 32))
                    .col(string_len("lang", 8))
                    .col(text("text"))
                    .col(boolean("is_original"))
                    .primary_key(
                        Index::create()
                            .col("entity_type")
                            .col("entity_id")
                            .col("field")
                            .col("lang"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("external_identifier")
                    .col(pk_uuid("id"))
                    .col(uuid("actor_id"))
                    .col(string_len("scheme", 32))
                    .col(string_len("value", 200))
                    .foreign_key(&mut foreign_key(
                        "external_identifier",
                        "actor_id",
                        "actor",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("external_identifier", &["scheme", "value"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("external_identifier", &["actor_id"]))
            .await?;

        manager
            .create_table(versioned(
                Table::create()
                    .table("membership")
                    .col(pk_uuid("id"))
                    .col(uuid("person_id"))
                    .col(uuid("organisation_id"))
                    .col(string_len_null("title", 200))
                    .foreign_key(&mut foreign_key(
                        "membership",
                        "person_id",
                        "actor",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "membership",
                        "organisation_id",
                        "actor",
                        Cascade,
                    ))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(
                index("membership", &["person_id", "organisation_id"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("membership", &["organisation_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("change_log")
                    .col(big_pk_auto("seq"))
                    .col(string_len("entity_type", 32))
                    .col(uuid("entity_id"))
                    .col(string_len("op", 8))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("change_log", &["entity_type", "entity_id"]))
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager
                .drop_table(Table::drop().table(*table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
