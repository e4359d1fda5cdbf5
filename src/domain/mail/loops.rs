//! Automatic mail (RFC 3834 and the habits of real mail systems): an
//! auto-reply, an out-of-office, a bounce or list mail never opens a ticket
//! and never gets an answer, so two robots cannot write to each other
//! forever.

/// The headers that tell automatic mail, as received (`None`: absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    pub auto_submitted: Option<String>,
    pub x_auto_response_suppress: Option<String>,
    pub precedence: Option<String>,
    pub list_id: Option<String>,
    /// `type/subtype` of the whole message, lower case.
    pub content_type: String,
    /// Return-Path as received; `Some("")` for the null sender `<>`.
    pub return_path: Option<String>,
    /// The From address, lower case.
    pub from: String,
}

/// Why the message is automatic, in words for the held list; `None` for a
/// person's mail.
pub fn automatic(s: &Signals) -> Option<String> {
    let header = |v: &Option<String>| v.as_deref().map(|v| v.trim().to_ascii_lowercase());
    if let Some(v) = header(&s.auto_submitted).filter(|v| !v.is_empty() && !v.starts_with("no")) {
        return Some(format!("automatic mail (Auto-Submitted: {v})"));
    }
    if s.x_auto_response_suppress.is_some() {
        return Some("automatic mail (X-Auto-Response-Suppress)".into());
    }
    if let Some(v) = header(&s.precedence).filter(|v| ["bulk", "junk", "list", "auto_reply"].contains(&v.as_str())) {
        return Some(format!("automatic mail (Precedence: {v})"));
    }
    if s.list_id.is_some() {
        return Some("list mail (List-Id)".into());
    }
    if s.content_type == "multipart/report" {
        return Some("a delivery report (bounce)".into());
    }
    if s.return_path
        .as_deref()
        .is_some_and(|r| r.trim().trim_matches(['<', '>']).is_empty())
    {
        return Some("automatic mail (empty Return-Path)".into());
    }
    let local = s.from.split('@').next().unwrap_or("");
    if ["mailer-daemon", "postmaster"].contains(&local) {
        return Some(format!("automatic mail (from {local})"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Signals {
        Signals {
            content_type: "text/plain".into(),
            return_path: Some("<dana@acme.test>".into()),
            from: "dana@acme.test".into(),
            ..Signals::default()
        }
    }

    #[test]
    fn a_persons_mail_is_not_automatic() {
        assert_eq!(automatic(&person()), None);
        let no = Signals {
            auto_submitted: Some("No".into()),
            precedence: Some("first-class".into()),
            ..person()
        };
        assert_eq!(automatic(&no), None);
    }

    #[test]
    fn every_sign_of_a_robot_is_caught() {
        let cases = [
            Signals {
                auto_submitted: Some("auto-replied".into()),
                ..person()
            },
            Signals {
                x_auto_response_suppress: Some("All".into()),
                ..person()
            },
            Signals {
                precedence: Some("Bulk".into()),
                ..person()
            },
            Signals {
                precedence: Some("auto_reply".into()),
                ..person()
            },
            Signals {
                list_id: Some("<news.acme.test>".into()),
                ..person()
            },
            Signals {
                content_type: "multipart/report".into(),
                ..person()
            },
            Signals {
                return_path: Some("<>".into()),
                ..person()
            },
            Signals {
                from: "MAILER-DAEMON@mx.acme.test".to_ascii_lowercase(),
                ..person()
            },
            Signals {
                from: "postmaster@acme.test".into(),
                ..person()
            },
        ];
        for s in cases {
            assert!(automatic(&s).is_some(), "{s:?}");
        }
    }
}
