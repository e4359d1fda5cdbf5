//! Pure rules of the product: no SQLite, no terminal, no clock reads.

pub mod billing;
pub mod mail;
pub mod money;
pub mod onboarding;
pub mod oncall;
pub mod permissions;
pub mod queue_filter;
pub mod sla;
pub mod text;
pub mod ticket;
pub mod time;
