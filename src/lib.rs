//! pimdesk: a terminal helpdesk console for a managed IT services provider.
//! The module tree is public so tests and benches use it.

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod files;
pub mod keys;
pub mod logging;
pub mod platform;
pub mod store;
pub mod tui;
