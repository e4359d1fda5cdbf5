//! Who may do what. Client contacts carry a security level (the guide's
//! "depending on your permission level, you can: submit tickets, view tickets,
//! view invoices, update company contacts and permissions, make payments");
//! console users carry a role that organises work. Roles are workflow, not a
//! security boundary: the store file's permissions protect the data.

use std::fmt;
use std::str::FromStr;

/// One thing a client contact may do in the portal, in the guide's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    SubmitTickets,
    ViewTickets,
    ViewAllCompanyTickets,
    ViewInvoices,
    MakePayments,
    UpdateContacts,
}

impl Right {
    pub fn words(self) -> &'static str {
        match self {
            Right::SubmitTickets => "submit tickets",
            Right::ViewTickets => "view tickets",
            Right::ViewAllCompanyTickets => "view all company tickets",
            Right::ViewInvoices => "view invoices",
            Right::MakePayments => "make payments",
            Right::UpdateContacts => "update company contacts and permissions",
        }
    }
}

/// A client contact's security level, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SecurityLevel {
    Submitter,
    Viewer,
    CompanyViewer,
    Billing,
    Manager,
    Admin,
}

use Right::*;

impl SecurityLevel {
    pub const ALL: [SecurityLevel; 6] = [
        SecurityLevel::Submitter,
        SecurityLevel::Viewer,
        SecurityLevel::CompanyViewer,
        SecurityLevel::Billing,
        SecurityLevel::Manager,
        SecurityLevel::Admin,
    ];

    /// The store's spelling (`contacts.security_level`).
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityLevel::Submitter => "submitter",
            SecurityLevel::Viewer => "viewer",
            SecurityLevel::CompanyViewer => "company_viewer",
            SecurityLevel::Billing => "billing",
            SecurityLevel::Manager => "manager",
            SecurityLevel::Admin => "admin",
        }
    }

    /// What the level allows. Billing is the accounts-payable seat: its own
    /// tickets plus invoices and payments, but not the whole company's tickets.
    pub fn rights(self) -> &'static [Right] {
        match self {
            SecurityLevel::Submitter => &[SubmitTickets],
            SecurityLevel::Viewer => &[SubmitTickets, ViewTickets],
            SecurityLevel::CompanyViewer => &[SubmitTickets, ViewTickets, ViewAllCompanyTickets],
            SecurityLevel::Billing => &[SubmitTickets, ViewTickets, ViewInvoices, MakePayments],
            SecurityLevel::Manager => &[
                SubmitTickets,
                ViewTickets,
                ViewAllCompanyTickets,
                ViewInvoices,
                MakePayments,
            ],
            SecurityLevel::Admin => &[
                SubmitTickets,
                ViewTickets,
                ViewAllCompanyTickets,
                ViewInvoices,
                MakePayments,
                UpdateContacts,
            ],
        }
    }

    pub fn allows(self, right: Right) -> bool {
        self.rights().contains(&right)
    }

    /// "submit tickets, view tickets" — the rights in words, for screens.
    pub fn summary(self) -> String {
        self.rights().iter().map(|r| r.words()).collect::<Vec<_>>().join(", ")
    }

    /// The level after this one, wrapping round (the console's picker order).
    pub fn next(self) -> SecurityLevel {
        let i = SecurityLevel::ALL.iter().position(|l| *l == self).unwrap_or(0);
        SecurityLevel::ALL[(i + 1) % SecurityLevel::ALL.len()]
    }
}

impl fmt::Display for SecurityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SecurityLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        SecurityLevel::ALL.into_iter().find(|l| l.as_str() == t).ok_or_else(|| {
            format!(
                "unknown security level {s:?}; levels: {}",
                SecurityLevel::ALL.map(|l| l.as_str()).join(", ")
            )
        })
    }
}

/// A console user's role: how work is shared out, not who may read the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Technician,
    Dispatcher,
    Finance,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Technician, Role::Dispatcher, Role::Finance, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Technician => "technician",
            Role::Dispatcher => "dispatcher",
            Role::Finance => "finance",
            Role::Admin => "admin",
        }
    }

    /// Contacts and their security levels are kept by the concierge desk
    /// (dispatchers) or an admin.
    pub fn may_edit_contacts(self) -> bool {
        matches!(self, Role::Dispatcher | Role::Admin)
    }

    /// Invoice runs, payments and voids.
    pub fn may_do_finance(self) -> bool {
        matches!(self, Role::Finance | Role::Admin)
    }

    /// Changing technicians' roles.
    pub fn may_change_roles(self) -> bool {
        self == Role::Admin
    }
}

/// Work a role allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Contacts, security levels, checklists, the on-call rotation.
    Directory,
    /// Invoice runs, payments and voids.
    Finance,
}

impl Duty {
    fn allowed(self, role: Role) -> bool {
        match self {
            Duty::Directory => role.may_edit_contacts(),
            Duty::Finance => role.may_do_finance(),
        }
    }
}

/// None when `role` may do `duty`; else the refusal in words (without a
/// "refused:" of its own: each screen says that its way), naming the
/// roles that may and how `login` gets one (as the command line says it).
/// `role` is None while not known yet (no technician record).
pub fn refusal(role: Option<Role>, login: &str, duty: Duty, what: &str) -> Option<String> {
    if role.is_some_and(|r| duty.allowed(r)) {
        return None;
    }
    let (roles, give) = match duty {
        Duty::Directory => ("the dispatcher or admin role", "dispatcher"),
        Duty::Finance => ("the finance or admin role", "finance"),
    };
    let you = role.map_or("not known yet", Role::as_str);
    Some(format!(
        "{what} needs {roles}; you are {you}. Ask an admin to run: pimdesk tech set-role {login} {give}"
    ))
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        Role::ALL.into_iter().find(|r| r.as_str() == t).ok_or_else(|| {
            format!(
                "unknown role {s:?}; roles: {}",
                Role::ALL.map(|r| r.as_str()).join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_in_the_guides_words() {
        assert_eq!(SecurityLevel::Submitter.summary(), "submit tickets");
        assert_eq!(
            SecurityLevel::Billing.summary(),
            "submit tickets, view tickets, view invoices, make payments"
        );
        assert!(SecurityLevel::Admin
            .summary()
            .ends_with("update company contacts and permissions"));
    }

    #[test]
    fn only_admin_contacts_update_contacts_and_every_level_submits() {
        for l in SecurityLevel::ALL {
            assert!(l.allows(Right::SubmitTickets), "{l} should submit tickets");
            assert_eq!(l.allows(Right::UpdateContacts), l == SecurityLevel::Admin, "{l}");
        }
        assert!(!SecurityLevel::Billing.allows(Right::ViewAllCompanyTickets));
        assert!(!SecurityLevel::CompanyViewer.allows(Right::ViewInvoices));
        assert!(SecurityLevel::Manager.allows(Right::MakePayments));
    }

    #[test]
    fn levels_parse_round_trip_and_cycle() {
        for l in SecurityLevel::ALL {
            assert_eq!(l.as_str().parse::<SecurityLevel>(), Ok(l));
        }
        assert_eq!(
            "Company viewer".parse::<SecurityLevel>(),
            Ok(SecurityLevel::CompanyViewer)
        );
        assert!("boss"
            .parse::<SecurityLevel>()
            .unwrap_err()
            .contains("levels: submitter"));
        assert_eq!(SecurityLevel::Admin.next(), SecurityLevel::Submitter);
    }

    #[test]
    fn roles_organise_work() {
        assert!(Role::Dispatcher.may_edit_contacts() && Role::Admin.may_edit_contacts());
        assert!(!Role::Technician.may_edit_contacts() && !Role::Finance.may_edit_contacts());
        assert!(Role::Finance.may_do_finance() && !Role::Dispatcher.may_do_finance());
        assert!(Role::Admin.may_change_roles() && !Role::Dispatcher.may_change_roles());
        assert!("wizard".parse::<Role>().is_err());
    }
}
