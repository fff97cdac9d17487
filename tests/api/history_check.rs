//! A concurrent history checker: clients run random saves against a few documents —
//! If-Match, stale If-Match, body `base_rev`, merge patches, retried idempotency keys and
//! responses thrown away as if lost — every request and answer is recorded, then the
//! whole record is checked against what Concord promises. Run on one instance, and on two
//! sharing the database with every request sent to either at random (as a load balancer
//! without affinity would): a read sent to one instance after a save was answered by the
//! other must see it. `CONCORD_CHECK_CLIENTS` and `CONCORD_CHECK_OPS` make it longer
//! (scripts/reliability).

use std::{collections::BTreeMap, sync::Arc, time::Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::helpers::TestApp;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A tiny deterministic generator, so a failing run can be repeated from its seed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

#[derive(Debug, Clone)]
struct Save {
    doc: usize,
    /// The revision the save said it was based on.
    based_on: i64,
    body: String,
    /// The revision the answer carried (successes only).
    rev: Option<i64>,
    ended: Instant,
}

#[derive(Debug, Clone)]
struct Read {
    doc: usize,
    rev: i64,
    started: Instant,
}

#[derive(Default)]
struct Record {
    saves: Vec<Save>,
    reads: Vec<Read>,
    /// First and repeated answers of one keyed request: they must be identical.
    replays: Vec<(String, String)>,
    /// Bodies of saves refused with a 412/409 that were never sent again.
    refused: Vec<(usize, String)>,
}

async fn read(client: &Client, url: &str, doc: usize, record: &Mutex<Record>) -> Value {
    let started = Instant::now();
    let current: Value = client.get(url).send().await.unwrap().json().await.unwrap();
    record.lock().await.reads.push(Read {
        doc,
        rev: current["rev"].as_i64().unwrap(),
        started,
    });
    current
}

fn fields(doc: &Value, body: &str) -> Value {
    json!({"title": doc["title"], "slug": doc["slug"], "tags": doc["tags"], "body": body})
}

/// One client's random run.
async fn run_client(
    client: Client,
    urls: Arc<Vec<Vec<String>>>,
    index: usize,
    ops: usize,
    record: Arc<Mutex<Record>>,
) {
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1));
    for n in 0..ops {
        let doc = dice.roll(urls.len() as u64) as usize;
        let instances = urls[doc].len() as u64;
        let body = format!("client {index} op {n}");
        let current = read(
            &client,
            &urls[doc][dice.roll(instances) as usize],
            doc,
            &record,
        )
        .await;
        let url = &urls[doc][dice.roll(instances) as usize];
        let rev = current["rev"].as_i64().unwrap();
        let kind = dice.roll(6);
        let based_on = if kind == 1 { (rev - 1).max(1) } else { rev };
        let request = match kind {
            // base_rev in the body, no header.
            2 => client
                .put(url)
                .json(&json!({"title": current["title"], "slug": current["slug"],
                    "tags": current["tags"], "body": body, "base_rev": based_on})),
            // A merge patch of the body only.
            3 => client
                .patch(url)
                .header("if-match", format!("\"{based_on}\""))
                .header("content-type", "application/merge-patch+json")
                .body(json!({"body": body}).to_string()),
            // If-Match, fresh (0, 4, 5) or stale (1).
            _ => client
                .put(url)
                .header("if-match", format!("\"{based_on}\""))
                .json(&fields(&current, &body)),
        };
        let keyed = kind >= 4;
        let request = if keyed {
            request.header("idempotency-key", format!("c{index}-{n}"))
        } else {
            request
        };
        // A retry may reach the other instance.
        let mut again = request.try_clone().unwrap().build().unwrap();
        *again.url_mut() = urls[doc][dice.roll(instances) as usize].parse().unwrap();
        let retry = reqwest::RequestBuilder::from_parts(client.clone(), again);
        let first = request.send().await.unwrap();
        let (mut status, mut text) = (first.status(), first.text().await.unwrap());
        if keyed {
            // 4: the same request again, as a retry; 5: as if the first answer was lost.
            let again = retry.send().await.unwrap();
            let (again_status, again_text) = (again.status(), again.text().await.unwrap());
            if status == StatusCode::OK {
                record
                    .lock()
                    .await
                    .replays
                    .push((text.clone(), again_text.clone()));
            }
            if kind == 5 {
                (status, text) = (again_status, again_text);
            }
        }
        let answer: Value = serde_json::from_str(&text).unwrap();
        let mut record = record.lock().await;
        match status {
            StatusCode::OK => record.saves.push(Save {
                doc,
                based_on,
                body,
                rev: answer["rev"].as_i64(),
                ended: Instant::now(),
            }),
            StatusCode::PRECONDITION_FAILED | StatusCode::CONFLICT => {
                record.refused.push((doc, body))
            }
            other => panic!("unexpected {other}: {text}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_recorded_concurrent_history_keeps_every_promise() {
    let app = TestApp::spawn().await;
    check_history(&[&app]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_history_recorded_across_two_instances_keeps_every_promise() {
    let a = TestApp::spawn().await;
    let b = a.another_instance(|_| {}).await;
    check_history(&[&a, &b]).await;
}

async fn check_history(instances: &[&TestApp]) {
    let (clients, ops, docs) = (
        setting("CONCORD_CHECK_CLIENTS", 8),
        setting("CONCORD_CHECK_OPS", 25),
        3,
    );
    let app = instances[0];
    let (ann, cookie) = app.user_with_cookie("Ann").await;
    let mut urls = Vec::new();
    for d in 0..docs {
        let doc = app.create(&ann, &format!("checked-{d}")).await;
        let path = format!("/api/docs/{}", doc["id"].as_str().unwrap());
        urls.push(instances.iter().map(|i| i.url(&path)).collect::<Vec<_>>());
    }
    let urls = Arc::new(urls);
    let record = Arc::new(Mutex::new(Record::default()));
    let started = Instant::now();

    let runs: Vec<_> = (0..clients)
        .map(|index| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert("cookie", cookie.parse().unwrap());
            let client = Client::builder().default_headers(headers).build().unwrap();
            tokio::spawn(run_client(client, urls.clone(), index, ops, record.clone()))
        })
        .collect();
    for run in runs {
        run.await.unwrap();
    }
    let record = record.lock().await;

    // Each document's history, as stored.
    let mut violations = Vec::new();
    for (d, url) in urls.iter().map(|on| &on[0]).enumerate() {
        let list: Value = ann
            .get(format!("{url}/revisions"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut revs: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rev"].as_i64().unwrap())
            .collect();
        revs.sort();
        let latest = *revs.last().unwrap();
        if revs != (1..=latest).collect::<Vec<_>>() {
            violations.push(format!("doc {d}: revisions not contiguous: {revs:?}"));
        }
        let mut bodies = BTreeMap::new();
        for rev in 2..=latest {
            let revision: Value = ann
                .get(format!("{url}/revisions/{rev}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            bodies.insert(rev, revision["body"].as_str().unwrap().to_owned());
        }
        // Every acknowledged save is in history once, at the revision it was told, with
        // its content, on top of the revision it was based on.
        let acked: Vec<&Save> = record.saves.iter().filter(|s| s.doc == d).collect();
        let mut acked_revs: Vec<i64> = Vec::new();
        for save in &acked {
            let Some(rev) = save.rev else {
                violations.push(format!("doc {d}: a 200 without a revision"));
                continue;
            };
            if bodies.get(&rev) != Some(&save.body) {
                violations.push(format!("doc {d}: rev {rev} is not {:?}", save.body));
            }
            if rev != save.based_on + 1 {
                violations.push(format!(
                    "doc {d}: rev {rev} acknowledged on base {}",
                    save.based_on
                ));
            }
            acked_revs.push(rev);
        }
        acked_revs.sort();
        if acked_revs != (2..=latest).collect::<Vec<_>>() {
            violations.push(format!(
                "doc {d}: acknowledged {acked_revs:?}, history 2..={latest}"
            ));
        }
        // No refused save is in history.
        for (_, body) in record.refused.iter().filter(|(doc, _)| *doc == d) {
            if bodies.values().any(|b| b == body) {
                violations.push(format!("doc {d}: refused {body:?} is in history"));
            }
        }
        // A read never goes back before a save acknowledged before the read began.
        for read in record.reads.iter().filter(|r| r.doc == d) {
            let seen = acked
                .iter()
                .filter(|s| s.ended < read.started)
                .filter_map(|s| s.rev)
                .max()
                .unwrap_or(1);
            if read.rev < seen {
                violations.push(format!(
                    "doc {d}: read rev {} after rev {seen} was acknowledged",
                    read.rev
                ));
            }
        }
    }
    for (first, again) in &record.replays {
        if first != again {
            violations.push(format!("a replay differs: {first} / {again}"));
        }
    }
    let acknowledged = record.saves.len();
    eprintln!(
        "history check on {} instance(s): {clients} clients × {ops} operations in {:.1?}: {acknowledged} acknowledged, {} refused, {} replays, {} reads, {} violations",
        instances.len(),
        started.elapsed(),
        record.refused.len(),
        record.replays.len(),
        record.reads.len(),
        violations.len()
    );
    assert!(violations.is_empty(), "{violations:#?}");
    assert!(
        acknowledged > 0 && !record.refused.is_empty(),
        "the run must exercise both outcomes"
    );
}
