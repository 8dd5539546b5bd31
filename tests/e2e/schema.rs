//! The GraphQL contract: any change to the SDL shows up as a snapshot diff.

use crate::common::{Backend, spawn_app};

#[tokio::test]
async fn sdl_matches_snapshot() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.get("/schema.graphql").await;
    assert_eq!(response.status(), 200);
    let sdl = response.text().await.expect("body");
    assert_eq!(
        sdl,
        symbios::graphql::sdl(),
        "served SDL equals `symbios schema`"
    );
    insta::assert_snapshot!("schema.graphql", sdl);
    app.stop().await;
}
