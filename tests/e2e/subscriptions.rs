//! Subscriptions: `Subscription.changes` over WebSocket (`graphql-transport-ws`) and
//! Server-Sent Events (`graphql-sse`): the backlog after a cursor then live changes, in
//! order, once; resuming after a disconnect; concurrent writers and subscribers agreeing
//! with the feed; limits; slow consumers; two replicas on one PostgreSQL database.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use symbios_entity::vocabulary::Role;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::backend_test;
use crate::common::{
    Backend, Described, TestApp, create_company, data, poll_until, spawn_app_with,
    spawn_replica_with,
};

const SUBSCRIPTION: &str = "subscription($after: String, $types: [ChangeEntityType!]) {
    changes(after: $after, types: $types) { seq cursor op id version entityType entity { __typename } }
}";

/// Longest a test waits for a message it expects.
const PATIENCE: Duration = Duration::from_secs(20);

const FEED: &str = "query($after: String) {
    changes(after: $after, first: 1000) {
        edges { node { seq cursor op id version entityType } }
        pageInfo { hasNextPage endCursor }
    }
}";

/// The feed after `after` to its end, and the end cursor.
async fn feed_after(app: &TestApp, mut after: Option<String>) -> (Vec<Value>, String) {
    let mut nodes = Vec::new();
    loop {
        let (body, _) = app.graphql(FEED, json!({ "after": after })).await;
        let page = data(&body)["changes"].clone();
        nodes.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|edge| edge["node"].clone()),
        );
        let end = page["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
        if page["pageInfo"]["hasNextPage"] != true {
            return (nodes, end);
        }
        after = Some(end);
    }
}

/// The cursor at the feed's current end.
async fn feed_end(app: &TestApp) -> String {
    feed_after(app, None).await.1
}

fn seqs(changes: &[Value]) -> Vec<i64> {
    changes
        .iter()
        .map(|change| change["seq"].as_i64().unwrap())
        .collect()
}

async fn create_companies(app: &TestApp, key: &str, names: impl IntoIterator<Item = String>) {
    let url = format!("{}/graphql", app.base_url);
    for name in names {
        create_company(
            &app.client,
            &url,
            key,
            name,
            Described("DK", "da", "Overskudsvarme til fjernvarme"),
        )
        .await;
    }
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A `graphql-transport-ws` client.
struct Ws {
    socket: Socket,
}

fn ws_request(app: &TestApp) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let url = format!("{}/graphql", app.base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    request
}

impl Ws {
    /// Connects and initialises, with `key` in the `connection_init` payload.
    async fn connect(app: &TestApp, key: Option<&str>) -> Self {
        let (socket, response) = tokio_tungstenite::connect_async(ws_request(app))
            .await
            .expect("WebSocket handshake");
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "graphql-transport-ws"
        );
        let mut ws = Self { socket };
        ws.init(key).await;
        let ack = ws.message().await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        ws
    }

    async fn init(&mut self, key: Option<&str>) {
        let payload = match key {
            Some(key) => json!({ "authorization": format!("Bearer {key}") }),
            None => json!({}),
        };
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("message is sent");
    }

    async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id, "type": "subscribe",
            "payload": { "query": query, "variables": variables },
        }))
        .await;
    }

    /// The next protocol message (answering pings), or a `{"type": "closed", "code"}` when
    /// the server closes.
    async fn message(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("a message in time");
            match frame {
                Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).unwrap(),
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame.map_or((1005, String::new()), |frame| {
                        (u16::from(frame.code), frame.reason.to_string())
                    });
                    return json!({ "type": "closed", "code": code, "reason": reason });
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return json!({ "type": "closed", "code": 1006 }),
            }
        }
    }

    /// The next `count` changes of subscription `id`.
    async fn changes(&mut self, id: &str, count: usize) -> Vec<Value> {
        let mut changes = Vec::new();
        while changes.len() < count {
            let message = self.message().await;
            assert_eq!(message["type"], "next", "{message}");
            assert_eq!(message["id"], id, "{message}");
            changes.push(data(&message["payload"])["changes"].clone());
        }
        changes
    }
}

/// A `graphql-sse` client (distinct connections).
struct Sse {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<Vec<u8>>> + Send>>,
    buffer: String,
}

impl Sse {
    async fn subscribe(app: &TestApp, key: Option<&str>, query: &str, variables: Value) -> Self {
        let request = app
            .client
            .post(format!("{}/graphql", app.base_url))
            .header("accept", "text/event-stream")
            .json(&json!({ "query": query, "variables": variables }));
        let request = match key {
            Some(key) => request.bearer_auth(key),
            None => request,
        };
        let response = request.send().await.expect("request is sent");
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Self {
            body: Box::pin(
                response
                    .bytes_stream()
                    .map(|chunk| chunk.map(|bytes| bytes.to_vec())),
            ),
            buffer: String::new(),
        }
    }

    /// The next event: its name and data (`None` when the stream ended).
    async fn event(&mut self) -> Option<(String, String)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim_start());
                    }
                }
                if name.is_empty() {
                    continue; // a heartbeat comment
                }
                return Some((name, data));
            }
            let chunk = tokio::time::timeout(PATIENCE, self.body.next())
                .await
                .expect("an event in time")?;
            self.buffer
                .push_str(&String::from_utf8(chunk.ok()?).unwrap());
        }
    }

    async fn changes(&mut self, count: usize) -> Vec<Value> {
        let mut changes = Vec::new();
        while changes.len() < count {
            let (name, payload) = self.event().await.expect("the stream goes on");
            assert_eq!(name, "next", "{payload}");
            let result: Value = serde_json::from_str(&payload).unwrap();
            changes.push(data(&result)["changes"].clone());
        }
        changes
    }
}

fn names(prefix: &str, range: std::ops::Range<usize>) -> impl Iterator<Item = String> {
    let prefix = prefix.to_owned();
    range.map(move |index| format!("{prefix} Varme {index} ApS"))
}

backend_test!(backlog_then_live_changes_in_order_once);
async fn backlog_then_live_changes_in_order_once(app: &TestApp) {
    let key = app.create_key("editor", Role::Editor, None).await;
    let start = feed_end(app).await;
    create_companies(app, &key, names("Backlog", 0..3)).await;
    let mut ws = Ws::connect(app, Some(&key)).await;
    ws.subscribe("1", SUBSCRIPTION, json!({ "after": start }))
        .await;
    let mut received = ws.changes("1", 3).await;
    assert!(
        received
            .iter()
            .all(|change| change["entity"]["__typename"] == "Actor")
    );
    create_companies(app, &key, names("Live", 0..3)).await;
    received.extend(ws.changes("1", 3).await);
    let (feed, end) = feed_after(app, Some(start)).await;
    assert_eq!(
        seqs(&received),
        seqs(&feed),
        "the backlog, then live, in order"
    );
    assert_eq!(received.last().unwrap()["cursor"], end.as_str());
    // Once: the next message is the next change, not a repeat.
    create_companies(app, &key, names("Once", 0..1)).await;
    let next = ws.changes("1", 1).await;
    let (after, _) = feed_after(app, Some(end)).await;
    assert_eq!(seqs(&next), seqs(&after));
    // Tombstones for deletes.
    let id = next[0]["id"].clone();
    let (body, _) = app
        .graphql_as(
            &key,
            "mutation($id: ID!) { deleteActor(id: $id, expectedVersion: 1) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let tombstone = ws.changes("1", 1).await;
    assert_eq!(tombstone[0]["op"], "DELETE");
    assert_eq!(tombstone[0]["id"], id);
    assert!(tombstone[0]["entity"].is_null());
}

backend_test!(disconnect_and_resume_from_the_last_cursor_loses_nothing);
async fn disconnect_and_resume_from_the_last_cursor_loses_nothing(app: &TestApp) {
    let key = app.create_key("editor", Role::Editor, None).await;
    let start = feed_end(app).await;
    create_companies(app, &key, names("Before", 0..4)).await;
    // Over WebSocket, dropped mid-stream after two of the four.
    let mut ws = Ws::connect(app, None).await;
    ws.subscribe("s", SUBSCRIPTION, json!({ "after": start }))
        .await;
    let mut received = ws.changes("s", 2).await;
    drop(ws);
    create_companies(app, &key, names("Meanwhile", 0..3)).await;
    // Resumed over SSE from the last cursor received.
    let cursor = received.last().unwrap()["cursor"].clone();
    let mut sse = Sse::subscribe(app, None, SUBSCRIPTION, json!({ "after": cursor })).await;
    received.extend(sse.changes(5).await);
    create_companies(app, &key, names("After", 0..1)).await;
    received.extend(sse.changes(1).await);
    let (feed, _) = feed_after(app, Some(start)).await;
    assert_eq!(seqs(&received), seqs(&feed), "nothing lost, nothing twice");
}

backend_test!(concurrent_writers_and_subscribers_see_the_feed);
async fn concurrent_writers_and_subscribers_see_the_feed(app: &TestApp) {
    const WRITERS: usize = 8;
    const EACH: usize = 5;
    let total = WRITERS * EACH;
    let key = app.create_key("editor", Role::Editor, None).await;
    let start = feed_end(app).await;
    let variables = json!({ "after": start, "types": ["ACTOR"] });
    let mut first = Ws::connect(app, None).await;
    first.subscribe("a", SUBSCRIPTION, variables.clone()).await;
    let mut second = Ws::connect(app, Some(&key)).await;
    second.subscribe("b", SUBSCRIPTION, variables.clone()).await;
    let mut third = Sse::subscribe(app, None, SUBSCRIPTION, variables).await;
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let client = app.client.clone();
            let url = format!("{}/graphql", app.base_url);
            let key = key.clone();
            tokio::spawn(async move {
                for index in 0..EACH {
                    create_company(
                        &client,
                        &url,
                        &key,
                        format!("Skribent {writer} Varme {index} ApS"),
                        Described("DK", "da", "Overskudsvarme"),
                    )
                    .await;
                }
            })
        })
        .collect();
    let (a, b, c) = tokio::join!(
        first.changes("a", total),
        second.changes("b", total),
        third.changes(total)
    );
    for writer in writers {
        writer.await.unwrap();
    }
    let (feed, _) = feed_after(app, Some(start)).await;
    assert_eq!(feed.len(), total);
    assert_eq!(seqs(&a), seqs(&feed));
    assert_eq!(seqs(&b), seqs(&feed));
    assert_eq!(seqs(&c), seqs(&feed));
}

/// An app on SQLite configured by `configure`, the feed's end cursor, and an anonymous
/// WebSocket with the subscription `id` from that cursor.
async fn subscribed_on_sqlite(
    id: &str,
    configure: impl FnOnce(&mut symbios::config::Settings),
) -> (TestApp, String, Ws) {
    let app = spawn_app_with(Backend::Sqlite, configure).await;
    let end = feed_end(&app).await;
    let mut ws = Ws::connect(&app, None).await;
    ws.subscribe(id, SUBSCRIPTION, json!({ "after": end }))
        .await;
    (app, end, ws)
}

fn first_code(errors: &Value) -> &str {
    errors[0]["extensions"]["code"].as_str().unwrap_or("<none>")
}

/// Limits: subscriptions per address, bad cursors, documents over the limits, keys,
/// protocol order, and a cursor older than the retention window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_are_refused_with_their_codes() {
    let (app, end, mut ws) = subscribed_on_sqlite("a", |settings| {
        settings.limits.subscriptions_per_address = 2;
    })
    .await;
    ws.subscribe("b", SUBSCRIPTION, json!({ "after": end }))
        .await;
    ws.subscribe("c", SUBSCRIPTION, json!({ "after": end }))
        .await;
    let refused = ws.message().await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "c");
    assert_eq!(first_code(&refused["payload"]), "RATE_LIMITED", "{refused}");
    // Over SSE too, the address's subscriptions count.
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .header("accept", "text/event-stream")
        .json(&json!({ "query": SUBSCRIPTION, "variables": { "after": end } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_code(&body["errors"]), "RATE_LIMITED", "{body}");
    // A queued query on the same connection still runs (it takes no subscription slot).
    ws.subscribe("q", "{ themes { slug } }", json!({})).await;
    let answer = ws.message().await;
    assert_eq!(answer["type"], "next", "{answer}");
    assert!(data(&answer["payload"])["themes"].is_array());
    assert_eq!(ws.message().await["type"], "complete");
    drop(ws);

    // A cursor that is not one. The server frees the closed connection's subscriptions when
    // it sees the close, so until then a new one from this address is still over the limit.
    let (mut ws, answer) = poll_until(
        Duration::from_secs(10),
        Duration::from_millis(20),
        "the closed connection's subscriptions are freed",
        async || {
            let mut ws = Ws::connect(&app, None).await;
            ws.subscribe("bad", SUBSCRIPTION, json!({ "after": "nonsense" }))
                .await;
            let answer = ws.message().await;
            match first_code(&answer["payload"]) {
                "RATE_LIMITED" => Err(answer.to_string()),
                _ => Ok((ws, answer)),
            }
        },
    )
    .await;
    assert_eq!(answer["type"], "next", "{answer}");
    assert_eq!(
        first_code(&answer["payload"]["errors"]),
        "BAD_USER_INPUT",
        "{answer}"
    );
    assert_eq!(ws.message().await["type"], "complete");
    // A document over the nesting limit, refused before it is parsed.
    let nested = format!(
        "subscription {{ changes(types: {}{}) {{ seq }} }}",
        "[".repeat(30),
        "]".repeat(30)
    );
    ws.subscribe("deep", &nested, json!({})).await;
    let answer = ws.message().await;
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(
        first_code(&answer["payload"]),
        "QUERY_TOO_COMPLEX",
        "{answer}"
    );
    // A duplicate id closes the connection (the protocol's 4409).
    ws.subscribe("live", SUBSCRIPTION, json!({ "after": end }))
        .await;
    ws.subscribe("live", SUBSCRIPTION, json!({ "after": end }))
        .await;
    let closed = ws.message().await;
    assert_eq!(closed["code"], 4409, "{closed}");

    // An unknown key in connection_init: 4403.
    let (mut socket, _) = tokio_tungstenite::connect_async(ws_request(&app))
        .await
        .unwrap();
    socket
        .send(Message::Text(
            json!({ "type": "connection_init", "payload": { "authorization": "Bearer nope" } })
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let closed = Ws { socket }.message().await;
    assert_eq!(closed["code"], 4403, "{closed}");
    // Subscribing before connection_init: 4401.
    let (socket, _) = tokio_tungstenite::connect_async(ws_request(&app))
        .await
        .unwrap();
    let mut ws = Ws { socket };
    ws.subscribe("early", SUBSCRIPTION, json!({})).await;
    assert_eq!(ws.message().await["code"], 4401);
    // Not JSON: 4400.
    let (socket, _) = tokio_tungstenite::connect_async(ws_request(&app))
        .await
        .unwrap();
    let mut ws = Ws { socket };
    ws.socket.send(Message::Text("{".into())).await.unwrap();
    assert_eq!(ws.message().await["code"], 4400);

    // A cursor older than the retention window: RESYNC_REQUIRED.
    let (feed, _) = feed_after(&app, None).await;
    let oldest = feed[0]["cursor"].clone();
    symbios::service::change_log::prune(
        &app.db,
        chrono::Utc::now() + chrono::TimeDelta::seconds(1),
    )
    .await
    .unwrap();
    let mut sse = Sse::subscribe(&app, None, SUBSCRIPTION, json!({ "after": oldest })).await;
    let (name, payload) = sse.event().await.unwrap();
    assert_eq!(name, "next");
    let result: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(first_code(&result["errors"]), "RESYNC_REQUIRED", "{result}");
    assert_eq!(sse.event().await.unwrap().0, "complete");
    app.stop().await;
}

/// Heartbeats: WebSocket pings and SSE comment lines every `limits.heartbeat_ms`; a
/// WebSocket that sends no `connection_init` in time is closed with 4408.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_and_the_initialisation_deadline() {
    let (app, end, mut ws) = subscribed_on_sqlite("idle", |settings| {
        settings.limits.heartbeat_ms = 100;
        settings.limits.connection_init_timeout_ms = 300;
    })
    .await;
    let ping = tokio::time::timeout(PATIENCE, async {
        loop {
            match ws.socket.next().await {
                Some(Ok(Message::Ping(_))) => return true,
                Some(Ok(_)) => {}
                _ => return false,
            }
        }
    })
    .await
    .expect("a ping in time");
    assert!(ping, "the connection ended before a ping");
    let mut sse = Sse::subscribe(&app, None, SUBSCRIPTION, json!({ "after": end })).await;
    let comment = tokio::time::timeout(PATIENCE, async {
        while !sse.buffer.contains(":\n\n") {
            let chunk = sse.body.next().await.expect("the stream goes on").unwrap();
            sse.buffer.push_str(&String::from_utf8(chunk).unwrap());
        }
    })
    .await;
    assert!(comment.is_ok(), "no heartbeat comment: {:?}", sse.buffer);
    let (socket, _) = tokio_tungstenite::connect_async(ws_request(&app))
        .await
        .unwrap();
    let closed = Ws { socket }.message().await;
    assert_eq!(closed["code"], 4408, "{closed}");
    app.stop().await;
}

/// A client that stops reading is disconnected once its buffer has stayed full for
/// `limits.slow_consumer_ms` (close code 4008 when the close frame still fits, else the
/// connection just ends): the server neither queues without bound nor keeps the
/// subscription, whose place is free again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_consumer_is_cut_off() {
    const ACTORS: usize = 10_000;
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.limits.slow_consumer_ms = 300;
        settings.limits.subscription_buffer = 2;
        settings.limits.subscriptions_per_address = 1;
    })
    .await;
    let end = feed_end(&app).await;
    // More than every buffer between the server and a client's socket holds (the kernel's
    // send buffer grows to 4 MiB here): 10,000 changes of about 1 kB each.
    let now = chrono::Utc::now();
    let actors = (0..ACTORS)
        .map(|index| {
            crate::common::company(
                uuid::Uuid::new_v4(),
                format!("slow-{index}"),
                format!("Langsom Varme {index} ApS, a company with a long name that fills buffers"),
                "DK",
                now,
            )
        })
        .collect();
    symbios::service::dataset::insert_missing_records(
        &app.db,
        &symbios::service::dataset::Records {
            actors,
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let address: std::net::SocketAddr = app.base_url.trim_start_matches("http://").parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(address).await.unwrap();
    let (socket, _) =
        tokio_tungstenite::client_async(ws_request(&app), MaybeTlsStream::Plain(stream))
            .await
            .unwrap();
    let mut ws = Ws { socket };
    ws.init(None).await;
    assert_eq!(ws.message().await["type"], "connection_ack");
    let names: String = (0..12).map(|alias| format!("n{alias}: name ")).collect();
    ws.subscribe(
        "all",
        &format!("subscription($after: String) {{ changes(after: $after) {{ seq cursor entity {{ ... on Actor {{ id slug {names} }} }} }} }}"),
        json!({ "after": end }),
    )
    .await;
    // Not reading: the server gives up on this client ...
    poll_until(
        PATIENCE,
        Duration::from_millis(100),
        "the server never cut the slow consumer off",
        async || {
            let metrics = app.get("/metrics").await.text().await.unwrap();
            if metrics.contains("symbios_subscription_slow_consumers_total") {
                Ok(())
            } else {
                Err("no slow consumer counted yet".to_owned())
            }
        },
    )
    .await;
    // ... and gives its subscription's place back (one per address here).
    poll_until(
        PATIENCE,
        Duration::from_millis(50),
        "the slow consumer's subscription was kept",
        async || {
            let response = app
                .client
                .post(format!("{}/graphql", app.base_url))
                .header("accept", "text/event-stream")
                .json(&json!({ "query": SUBSCRIPTION, "variables": { "after": end, "types": ["THEME"] } }))
                .send()
                .await
                .unwrap();
            match response.status().as_u16() {
                200 => Ok(()),
                status => Err(format!("{status}: {}", response.text().await.unwrap_or_default())),
            }
        },
    )
    .await;
    drop(ws);
    app.stop().await;
}

/// Two replicas on one PostgreSQL database: a write through one reaches a subscriber of the
/// other through `LISTEN/NOTIFY` (the replica's poll is set to a minute, so the poll cannot
/// be what delivers it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "SYMBIOS_TEST_POSTGRES_URL is not set")]
async fn a_write_through_one_replica_reaches_a_subscriber_of_the_other() {
    let primary = crate::common::spawn_app(Backend::Postgres).await;
    let replica = spawn_replica_with(&primary, |settings| settings.changes_poll_ms = 60_000).await;
    let key = primary.create_key("editor", Role::Editor, None).await;
    let end = feed_end(&primary).await;
    let mut ws = Ws::connect(&replica, None).await;
    ws.subscribe("r", SUBSCRIPTION, json!({ "after": end }))
        .await;
    // A query on the same connection answers after the subscription started.
    ws.subscribe("q", "{ themes { slug } }", json!({})).await;
    loop {
        let message = ws.message().await;
        if message["id"] == "q" && message["type"] == "complete" {
            break;
        }
    }
    let started = std::time::Instant::now();
    create_companies(&primary, &key, names("Replika", 0..3)).await;
    let received = ws.changes("r", 3).await;
    let took = started.elapsed();
    let (feed, _) = feed_after(&primary, Some(end)).await;
    assert_eq!(seqs(&received), seqs(&feed));
    assert!(took < Duration::from_secs(10), "{took:?}");
    replica.stop().await;
    primary.stop().await;
}
