//! Load generator for `upsertActors` over HTTP: sends `TOTAL` new actors in calls of `BATCH`
//! items from `CONCURRENCY` clients and reports items/s and per-call latency. Benchmark
//! tooling (see `bench/writes.sh`), not a product feature.
//!
//!     cargo run --release -p symbios --example upsert_load -- URL KEY TOTAL BATCH CONCURRENCY

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const UPSERT: &str = "mutation($items: [ActorUpsert!]!, $key: String) {
    upsertActors(scheme: \"NO-BRC\", items: $items, idempotencyKey: $key) { created updated unchanged rejected }
}";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, key, total, batch, concurrency] = args.as_slice() else {
        panic!("usage: upsert_load URL KEY TOTAL BATCH CONCURRENCY");
    };
    let total: usize = total.parse().unwrap();
    let batch: usize = batch.parse().unwrap();
    let concurrency: usize = concurrency.parse().unwrap();
    let run = std::process::id();
    let calls = total.div_ceil(batch);
    let next = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (next, client, url, key) =
            (Arc::clone(&next), client.clone(), url.clone(), key.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut written = 0;
            loop {
                let call = next.fetch_add(1, Ordering::Relaxed);
                if call >= calls {
                    return (latencies, written);
                }
                let items: Vec<Value> = (call * batch..((call + 1) * batch).min(total))
                    .map(|n| json!({
                        "externalId": format!("{run}{n:09}"),
                        "sourceVersion": 1,
                        "name": format!("Lastprøve {run} selskap {n}"),
                        "kind": "COMPANY", "country": "NO", "originalLang": "nb",
                        "description": [{ "lang": "nb", "text": format!("Selskap {n} leverer overskuddsvarme, biogass og sidestrømmer fra fiskeforedling.") }],
                    }))
                    .collect();
                let sent = Instant::now();
                let body: Value = client
                    .post(format!("{url}/graphql"))
                    .bearer_auth(&key)
                    .json(&json!({ "query": UPSERT, "variables": { "items": items, "key": format!("{run}-{call}") } }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                latencies.push(sent.elapsed());
                assert!(body.get("errors").is_none(), "{body}");
                written += body["data"]["upsertActors"]["created"].as_u64().unwrap() as usize;
            }
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    let mut written = 0;
    for worker in workers {
        let (mut worker_latencies, worker_written) = worker.await.unwrap();
        latencies.append(&mut worker_latencies);
        written += worker_written;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{written} actors created in {calls} calls of {batch} from {concurrency} clients in {:.2} s: {:.0} items/s; per call p50 {:.0} ms, p99 {:.0} ms",
        elapsed.as_secs_f64(),
        written as f64 / elapsed.as_secs_f64(),
        at(0.5).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
    );
}
