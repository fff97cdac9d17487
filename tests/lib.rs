//! Concord's integration tests live in `api/` (the real server on 127.0.0.1:0, one SQLite
//! file per test) and `e2e/` (Playwright in headless Chromium).
