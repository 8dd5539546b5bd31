//! The test harness: `spawn_app` starts the real application on port 0 against a database of
//! its own (a temporary SQLite file, or a new PostgreSQL database when
//! `SYMBIOS_TEST_POSTGRES_URL` is set), copied from a migrated, seeded and indexed original
//! ([`golden`]), and returns a [`TestApp`] to talk to it over HTTP.
//! [`TestApp::stop_keeping_data`] and [`restart`] start it again on the same data folder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use symbios::config::Settings;
use symbios::db::StatementCounter;
use symbios::service::text::fold;
use symbios::startup::App;
use symbios_entity::actor;
use symbios_entity::vocabulary::{ActorKind, Role};

use crate::golden;

/// Environment variable naming the PostgreSQL server for the PostgreSQL variants of the tests.
pub const POSTGRES_URL_VAR: &str = "SYMBIOS_TEST_POSTGRES_URL";

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running application and a client for it.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    statements: Arc<StatementCounter>,
    handle: actix_web::dev::ServerHandle,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
    backend: Backend,
    postgres_database: Option<PostgresDatabase>,
    data_dir: tempfile::TempDir,
}

/// The data folder and database of a stopped [`TestApp`], to start it again on them.
pub struct KeptData {
    backend: Backend,
    postgres_database: Option<PostgresDatabase>,
    data_dir: tempfile::TempDir,
}

/// Installs the process's log subscriber once: the access log as JSON into [`LOG`] (what
/// the tests read), and with `TEST_LOG` set, every line from `info` on standard error.
fn init_tracing() {
    use symbios::config::LogFormat;
    use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
    use tracing_subscriber::layer::{Layer, SubscriberExt};
    use tracing_subscriber::util::SubscriberInitExt;
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let access_log = symbios::telemetry::layer(LogFormat::Json, false, || KeptLog)
            .with_filter(Targets::new().with_target(ACCESS_LOG_TARGET, LevelFilter::INFO));
        let on_stderr = std::env::var_os("TEST_LOG").is_some().then(|| {
            symbios::telemetry::layer(LogFormat::Pretty, false, std::io::stderr)
                .with_filter(EnvFilter::new("info,symbios=debug"))
        });
        tracing_subscriber::registry()
            .with(access_log)
            .with(on_stderr)
            .try_init()
            .expect("the tests' log subscriber is the first");
    });
}

use symbios::http::access_log::TARGET as ACCESS_LOG_TARGET;

/// The access log lines every server of this process wrote, newest last (at most
/// [`KEPT_LOG_LINES`]; each has its request id, so tests running at once tell theirs apart).
static LOG: std::sync::Mutex<std::collections::VecDeque<String>> =
    std::sync::Mutex::new(std::collections::VecDeque::new());

/// Most lines [`LOG`] keeps: far more than one test sends, so a bounded memory.
const KEPT_LOG_LINES: usize = 100_000;

/// The writer of [`LOG`]: the JSON layer writes one whole line per call.
struct KeptLog;

impl std::io::Write for KeptLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut log = LOG
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for line in String::from_utf8_lossy(bytes).lines() {
            if log.len() == KEPT_LOG_LINES {
                log.pop_front();
            }
            log.push_back(line.to_owned());
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The access log line of the request with `request_id` (its `x-request-id`), if written.
pub fn access_log_line(request_id: &str) -> Option<Value> {
    let log = LOG
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    log.iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["request_id"] == request_id)
}

/// The PostgreSQL server URL. A PostgreSQL test that runs without it fails: it is compiled
/// as ignored when the variable is not set at build time (the runner lists it as
/// `ignored, SYMBIOS_TEST_POSTGRES_URL is not set`), except under CI, where it runs and fails
/// here (`tests/build.rs`).
pub fn postgres_url() -> String {
    std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| {
            panic!(
                "{POSTGRES_URL_VAR} is not set: the PostgreSQL tests cannot run \
                 (.ci/run sets it when PostgreSQL answers on 127.0.0.1:5432)"
            )
        })
}

/// A test's own PostgreSQL database. It is dropped when its owner is done with it, and also
/// when the test panics on the way (then from a thread of its own, since a runtime cannot
/// block inside another), so that failing tests leave no databases behind.
pub struct PostgresDatabase {
    server_url: String,
    name: String,
    dropped: bool,
}

impl PostgresDatabase {
    /// Creates a database on the server at `server_url`: a copy of `template`, or an empty one.
    async fn create(server_url: String, template: Option<&str>) -> Self {
        let name = format!("symbios_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(server_url.as_str())
            .await
            .expect("connect to PostgreSQL");
        let from = template.map_or_else(String::new, |template| format!(" TEMPLATE {template}"));
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}{from}"))
            .await
            .expect("create test database");
        admin.close().await.ok();
        Self {
            server_url,
            name,
            dropped: false,
        }
    }

    /// The database's URL.
    pub fn url(&self) -> String {
        let mut url = url::Url::parse(&self.server_url).expect("valid SYMBIOS_TEST_POSTGRES_URL");
        url.set_path(&format!("/{}", self.name));
        url.to_string()
    }

    /// Drops the database now.
    async fn drop_now(mut self) {
        drop_postgres_database(&self.server_url, &self.name).await;
        self.dropped = true;
    }

    /// An empty database (to be migrated and seeded from nothing, so with an identity of its
    /// own) on the same server in place of this one, which is dropped.
    async fn replace(self) -> Self {
        let server_url = self.server_url.clone();
        self.drop_now().await;
        Self::create(server_url, None).await
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (server_url, name) = (self.server_url.clone(), self.name.clone());
        let dropping = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                runtime.block_on(drop_postgres_database(&server_url, &name));
            }
        });
        dropping.join().ok();
    }
}

/// Starts the app on `backend` with a fresh database and the bundled dataset.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Runs `test` on an app of its own on `backend`, then stops the app (`test` may stop and
/// restart it on the way, and hands back the one it ends with).
pub async fn run_on<Test, Ends>(backend: Backend, test: Test)
where
    Test: FnOnce(TestApp) -> Ends,
    Ends: Future<Output = TestApp>,
{
    test(spawn_app(backend).await).await.stop().await;
}

/// Starts a second replica that shares `primary`'s PostgreSQL database (with its own data
/// folder and search index, built from the database). The replica never drops the database;
/// `primary` does.
pub async fn spawn_replica(primary: &TestApp) -> TestApp {
    spawn_replica_with(primary, |_| {}).await
}

/// [`spawn_replica`] with settings changed by `configure`.
pub async fn spawn_replica_with(
    primary: &TestApp,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let url = primary
        .postgres_database
        .as_ref()
        .expect("the primary runs on PostgreSQL")
        .url();
    let kept = KeptData {
        backend: Backend::Sqlite,
        postgres_database: None,
        data_dir: tempfile::tempdir().expect("temporary data folder"),
    };
    start(kept, |settings| {
        settings.database_url = Some(url);
        configure(settings);
    })
    .await
}

/// An app on SQLite whose anonymous callers may send `burst` requests at once, then one a
/// second, with `configure` applied after: for the tests of the per-address limit.
pub async fn spawn_rate_limited(burst: u32, configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(Backend::Sqlite, |settings| {
        settings.limits.anonymous_per_second = 1;
        settings.limits.anonymous_burst = burst;
        configure(settings);
    })
    .await
}

/// Starts the app like [`spawn_app`], with settings changed by `configure`. The database and
/// the index are copies of the golden ones ([`golden`]): migrated, seeded and indexed.
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary data folder");
    let postgres_database = match backend {
        Backend::Sqlite => {
            golden::copy_folder(golden::sqlite_folder().await, data_dir.path());
            None
        }
        Backend::Postgres => {
            let server_url = postgres_url();
            let template = golden::postgres_template(&server_url).await;
            golden::copy_folder(&template.index, &data_dir.path().join("index"));
            Some(PostgresDatabase::create(server_url, Some(&template.name)).await)
        }
    };
    start(
        KeptData {
            backend,
            postgres_database,
            data_dir,
        },
        configure,
    )
    .await
}

/// Starts the app on `kept`'s data folder and database.
async fn start(kept: KeptData, configure: impl FnOnce(&mut Settings)) -> TestApp {
    init_tracing();
    let KeptData {
        backend,
        postgres_database,
        data_dir,
    } = kept;
    let database_url = postgres_database.as_ref().map(PostgresDatabase::url);
    let mut settings = Settings {
        data_dir: data_dir.path().to_path_buf(),
        database_url,
        bind: "127.0.0.1:0".to_owned(),
        database_max_connections: 5,
        ..Settings::default()
    };
    // Every test client comes from 127.0.0.1 and some send hundreds of requests at once (the
    // fuzz test, feed followers): the per-address limit is the one test of its own
    // (`http_extras::rate_limits_answer_429_with_retry_after`).
    settings.limits.anonymous_per_second = 0;
    configure(&mut settings);
    let app = App::build(&settings).await.expect("application starts");
    let base_url = app.base_url();
    let db = app.db().clone();
    let statements = app.statements();
    let handle = app.handle();
    let served = tokio::spawn(app.run_until_stopped());
    TestApp {
        base_url,
        client: reqwest::Client::new(),
        db,
        statements,
        handle,
        served,
        backend,
        postgres_database,
        data_dir,
    }
}

/// An empty data folder and, on PostgreSQL, an empty database of its own: where a backup is
/// restored before a server starts on it.
pub struct EmptyPlace {
    kept: KeptData,
}

impl EmptyPlace {
    /// Makes one on `backend`.
    pub async fn new(backend: Backend) -> Self {
        let postgres_database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PostgresDatabase::create(postgres_url(), None).await),
        };
        Self {
            kept: KeptData {
                backend,
                postgres_database,
                data_dir: tempfile::tempdir().expect("temporary data folder"),
            },
        }
    }

    /// The settings that name its folder and database.
    pub fn settings(&self) -> Settings {
        database_settings(&self.kept.data_dir, self.kept.postgres_database.as_ref())
    }

    /// Starts the app on whatever is there now (a restored backup, for instance).
    pub async fn start(self) -> TestApp {
        restart(self.kept).await
    }
}

/// Settings naming `data_dir` and, when given, the PostgreSQL database.
fn database_settings(
    data_dir: &tempfile::TempDir,
    postgres: Option<&PostgresDatabase>,
) -> Settings {
    Settings {
        data_dir: data_dir.path().to_path_buf(),
        database_url: postgres.map(PostgresDatabase::url),
        ..Settings::default()
    }
}

/// Starts the app again on the data folder and database of a stopped app.
pub async fn restart(kept: KeptData) -> TestApp {
    start(kept, |_| {}).await
}

/// Starts the app again on the data folder (and so the search index) of a stopped app, with
/// a fresh database: on SQLite the database file is removed, on PostgreSQL a new database
/// takes the old one's place (which is dropped).
pub async fn restart_with_fresh_database(kept: KeptData) -> TestApp {
    let KeptData {
        backend,
        postgres_database,
        data_dir,
    } = kept;
    for file in ["symbios.db", "symbios.db-wal", "symbios.db-shm"] {
        match std::fs::remove_file(data_dir.path().join(file)) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => panic!("remove {file}: {error}"),
        }
    }
    let postgres_database = match postgres_database {
        Some(database) => Some(database.replace().await),
        None => None,
    };
    restart(KeptData {
        backend,
        postgres_database,
        data_dir,
    })
    .await
}

async fn drop_postgres_database(server_url: &str, name: &str) {
    if let Ok(admin) = Database::connect(server_url).await {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
        admin.close().await.ok();
    }
}

impl KeptData {
    /// The search index folder.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.path().join("index")
    }

    /// A connection to the kept database.
    pub async fn connect(&self) -> DatabaseConnection {
        let settings = Settings {
            data_dir: self.data_dir.path().to_path_buf(),
            database_url: self.postgres_database.as_ref().map(PostgresDatabase::url),
            database_max_connections: 1,
            ..Settings::default()
        };
        symbios::db::connect(&settings)
            .await
            .expect("connect to the kept database")
            .0
    }
}

impl TestApp {
    /// POSTs a GraphQL request and returns the body and status.
    pub async fn graphql(&self, query: &str, variables: Value) -> (Value, StatusCode) {
        self.graphql_with_headers(query, variables, HeaderMap::new())
            .await
    }

    /// POSTs a GraphQL request with extra headers.
    pub async fn graphql_with_headers(
        &self,
        query: &str,
        variables: Value,
        headers: HeaderMap,
    ) -> (Value, StatusCode) {
        let response = self.graphql_response(query, variables, headers).await;
        let status = response.status();
        let body = response.json::<Value>().await.expect("JSON response");
        (body, status)
    }

    /// POSTs a GraphQL request with extra headers; the response as it came.
    pub async fn graphql_response(
        &self,
        query: &str,
        variables: Value,
        headers: HeaderMap,
    ) -> reqwest::Response {
        self.client
            .post(format!("{}/graphql", self.base_url))
            .headers(headers)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request is sent")
    }

    /// POSTs `query` and asserts that it is answered (200) with the error `code` first;
    /// returns the body. `what` names the case in failures.
    pub async fn graphql_refused(&self, query: &str, code: &str, what: &str) -> Value {
        let (body, status) = self.graphql(query, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{what}");
        assert_eq!(first_error_code(&body), code, "{what}: {body:#}");
        body
    }

    /// Creates an API key with `role` (`partner` needs `scheme`) and returns the secret.
    pub async fn create_key(&self, name: &str, role: Role, scheme: Option<&str>) -> String {
        symbios::service::access::create(&self.db, name, role, scheme, chrono::Utc::now())
            .await
            .expect("key created")
            .secret
    }

    /// POSTs a GraphQL request with `Authorization: Bearer <key>`, asking for
    /// `application/graphql-response+json` (so that auth failures show as 401/403).
    pub async fn graphql_as(
        &self,
        key: &str,
        query: &str,
        variables: Value,
    ) -> (Value, StatusCode) {
        let mut headers = graphql_response_headers();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {key}").parse().expect("header value"),
        );
        self.graphql_with_headers(query, variables, headers).await
    }

    /// POSTs a GraphQL request without a key, asking for `application/graphql-response+json`.
    pub async fn graphql_as_anonymous(&self, query: &str, variables: Value) -> (Value, StatusCode) {
        self.graphql_with_headers(query, variables, graphql_response_headers())
            .await
    }

    /// POSTs `{ themes { slug } }` with the `Origin` header `origin` (for CORS).
    pub async fn graphql_from_origin(&self, origin: &str) -> reqwest::Response {
        let request = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .header("origin", origin);
        send(request.json(&json!({ "query": "{ themes { slug } }" }))).await
    }

    /// GETs a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        send(self.client.get(format!("{}{path}", self.base_url))).await
    }

    /// GETs `/graphql` with `query` in the URL: a GraphQL request over GET.
    pub async fn get_query(&self, query: &str) -> reqwest::Response {
        send(self.get_graphql().query(&[("query", query)])).await
    }

    /// POSTs `query` as JSON to `/graphql`, anonymously, and hands back the whole answer.
    pub async fn post_query(&self, query: &str) -> reqwest::Response {
        let url = format!("{}/graphql", self.base_url);
        send(self.client.post(url).json(&json!({ "query": query }))).await
    }

    /// GETs `/graphql` without a query, accepting `accept`: what a browser does to open
    /// GraphiQL.
    pub async fn get_graphiql(&self, accept: &str) -> reqwest::Response {
        send(self.get_graphql().header("accept", accept)).await
    }

    fn get_graphql(&self) -> reqwest::RequestBuilder {
        self.client.get(format!("{}/graphql", self.base_url))
    }

    /// Waits until every committed change is searchable (bounded: fails after 10 s).
    pub async fn wait_indexed(&self) {
        poll_until(
            std::time::Duration::from_secs(10),
            std::time::Duration::from_millis(20),
            "index did not catch up",
            async || {
                let (body, _) = self
                    .graphql(
                        "{ searchIndex { lag lastChangeSeq lastAppliedSeq } }",
                        json!({}),
                    )
                    .await;
                let state = &body["data"]["searchIndex"];
                let caught_up = state["lag"] == 0
                    && state["lastAppliedSeq"].as_i64().is_some_and(|seq| seq > 0);
                if caught_up {
                    Ok(())
                } else {
                    Err(body.to_string())
                }
            },
        )
        .await;
    }

    /// The database it runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Settings naming the app's data folder and database (for the commands an operator
    /// runs beside it, such as `backup`).
    pub fn database_settings(&self) -> Settings {
        database_settings(&self.data_dir, self.postgres_database.as_ref())
    }

    /// The data folder (the SQLite database and the search index).
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// Stops the server and waits until its indexer has stopped and its connections are
    /// closed; keeps the data folder and the database for [`restart`].
    pub async fn stop_keeping_data(self) -> KeptData {
        self.handle.stop(false).await;
        self.served
            .await
            .expect("server task")
            .expect("server stopped cleanly");
        self.db.close().await.ok();
        KeptData {
            backend: self.backend,
            postgres_database: self.postgres_database,
            data_dir: self.data_dir,
        }
    }

    /// SQL statements executed by the server so far.
    pub fn statements(&self) -> u64 {
        self.statements.get()
    }

    /// Stops the server and drops the PostgreSQL database, if any.
    pub async fn stop(self) {
        self.handle.stop(false).await;
        self.db.clone().close().await.ok();
        if let Some(database) = self.postgres_database {
            database.drop_now().await;
        }
    }
}

async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
    request.send().await.expect("request is sent")
}

/// Headers asking for `application/graphql-response+json` (so that auth failures show as
/// 401/403).
fn graphql_response_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        "application/graphql-response+json"
            .parse()
            .expect("header value"),
    );
    headers
}

/// POSTs a GraphQL `body` to `url` with `client` (from a spawned task, which cannot borrow
/// the [`TestApp`]), with `Authorization: Bearer <key>` when a key is given; returns the
/// JSON answer.
pub async fn post_graphql(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
) -> Value {
    let request = client.post(url).json(body);
    let request = match key {
        Some(key) => request.bearer_auth(key),
        None => request,
    };
    request
        .send()
        .await
        .expect("request is sent")
        .json()
        .await
        .expect("JSON response")
}

/// Where a test company is and what it says: country, language, description.
pub struct Described<'a>(pub &'a str, pub &'a str, pub &'a str);

/// Creates a company named `name` through `createActor` with `key` and fails the test on any
/// error; for writer tasks, which hold a client and the URL rather than the app.
pub async fn create_company(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    name: String,
    Described(country, lang, text): Described<'_>,
) -> Value {
    let body = post_graphql(client, url, Some(key), &json!({
        "query": "mutation($input: CreateActorInput!) { createActor(input: $input) { id version } }",
        "variables": { "input": {
            "name": name, "kind": "COMPANY", "country": country, "originalLang": lang,
            "description": [{ "lang": lang, "text": text }],
        }},
    }))
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    body
}

/// Polls `probe` every `every` until it answers `Ok`, and fails after `timeout` with `what`
/// and the last `Err` it answered: how a test waits for something it cannot be told about
/// (an index catching up, a lock being waited for, a bucket refilling).
pub async fn poll_until<T>(
    timeout: std::time::Duration,
    every: std::time::Duration,
    what: &str,
    mut probe: impl AsyncFnMut() -> Result<T, String>,
) -> T {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        match probe().await {
            Ok(found) => return found,
            Err(last) => assert!(std::time::Instant::now() < deadline, "{what}: {last}"),
        }
        tokio::time::sleep(every).await;
    }
}

/// A company row for bulk inserts (`symbios::service::dataset::insert_missing_records`),
/// written in English.
pub fn company(
    id: uuid::Uuid,
    slug: String,
    name: String,
    country: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> actor::Model {
    actor::Model {
        id,
        slug,
        name_folded: fold(&name),
        name,
        kind: ActorKind::Company,
        country: country.to_owned(),
        nuts_code: None,
        website: None,
        original_lang: "en".to_owned(),
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// Asserts that a GraphQL response has no errors and returns its data.
#[track_caller]
pub fn data(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    &body["data"]
}

/// Asserts that `response` is `200 OK` and of `media_type` (whatever parameters follow it,
/// such as the charset).
#[track_caller]
pub fn assert_ok_of_type(response: &reqwest::Response, media_type: &str) {
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("content-type is text");
    assert!(content_type.starts_with(media_type), "{content_type}");
}

/// The text at `pointer` (a JSON pointer, e.g. `/node/slug`) in each item of the array `list`.
#[track_caller]
pub fn texts_at<'a>(list: &'a Value, pointer: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not an array: {list}"))
        .iter()
        .map(|item| {
            item.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("no text at {pointer}: {item}"))
        })
        .collect()
}

/// The `extensions.code` of the first error.
pub fn first_error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

/// Defines a test that runs `async fn $name(app: &TestApp)` on SQLite and on PostgreSQL, each
/// on a database of its own; with a second argument, runs that instead (an
/// `FnOnce(TestApp) -> impl Future<Output = TestApp>`, for tests that stop and restart the app);
/// with `each backend`, runs `async fn $name(backend: Backend)`, for tests that start their own
/// servers.
/// The PostgreSQL variant is ignored, and listed so, when `SYMBIOS_TEST_POSTGRES_URL` was not
/// set at build time (`tests/build.rs`).
#[macro_export]
macro_rules! backend_test {
    // A test that starts its own servers: `$name(backend)`.
    ($name:ident, each backend) => {
        $crate::backend_test!(@each $name, |backend| super::$name(backend));
    };
    (@each $name:ident, |$backend:ident| $call:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $backend = $crate::common::Backend::Sqlite;
                $call.await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(postgres_tests), ignore = "SYMBIOS_TEST_POSTGRES_URL is not set")]
            async fn postgres() {
                let $backend = $crate::common::Backend::Postgres;
                $call.await;
            }
        }
    };
    ($name:ident) => {
        $crate::backend_test!($name, |app: $crate::common::TestApp| async move {
            super::$name(&app).await;
            app
        });
    };
    ($name:ident, $run:expr) => {
        $crate::backend_test!(@each $name, |backend| $crate::common::run_on(backend, $run));
    };
}
