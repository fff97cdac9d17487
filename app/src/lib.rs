//! Concord's browser UI and the pure core shared by browser and server:
//! document rules (`domain`), wire types (`protocol`) and the Leptos components (`ui`).
#![recursion_limit = "256"]

pub mod domain;
pub mod live;
pub mod protocol;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod ssr;

pub use ui::{shell, App};
