//! Webhooks: a receiver on 127.0.0.1 that fails, then recovers, gets every change once, in
//! order, signed; a receiver down past the dead-letter time shows dead letters, and gets the
//! same delivery after `resumeWebhook`; private addresses and callers without the admin role
//! are refused.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use symbios::config::Settings;
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{
    Backend, Described, TestApp, create_company, data, first_error_code, poll_until, spawn_app_with,
};

/// Longest a test waits for deliveries.
const PATIENCE: Duration = Duration::from_secs(60);

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    delivery: String,
    signature: String,
    body: Vec<u8>,
    accepted: bool,
}

/// What the receiver got so far, and how many requests it still fails.
#[derive(Debug, Default)]
struct Inbox {
    requests: Vec<Received>,
    fail_next: usize,
}

/// A webhook endpoint on 127.0.0.1 that answers 500 to its first `fail_first` requests, then
/// 204; `accepted` counts the 204s, for tests to wait on.
struct Receiver {
    url: String,
    inbox: Arc<Mutex<Inbox>>,
    accepted: tokio::sync::watch::Receiver<usize>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    async fn start(fail_first: usize) -> Self {
        Self::on(TcpListener::bind("127.0.0.1:0").unwrap(), fail_first)
    }

    fn on(listener: TcpListener, fail_first: usize) -> Self {
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let inbox = Arc::new(Mutex::new(Inbox {
            requests: Vec::new(),
            fail_next: fail_first,
        }));
        let (count, accepted) = tokio::sync::watch::channel(0_usize);
        let count = Arc::new(count);
        let state = (Arc::clone(&inbox), count);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.clone()))
                .route("/hook", web::post().to(receive))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url,
            inbox,
            accepted,
            handle,
        }
    }

    /// Waits until `count` deliveries were accepted; fails the test after [`PATIENCE`].
    async fn wait_accepted(&mut self, count: usize) {
        let waited = tokio::time::timeout(PATIENCE, self.accepted.wait_for(|n| *n >= count))
            .await
            .map(|seen| seen.map(|_| ()));
        assert!(
            matches!(waited, Ok(Ok(()))),
            "{count} deliveries accepted in time; got {:?}",
            self.requests().len()
        );
    }

    fn requests(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().requests.clone()
    }

    async fn stop(self) {
        self.handle.stop(true).await;
    }
}

type ReceiverState = (Arc<Mutex<Inbox>>, Arc<tokio::sync::watch::Sender<usize>>);

async fn receive(
    state: web::Data<ReceiverState>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (inbox, count) = state.get_ref();
    let accepted = {
        let mut inbox = inbox.lock().unwrap();
        let accepted = inbox.fail_next == 0;
        inbox.fail_next = inbox.fail_next.saturating_sub(1);
        inbox.requests.push(Received {
            delivery: header("symbios-delivery"),
            signature: header("symbios-signature"),
            body: body.to_vec(),
            accepted,
        });
        accepted
    };
    if accepted {
        count.send_modify(|n| *n += 1);
        HttpResponse::NoContent().finish()
    } else {
        HttpResponse::InternalServerError().body("receiver not ready yet")
    }
}

/// Checks `Symbios-Signature: t=<unix>,v1=<hex>` the way a receiver should: HMAC-SHA256 of
/// `"<t>.<body>"` under the secret, compared in constant time, and a recent timestamp.
fn assert_signed(received: &Received, secret: &str) {
    let mut timestamp = None;
    let mut signature = None;
    for part in received.signature.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signature = Some(value.to_owned()),
            _ => {}
        }
    }
    let timestamp = timestamp.expect("a timestamp in the signature header");
    let age = chrono::Utc::now().timestamp() - timestamp;
    assert!((0..300).contains(&age), "signed {age} s ago");
    let expected: Vec<u8> = (0..signature.as_deref().unwrap_or_default().len() / 2)
        .filter_map(|i| {
            signature
                .as_deref()
                .and_then(|hex| hex.get(2 * i..2 * i + 2))
                .and_then(|byte| u8::from_str_radix(byte, 16).ok())
        })
        .collect();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&received.body);
    assert!(
        mac.verify_slice(&expected).is_ok(),
        "the signature {} verifies",
        received.signature
    );
}

/// An app that may send webhooks to 127.0.0.1, retrying quickly, and an admin key.
async fn start(backend: Backend, dead_letter_after_secs: u64) -> (TestApp, String) {
    let app = spawn_app_with(backend, |settings| {
        allow_loopback(settings, dead_letter_after_secs);
    })
    .await;
    let admin = app.create_key("webhook admin", Role::Admin, None).await;
    (app, admin)
}

async fn finish(receiver: Receiver, app: TestApp) {
    receiver.stop().await;
    app.stop().await;
}

/// Settings of an app that may send webhooks to 127.0.0.1, retrying quickly.
fn allow_loopback(settings: &mut Settings, dead_letter_after_secs: u64) {
    settings.webhooks.allow_networks = vec!["127.0.0.1".to_owned()];
    settings.webhooks.retry_base_ms = 5;
    settings.webhooks.retry_cap_ms = 40;
    settings.webhooks.poll_interval_ms = 100;
    settings.webhooks.dead_letter_after_secs = dead_letter_after_secs;
}

const CREATE: &str = "mutation($url: String!, $types: [ChangeEntityType!], $secret: String) {
    createWebhook(url: $url, types: $types, secret: $secret) {
        secret webhook { id url types state cursor }
    }
}";

const DELIVERIES: &str = "query($webhook: ID!, $state: DeliveryState, $after: String) {
    webhookDeliveries(webhook: $webhook, state: $state, first: 100, after: $after) {
        edges { cursor node { id seq state attempts lastStatus lastError } }
        pageInfo { hasNextPage endCursor }
    }
}";

/// The deliveries of webhook `id` (in `state` when given), as an admin sees them.
async fn deliveries(app: &TestApp, admin: &str, id: &Value, state: Option<&str>) -> Vec<Value> {
    let variables = json!({ "webhook": id, "state": state });
    let (body, _) = app.graphql_as(admin, DELIVERIES, variables).await;
    let edges = data(&body)["webhookDeliveries"]["edges"]
        .as_array()
        .cloned();
    edges
        .unwrap_or_default()
        .into_iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

/// Creates a webhook for `url` and returns (id, secret, cursor).
async fn create_webhook(app: &TestApp, admin: &str, url: &str) -> (String, String, String) {
    let (body, _) = app
        .graphql_as(
            admin,
            CREATE,
            json!({ "url": url, "secret": "whsec_e2e_secret_of_the_test" }),
        )
        .await;
    let created = &data(&body)["createWebhook"];
    assert_eq!(created["webhook"]["state"], "ACTIVE", "{body}");
    assert_eq!(created["secret"], "whsec_e2e_secret_of_the_test");
    (
        created["webhook"]["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
        created["webhook"]["cursor"].as_str().unwrap().to_owned(),
    )
}

/// Runs `pauseWebhook`, `resumeWebhook` or `deleteWebhook` on `id` and returns the webhook.
async fn manage(app: &TestApp, admin: &str, mutation: &str, id: &Value) -> Value {
    let query = format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ id state failure }} }}");
    let (body, _) = app.graphql_as(admin, &query, json!({ "id": id })).await;
    data(&body)[mutation].clone()
}

async fn write_companies(app: &TestApp, key: &str, count: usize) -> Vec<Value> {
    let mut written = Vec::new();
    let url = format!("{}/graphql", app.base_url);
    for n in 0..count {
        let body = create_company(
            &app.client,
            &url,
            key,
            format!("Webhook test company {n}"),
            Described("NO", "en", "Sends its waste heat to the neighbours."),
        )
        .await;
        written.push(data(&body)["createActor"].clone());
    }
    written
}

backend_test!(failing_receiver_recovers_and_gets_every_change_once_in_order, each backend);
async fn failing_receiver_recovers_and_gets_every_change_once_in_order(backend: Backend) {
    let (app, admin) = start(backend, 3600).await;
    const FAILURES: usize = 3;
    let mut receiver = Receiver::start(FAILURES).await;
    let (id, secret, cursor) = create_webhook(&app, &admin, &receiver.url).await;

    let written = write_companies(&app, &admin, 4).await;
    // A delete, so that a tombstone goes out too.
    let deleted = &written[0];
    let (body, _) = app
        .graphql_as(
            &admin,
            "mutation($id: ID!, $v: Int!) { deleteActor(id: $id, expectedVersion: $v) { id } }",
            json!({ "id": deleted["id"], "v": deleted["version"] }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");

    // What the feed has after the webhook's cursor is what it must receive.
    let (feed, _) = app
        .graphql(
            "query($after: String) { changes(after: $after, first: 100) { edges { cursor node { seq op id version } } } }",
            json!({ "after": cursor }),
        )
        .await;
    let expected: Vec<Value> = data(&feed)["changes"]["edges"].as_array().unwrap().clone();
    assert_eq!(expected.len(), 5, "four creates and a delete: {feed}");

    receiver.wait_accepted(expected.len()).await;
    let requests = receiver.requests();
    for request in &requests {
        assert_signed(request, &secret);
    }
    // The failures were all the first delivery, retried with the same id.
    let accepted: Vec<&Received> = requests.iter().filter(|r| r.accepted).collect();
    assert_eq!(
        requests.len(),
        FAILURES + expected.len(),
        "no extra attempts"
    );
    for failed in requests.iter().take(FAILURES) {
        assert!(!failed.accepted);
        assert_eq!(failed.delivery, accepted[0].delivery);
    }
    // Every change once, in order, as the feed gives it.
    let bodies: Vec<Value> = accepted
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    for (body, edge) in bodies.iter().zip(&expected) {
        assert_eq!(body["seq"], edge["node"]["seq"], "{body}");
        assert_eq!(body["op"], edge["node"]["op"]);
        assert_eq!(body["id"], edge["node"]["id"]);
        assert_eq!(body["version"], edge["node"]["version"]);
        assert_eq!(body["cursor"], edge["cursor"]);
        assert_eq!(body["entityType"], "ACTOR");
        assert_eq!(body["webhookId"], id.as_str());
        assert_eq!(
            body["deliveryId"].as_str(),
            Some(
                accepted[bodies.iter().position(|b| b == body).unwrap()]
                    .delivery
                    .as_str()
            )
        );
    }
    let upsert = &bodies[1];
    assert_eq!(
        upsert["entity"]["name"], "Webhook test company 1",
        "{upsert}"
    );
    let tombstone = bodies.last().unwrap();
    assert_eq!(tombstone["op"], "DELETE");
    assert_eq!(tombstone["entity"], Value::Null);
    let mut ids: Vec<&str> = accepted.iter().map(|r| r.delivery.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), expected.len(), "one delivery id per change");

    // The deliveries as an admin sees them (the last one is recorded just after its answer).
    let nodes: Vec<Value> = poll_until(
        PATIENCE,
        Duration::from_millis(20),
        "every delivery recorded as delivered",
        async || {
            let nodes = deliveries(&app, &admin, &json!(id), None).await;
            if nodes.len() == expected.len()
                && nodes.iter().all(|node| node["state"] == "DELIVERED")
            {
                Ok(nodes)
            } else {
                Err(format!("{nodes:?}"))
            }
        },
    )
    .await;
    assert_eq!(nodes[0]["attempts"], json!(FAILURES + 1));
    assert_eq!(nodes[0]["lastStatus"], 204);
    finish(receiver, app).await;
}

backend_test!(receiver_down_past_the_dead_letter_time_gets_it_after_resume, each backend);
async fn receiver_down_past_the_dead_letter_time_gets_it_after_resume(backend: Backend) {
    let (app, admin) = start(backend, 1).await;
    // A port nothing listens on (until the receiver comes back on it).
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let (id, secret, _) = create_webhook(&app, &admin, &url).await;
    write_companies(&app, &admin, 2).await;

    let dead = poll_until(
        PATIENCE,
        Duration::from_millis(50),
        "a dead-lettered delivery",
        async || {
            let dead = deliveries(&app, &admin, &json!(id), Some("DEAD")).await;
            dead.first()
                .and_then(Value::as_object)
                .cloned()
                .ok_or_else(|| "none yet".to_owned())
        },
    )
    .await;
    let reason = dead["lastError"].as_str().unwrap();
    assert!(reason.contains("dead-lettered after"), "{reason}");
    assert!(dead["attempts"].as_i64().unwrap() >= 2, "{dead:?}");
    assert_eq!(dead["lastStatus"], Value::Null, "nothing answered");
    let (body, _) = app
        .graphql_as(&admin, "{ webhooks { id state failure } }", json!({}))
        .await;
    let hook = &data(&body)["webhooks"][0];
    assert_eq!(hook["state"], "FAILED", "{body}");
    assert!(
        hook["failure"]
            .as_str()
            .unwrap()
            .contains(dead["id"].as_str().unwrap())
    );
    // In order: the second change waits behind the dead letter.
    let all = deliveries(&app, &admin, &json!(id), None).await;
    assert_eq!(all.len(), 1, "{all:?}");

    // The endpoint comes back; resuming sends the same delivery, then the next change.
    let mut receiver = Receiver::on(TcpListener::bind(("127.0.0.1", port)).unwrap(), 0);
    let resumed = manage(&app, &admin, "resumeWebhook", &json!(id)).await;
    assert_eq!(resumed["state"], "ACTIVE", "{resumed}");
    assert_eq!(resumed["failure"], Value::Null);
    receiver.wait_accepted(2).await;
    let requests = receiver.requests();
    assert_eq!(requests[0].delivery, dead["id"].as_str().unwrap());
    let seqs: Vec<i64> = requests
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["seq"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "{seqs:?}");
    for request in &requests {
        assert_signed(request, &secret);
    }
    finish(receiver, app).await;
}

backend_test!(private_addresses_and_bad_urls_are_refused);
async fn private_addresses_and_bad_urls_are_refused(app: &TestApp) {
    let admin = app.create_key("webhook admin", Role::Admin, None).await;
    for (url, says) in [
        ("http://127.0.0.1:9/hook", "loopback"),
        ("http://localhost:9/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[::ffff:10.0.0.1]/hook", "private"),
        ("http://[fd00::1]/hook", "unique-local"),
        ("ftp://example.org/hook", "http:// or https://"),
        ("https://user:pw@example.org/hook", "user name or password"),
        ("not a url", "is not a URL"),
    ] {
        let (body, _) = app.graphql_as(&admin, CREATE, json!({ "url": url })).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{url}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("url") && message.contains(says),
            "{url}: {message}"
        );
    }
    let long = format!("https://example.org/{}", "a".repeat(2100));
    let (body, _) = app.graphql_as(&admin, CREATE, json!({ "url": long })).await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
    let (body, _) = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "url": "https://93.184.215.14/hook", "secret": "short" }),
        )
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("secret"), "{body}");
    // A public address passes, and the generated secret is shown once.
    let (body, _) = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "url": "https://93.184.215.14/hook", "types": ["ACTOR", "ACTOR"] }),
        )
        .await;
    let created = &data(&body)["createWebhook"];
    assert!(
        created["secret"].as_str().unwrap().starts_with("whsec_"),
        "{body}"
    );
    assert_eq!(created["webhook"]["types"], json!(["ACTOR"]));
    let id = created["webhook"]["id"].clone();
    assert_eq!(
        manage(app, &admin, "pauseWebhook", &id).await["state"],
        "PAUSED"
    );
    assert_eq!(manage(app, &admin, "deleteWebhook", &id).await["id"], id);
    let (body, _) = app
        .graphql_as(&admin, "{ webhooks { id } }", json!({}))
        .await;
    assert_eq!(data(&body)["webhooks"], json!([]));
}

backend_test!(webhooks_need_the_admin_role);
async fn webhooks_need_the_admin_role(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let admin = app.create_key("webhook admin", Role::Admin, None).await;
    let (body, _) = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "url": "https://93.184.215.14/hook" }),
        )
        .await;
    let id = data(&body)["createWebhook"]["webhook"]["id"].clone();
    let mut requests = vec![
        (
            CREATE.to_owned(),
            json!({ "url": "https://93.184.215.14/hook" }),
        ),
        ("{ webhooks { id } }".to_owned(), json!({})),
        (DELIVERIES.to_owned(), json!({ "webhook": id })),
    ];
    for mutation in ["pauseWebhook", "resumeWebhook", "deleteWebhook"] {
        requests.push((
            format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ id }} }}"),
            json!({ "id": id }),
        ));
    }
    for (query, variables) in requests {
        let (body, _) = app.graphql_as(&editor, &query, variables.clone()).await;
        assert_eq!(first_error_code(&body), "FORBIDDEN", "{query}: {body}");
        let (body, _) = app.graphql_as_anonymous(&query, variables).await;
        assert_eq!(
            first_error_code(&body),
            "UNAUTHENTICATED",
            "{query}: {body}"
        );
    }
    // Still there, untouched.
    let (body, _) = app
        .graphql_as(&admin, "{ webhooks { id state } }", json!({}))
        .await;
    assert_eq!(
        data(&body)["webhooks"],
        json!([{ "id": id, "state": "ACTIVE" }])
    );
}

backend_test!(deliveries_to_a_refused_address_are_not_sent, each backend);
/// A webhook whose host resolves to a refused address (here stored without the check that
/// `createWebhook` makes, as if its name had resolved elsewhere then) is refused again at
/// each delivery: nothing reaches the address, and the delivery says why.
async fn deliveries_to_a_refused_address_are_not_sent(backend: Backend) {
    let app = spawn_app_with(backend, |settings| {
        allow_loopback(settings, 3600);
        settings.webhooks.allow_networks.clear();
    })
    .await;
    let receiver = Receiver::start(0).await;
    let admin = app.create_key("webhook admin", Role::Admin, None).await;
    for host in ["localhost", "127.0.0.1"] {
        let url = url::Url::parse(&receiver.url.replace("127.0.0.1", host)).unwrap();
        symbios::service::webhook::create(
            &app.db,
            Some(&symbios::service::access::Principal::command_line("test")),
            &url,
            Vec::new(),
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    write_companies(&app, &admin, 1).await;
    let (body, _) = app
        .graphql_as(&admin, "{ webhooks { id url } }", json!({}))
        .await;
    for hook in data(&body)["webhooks"].as_array().unwrap() {
        let error = poll_until(
            PATIENCE,
            Duration::from_millis(20),
            "a failed attempt",
            async || {
                let tried = deliveries(&app, &admin, &hook["id"], None).await;
                tried
                    .first()
                    .and_then(|node| node["lastError"].as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{tried:?}"))
            },
        )
        .await;
        assert!(
            error.contains("is a loopback address") && error.contains("webhooks.allow_networks"),
            "{}: {error}",
            hook["url"]
        );
    }
    assert!(
        receiver.requests().is_empty(),
        "nothing reached the receiver"
    );
    finish(receiver, app).await;
}

backend_test!(changes_pruned_before_delivery_stop_the_webhook_until_resumed, each backend);
/// Retention does not wait for webhooks: when a change a webhook has not delivered is pruned,
/// the webhook goes to `FAILED` with a `RESYNC_REQUIRED` reason, and after `resumeWebhook` it
/// goes on with the changes that are left.
async fn changes_pruned_before_delivery_stop_the_webhook_until_resumed(backend: Backend) {
    let (app, admin) = start(backend, 3600).await;
    let mut receiver = Receiver::start(usize::MAX).await;
    let (id, _, _) = create_webhook(&app, &admin, &receiver.url).await;
    write_companies(&app, &admin, 2).await;
    poll_until(
        PATIENCE,
        Duration::from_millis(20),
        "a failed attempt",
        async || match receiver.requests().len() {
            0 => Err("no attempt yet".to_owned()),
            _ => Ok(()),
        },
    )
    .await;
    // Everything but the newest change goes.
    symbios::service::change_log::prune(&app.db, chrono::Utc::now() + chrono::Duration::hours(1))
        .await
        .unwrap();
    let failure = poll_until(
        PATIENCE,
        Duration::from_millis(20),
        "the webhook fails",
        async || {
            let (body, _) = app
                .graphql_as(&admin, "{ webhooks { state failure } }", json!({}))
                .await;
            let hook = &data(&body)["webhooks"][0];
            match (&hook["state"], hook["failure"].as_str()) {
                (state, Some(failure)) if state == "FAILED" => Ok(failure.to_owned()),
                _ => Err(body.to_string()),
            }
        },
    )
    .await;
    assert!(failure.starts_with("RESYNC_REQUIRED"), "{failure}");
    let dead = deliveries(&app, &admin, &json!(id), Some("DEAD")).await;
    let dead = &dead[0];
    assert!(
        dead["lastError"]
            .as_str()
            .unwrap()
            .starts_with("RESYNC_REQUIRED"),
        "{dead}"
    );

    receiver.inbox.lock().unwrap().fail_next = 0;
    let failed_attempts = receiver.requests().len();
    assert_eq!(
        manage(&app, &admin, "resumeWebhook", &json!(id)).await["state"],
        "ACTIVE"
    );
    receiver.wait_accepted(1).await;
    let requests = receiver.requests();
    let delivered: Value = serde_json::from_slice(&requests[failed_attempts].body).unwrap();
    assert_eq!(
        delivered["seq"].as_i64().unwrap(),
        dead["seq"].as_i64().unwrap() + 1,
        "the change after the pruned one"
    );
    finish(receiver, app).await;
}
