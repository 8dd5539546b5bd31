//! The bundled dataset loads once, is idempotent, and writes the change log.

use sea_orm::{EntityTrait, PaginatorTrait};
use symbios_entity::{actor, case_study, change_log, funder, project};

use crate::backend_test;
use crate::common::TestApp;

backend_test!(seed_is_complete_and_idempotent);
async fn seed_is_complete_and_idempotent(app: &TestApp) {
    let db = &app.db;
    let case_studies = case_study::Entity::find().count(db).await.unwrap();
    let projects = project::Entity::find().count(db).await.unwrap();
    let actors = actor::Entity::find().count(db).await.unwrap();
    let funders = funder::Entity::find().count(db).await.unwrap();
    assert!(case_studies >= 5, "{case_studies}");
    assert!(projects >= 2, "{projects}");
    assert!(actors >= 60, "{actors}");
    assert!(funders >= 10, "{funders}");
    let changes = change_log::Entity::find().count(db).await.unwrap();
    assert!(
        changes >= case_studies + projects + actors + funders,
        "every record is in the change log"
    );

    let report = symbios::seed::load_bundled(db).await.unwrap();
    assert_eq!(report.inserted, 0, "second load inserts nothing");
    assert_eq!(actor::Entity::find().count(db).await.unwrap(), actors);
    assert_eq!(change_log::Entity::find().count(db).await.unwrap(), changes);
}
