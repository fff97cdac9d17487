//! Integration tests against the real server on 127.0.0.1:0, each with its own database.

mod access;
mod accounts;
mod assets;
mod bad_input;
mod concurrency;
mod conflicts;
mod creates;
mod documents;
mod helpers;
mod history;
mod history_check;
mod instances;
mod kill;
mod listing;
mod live;
mod merge_on_save;
mod metrics;
mod openapi;
mod preconditions;
mod request_ids;
mod security;
mod shutdown;
mod transfer;
mod trash;
mod undo;
mod workflow;
