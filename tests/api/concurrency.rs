//! Concurrent saves on one revision: exactly one wins; history holds exactly the acknowledged saves.

use futures::future::join_all;
use reqwest::StatusCode;

use crate::helpers::{put_body, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_concurrent_saves_on_the_same_revision_give_one_200_and_one_412() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "Bob", "editor").await;
    let url = app.url(&format!("/api/docs/{id}"));

    let (a, b) = tokio::join!(
        ann.put(&url)
            .header("if-match", "\"1\"")
            .json(&put_body(&doc, "Ann's"))
            .send(),
        bob.put(&url)
            .header("if-match", "\"1\"")
            .json(&put_body(&doc, "Bob's"))
            .send(),
    );

    let mut statuses = [a.unwrap().status(), b.unwrap().status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::PRECONDITION_FAILED]);
    let history = app
        .stores()
        .await
        .history
        .changes_since(id, 0)
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|c| c.rev).collect::<Vec<_>>(),
        vec![1, 2]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_many_concurrent_saves_exactly_the_acknowledged_one_is_in_history() {
    let app = TestApp::spawn().await;
    let mut clients = Vec::new();
    for i in 0..8 {
        clients.push((format!("user{i}"), app.user(&format!("user{i}")).await));
    }
    let doc = app.create(&clients[0].1, "plan").await;
    let id = doc["id"].as_str().unwrap().to_owned();
    for (name, _) in &clients[1..] {
        app.share(&clients[0].1, &id, name, "editor").await;
    }
    let url = app.url(&format!("/api/docs/{id}"));

    let saves = clients.iter().map(|(name, client)| {
        let body = put_body(&doc, &format!("text by {name}"));
        let request = client.put(&url).header("if-match", "\"1\"").json(&body);
        async move { (name.clone(), request.send().await.unwrap().status()) }
    });
    let results = join_all(saves).await;

    let winners: Vec<_> = results
        .iter()
        .filter(|(_, s)| *s == StatusCode::OK)
        .map(|(n, _)| n.clone())
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(results
        .iter()
        .all(|(_, s)| *s == StatusCode::OK || *s == StatusCode::PRECONDITION_FAILED));
    let history = app
        .stores()
        .await
        .history
        .changes_since(&id, 0)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].by.name, winners[0]);
    assert_eq!(
        app.get(&clients[0].1, &id).await["body"],
        format!("text by {}", winners[0])
    );
}
