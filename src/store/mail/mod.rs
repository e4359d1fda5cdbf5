//! Mail in the store: messages that came in (each Message-ID once), those
//! held for a dispatcher, their attachments, and the outbox. Every write is
//! one `BEGIN IMMEDIATE` transaction with the ticket change it goes with.

pub mod attachments;
pub mod deliver;
pub mod held;
pub mod invoices;
pub mod outbox;
pub mod pages;

pub use deliver::{deliver, Delivered, MailRules};
