//! Built files named by content, served precompressed with ranges, revalidation and a
//! year's `immutable`; everything that depends on the session kept out of shared caches;
//! pages and JSON compressed, a document's JSON with a tag per encoding that `If-Match`
//! maps back to its revision.

use reqwest::{header, StatusCode};

use crate::helpers::{put_body, TestApp};

const NAME: &str = "concord.0123456789abcdef";
const SCRIPT: &str = "export default function init() { return 'a built script'; }\n";

const ICON: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n";

/// A site root as scripts/build leaves it: hashed files, their br/gz variants, the name.
fn built_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join(format!("{NAME}.js")), SCRIPT).unwrap();
    std::fs::write(pkg.join(format!("{NAME}.js.br")), b"brotli bytes").unwrap();
    std::fs::write(pkg.join(format!("{NAME}.js.gz")), b"gzip bytes").unwrap();
    std::fs::write(pkg.join(format!("{NAME}.css")), "body { margin: 0; }\n").unwrap();
    std::fs::write(site.path().join("assets.txt"), format!("{NAME}\n")).unwrap();
    site
}

#[tokio::test]
async fn the_icon_answers_ranges_and_conditional_requests() {
    let site = built_site();
    std::fs::write(site.path().join("favicon.svg"), ICON).unwrap();
    let root = site.path().to_owned();
    let app = TestApp::spawn_with(move |s| s.site_root = root).await;
    let client = reqwest::Client::new();
    let url = app.url("/favicon.svg");
    let full = client.get(&url).send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(
        header_of(&full, header::CONTENT_TYPE).as_deref(),
        Some("image/svg+xml")
    );
    let modified = header_of(&full, header::LAST_MODIFIED).expect("Last-Modified");
    let part = client
        .get(&url)
        .header(header::RANGE, "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        header_of(&part, header::VARY).as_deref(),
        Some("accept-encoding")
    );
    assert_eq!(part.text().await.unwrap(), &ICON[..4]);
    let again = client
        .get(&url)
        .header(header::IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        header_of(&again, header::VARY).as_deref(),
        Some("accept-encoding")
    );
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn pages_name_the_hashed_files_which_are_served_precompressed_and_immutable() {
    let site = built_site();
    let root = site.path().to_owned();
    let app = TestApp::spawn_with(move |s| s.site_root = root).await;
    let client = app.anonymous();

    let compressed = client
        .get(app.url("/login"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        header_of(&compressed, header::CONTENT_ENCODING).as_deref(),
        Some("gzip"),
        "pages are compressed"
    );
    // A page that runs the client (the new-document form; the sign-in page runs none).
    let page = client.get(app.url("/new")).send().await.unwrap();
    let html = page.text().await.unwrap();
    for file in [
        format!("/pkg/{NAME}.js"),
        format!("/pkg/{NAME}_bg.wasm"),
        format!("/pkg/{NAME}.css"),
    ] {
        assert!(html.contains(&file), "the page names {file}");
    }

    let url = app.url(&format!("/pkg/{NAME}.js"));
    for (accepts, encoding, body) in [
        ("br, gzip", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("identity", None, SCRIPT),
    ] {
        let response = client
            .get(&url)
            .header(header::ACCEPT_ENCODING, accepts)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            header_of(&response, header::CONTENT_ENCODING).as_deref(),
            encoding,
            "{accepts}"
        );
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL).as_deref(),
            // Any cache may keep a file without an Authorization header; "public" adds nothing
            // (REDbot warns about it).
            Some("max-age=31536000, immutable")
        );
        // Whichever twin is sent, a shared cache must know it depends on Accept-Encoding.
        assert_eq!(
            header_of(&response, header::VARY).as_deref(),
            Some("accept-encoding"),
            "{accepts}"
        );
        assert_eq!(response.text().await.unwrap(), body);
    }

    let range = client
        .get(&url)
        .header(header::RANGE, "bytes=0-5")
        .send()
        .await
        .unwrap();
    assert_eq!(range.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        header_of(&range, header::CONTENT_RANGE).as_deref(),
        Some(format!("bytes 0-5/{}", SCRIPT.len()).as_str())
    );
    assert_eq!(
        header_of(&range, header::VARY).as_deref(),
        Some("accept-encoding")
    );
    assert_eq!(range.text().await.unwrap(), &SCRIPT[..6]);

    let first = client.get(&url).send().await.unwrap();
    let modified = header_of(&first, header::LAST_MODIFIED).expect("Last-Modified");
    let again = client
        .get(&url)
        .header(header::IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        header_of(&again, header::VARY).as_deref(),
        Some("accept-encoding"),
        "a 304 carries the Vary its 200 does"
    );

    let missing = client
        .get(app.url("/pkg/concord.ffffffffffffffff.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(header_of(&missing, header::CACHE_CONTROL).is_none_or(|c| !c.contains("immutable")));
}

#[tokio::test]
async fn what_depends_on_the_session_is_private_and_pages_are_not_stored() {
    let site = built_site();
    let root = site.path().to_owned();
    let app = TestApp::spawn_with(move |s| s.site_root = root).await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "private-plan").await;
    let id = doc["id"].as_str().unwrap();

    for page in ["/", &format!("/docs/{id}"), &format!("/docs/{id}/history")] {
        let response = ann.get(app.url(page)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL).as_deref(),
            Some("no-store"),
            "{page}"
        );
    }
    for path in [
        "/api/docs",
        "/api/auth/me",
        &format!("/api/docs/{id}/revisions"),
    ] {
        let response = ann.get(app.url(path)).send().await.unwrap();
        // Without a validator an answer cannot be revalidated, so it is not stored at all;
        // with one, only the person's own browser keeps it, asking each time.
        let validated = response.headers().contains_key(header::ETAG)
            || response.headers().contains_key(header::LAST_MODIFIED);
        let policy = header_of(&response, header::CACHE_CONTROL).unwrap_or_default();
        let expected = if validated {
            "private, no-cache"
        } else {
            "no-store"
        };
        assert_eq!(policy, expected, "{path}");
    }
    for path in ["/api/docs", "/readyz"] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL).as_deref(),
            Some("no-store"),
            "{path} signed out"
        );
    }
    let read = ann
        .get(app.url(&format!("/api/docs/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        header_of(&read, header::CACHE_CONTROL).as_deref(),
        Some("private, no-cache")
    );
}

#[tokio::test]
async fn a_document_is_compressed_with_a_tag_per_encoding_and_if_match_stays_exact() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    for n in 0..5 {
        app.create(&ann, &format!("compressed-{n}")).await;
    }
    let list = ann
        .get(app.url("/api/docs"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(
        header_of(&list, header::CONTENT_ENCODING).as_deref(),
        Some("gzip")
    );

    let doc = app.create(&ann, "tagged").await;
    let url = app.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap()));
    let plain = ann.get(&url).send().await.unwrap();
    assert_eq!(header_of(&plain, header::ETAG).as_deref(), Some("\"1\""));
    assert_eq!(
        header_of(&plain, header::VARY).as_deref(),
        Some("accept-encoding")
    );
    let plain = plain.bytes().await.unwrap();

    // Compressed, the representation has a tag of its own that still names revision 1.
    let read = ann
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        header_of(&read, header::CONTENT_ENCODING).as_deref(),
        Some("gzip")
    );
    let etag = header_of(&read, header::ETAG).unwrap();
    assert_eq!(etag, "\"1-gzip\"");
    assert_eq!(
        header_of(&read, header::VARY).as_deref(),
        Some("accept-encoding")
    );
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&read.bytes().await.unwrap()[..]),
        &mut unzipped,
    )
    .unwrap();
    assert_eq!(unzipped, plain);

    // A cache revalidating the compressed copy gets its own tag back on the 304.
    let again = ann
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip")
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        header_of(&again, header::ETAG).as_deref(),
        Some("\"1-gzip\"")
    );
    assert_eq!(
        header_of(&again, header::VARY).as_deref(),
        Some("accept-encoding")
    );

    // If-Match with the compressed tag means revision 1, exactly: a save on it succeeds…
    let saved = ann
        .put(&url)
        .header(header::IF_MATCH, &etag)
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .json(&put_body(&doc, "a compressed client's save"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(header_of(&saved, header::ETAG).as_deref(), Some("\"2-br\""));
    // …and another one on the same tag is stale, in either spelling.
    for stale in [etag.as_str(), "\"1\"", "\"1-br\""] {
        let refused = ann
            .put(&url)
            .header(header::IF_MATCH, stale)
            .json(&put_body(&doc, "a stale save"))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::PRECONDITION_FAILED, "{stale}");
    }
    // Tags that name no coding this server uses are not revisions.
    for made_up in ["\"2-zip\"", "\"2-\"", "\"-br\"", "\"02-br\""] {
        let refused = ann
            .put(&url)
            .header(header::IF_MATCH, made_up)
            .json(&put_body(&doc, "a made-up tag"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::PRECONDITION_FAILED,
            "{made_up}"
        );
    }
}
