//! Webhook deliveries survive SIGKILL: the server is killed while a delivery is on its way;
//! after the restart that delivery goes again with the same id, and the rest follow, in
//! order (at-least-once, de-duplicated by the delivery id).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};
use symbios_entity::vocabulary::Role;

use super::{Server, graphql, settings, start_with, wait_until};

/// What the receiver saw: a delivery it answered 204 to, or one it is holding unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Accepted { delivery: String, seq: i64 },
    Held { delivery: String, seq: i64 },
}

/// Reads one HTTP request: the `symbios-delivery` header and the JSON body.
fn read_request(stream: &TcpStream) -> Option<(String, Value)> {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    let mut delivery = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().ok()?,
                "symbios-delivery" => delivery = value.trim().to_owned(),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((delivery, serde_json::from_slice(&body).ok()?))
}

/// A receiver on 127.0.0.1 that holds (never answers) the first request for change `hold`
/// and accepts everything else; it reports each request on the channel.
fn receiver(hold: i64) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (seen, events) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some((delivery, body)) = read_request(&stream) else {
                continue;
            };
            let seq = body["seq"].as_i64().unwrap_or_default();
            if seq == hold && held.is_empty() {
                // Keep the connection open, unanswered, until the server dies.
                held.push(stream);
                seen.send(Seen::Held { delivery, seq }).ok();
                continue;
            }
            stream
                .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                .ok();
            seen.send(Seen::Accepted { delivery, seq }).ok();
        }
    });
    (url, events)
}

const ENVIRONMENT: &[(&str, &str)] = &[
    ("SYMBIOS_WEBHOOKS__ALLOW_NETWORKS", "[\"127.0.0.1\"]"),
    ("SYMBIOS_WEBHOOKS__RETRY_BASE_MS", "5"),
    ("SYMBIOS_WEBHOOKS__RETRY_CAP_MS", "50"),
    ("SYMBIOS_WEBHOOKS__POLL_INTERVAL_MS", "100"),
    ("SYMBIOS_WEBHOOKS__REQUEST_TIMEOUT_MS", "60000"),
];

/// Runs a mutation with the admin key; it must not fail.
async fn mutate(client: &reqwest::Client, server: &Server, key: &str, request: Value) {
    let body = graphql(client, server, Some(key), &request).await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_deliveries_continue_after_kill_9_mid_delivery() {
    const CHANGES: usize = 5;
    let data_dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let mut server = start_with(data_dir.path(), ENVIRONMENT);
    wait_until(&client, &server, |state| state["status"] == "ready").await;
    let (db, _) = symbios::db::connect(&settings(data_dir.path()))
        .await
        .unwrap();
    let admin =
        symbios::service::access::create(&db, "hooks", Role::Admin, None, chrono::Utc::now())
            .await
            .unwrap()
            .secret;
    let first_seq = symbios::service::change_log::last_seq(&db).await.unwrap() + 1;
    db.close().await.unwrap();

    // The third change is held: the server dies while it is on its way.
    let held_seq = first_seq + 2;
    let (url, events) = receiver(held_seq);
    mutate(
        &client,
        &server,
        &admin,
        json!({ "query": "mutation($url: String!) { createWebhook(url: $url) { webhook { id } } }", "variables": { "url": url } }),
    )
    .await;
    for n in 0..CHANGES {
        mutate(&client, &server, &admin, json!({
            "query": "mutation($input: CreateActorInput!) { createActor(input: $input) { id } }",
            "variables": { "input": {
                "name": format!("Killed delivery company {n}"), "kind": "COMPANY", "country": "SE",
                "originalLang": "sv", "description": [{ "lang": "sv", "text": "Levererar spillvärme." }],
            }},
        }))
        .await;
    }
    let patience = Duration::from_secs(60);
    let mut seen = Vec::new();
    let held = loop {
        let event = events
            .recv_timeout(patience)
            .expect("the held delivery arrives");
        seen.push(event.clone());
        if let Seen::Held { delivery, .. } = event {
            break delivery;
        }
    };
    server.kill();

    let mut server = start_with(data_dir.path(), ENVIRONMENT);
    let mut accepted: Vec<(String, i64)> = seen
        .iter()
        .filter_map(|event| match event {
            Seen::Accepted { delivery, seq } => Some((delivery.clone(), *seq)),
            Seen::Held { .. } => None,
        })
        .collect();
    while accepted.len() < CHANGES {
        match events
            .recv_timeout(patience)
            .expect("the rest is delivered after the restart")
        {
            Seen::Accepted { delivery, seq } => accepted.push((delivery, seq)),
            Seen::Held { .. } => panic!("only one delivery is held"),
        }
    }
    let seqs: Vec<i64> = accepted.iter().map(|(_, seq)| *seq).collect();
    let expected: Vec<i64> = (first_seq..first_seq + CHANGES as i64).collect();
    assert_eq!(seqs, expected, "every change once, in order");
    let again = accepted
        .iter()
        .find(|(_, seq)| *seq == held_seq)
        .map(|(delivery, _)| delivery.clone());
    assert_eq!(
        again,
        Some(held),
        "the held delivery went again with its id"
    );
    server.kill();
}
