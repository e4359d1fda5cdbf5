//! Helpers shared by the integration tests.
pub mod books;
pub mod cli;
pub mod dovecot;
pub mod mail;
pub mod pg;
pub mod pty;
pub mod smtp;
pub mod tls;
