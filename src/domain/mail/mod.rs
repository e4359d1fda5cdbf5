//! Mail rules, pure: what a message is (parse), whether it is automatic
//! (loops), which ticket it names and how an answer threads (thread), what of
//! a reply is new (quote), what an outgoing mail says (compose), and who
//! a page goes to (paging).

pub mod compose;
pub mod loops;
pub mod paging;
pub mod parse;
pub mod quote;
pub mod thread;

/// The settings an outgoing mail is made with: the support address (From,
/// Reply-To and the domain of our Message-IDs) and the subject tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub address: String,
    pub tag: String,
}

impl Outgoing {
    /// The domain of our Message-IDs: the support address's.
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("pimdesk.invalid", |(_, d)| d)
    }
}
