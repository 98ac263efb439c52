//! Who sees what. The one place the rule lives: partners (users or API keys) see published
//! organizations only, never contacts, internal notes or who verified what; a record they may
//! not see does not exist for them (404, not 403). A firm's representative sees its own
//! organization in full but for the staff's notes (drafts and contacts included), and every
//! other one as a partner does. Every other role sees everything.

use super::role::Role;
use super::vocab::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Public,
    Own,
    Staff,
}

/// The viewpoint of a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    level: Level,
}

impl Viewer {
    /// The viewpoint of a role, on organizations that are not the caller's own.
    pub fn new(role: Role) -> Self {
        let level = match role {
            Role::Partner | Role::Representative => Level::Public,
            Role::Admin | Role::Curator | Role::Agency => Level::Staff,
        };
        Viewer { level }
    }

    /// A representative's viewpoint on its own organization.
    pub fn own() -> Self {
        Viewer { level: Level::Own }
    }

    /// Whether an organization in `status` exists for this viewer.
    pub fn sees(self, status: Status) -> bool {
        self.level != Level::Public || status == Status::Published
    }

    /// The statuses this viewer may see, for list queries.
    pub fn visible_statuses(self) -> Vec<Status> {
        Status::ALL.iter().copied().filter(|s| self.sees(*s)).collect()
    }

    /// Whether contacts (personal data) are shown.
    pub fn sees_contacts(self) -> bool {
        self.level != Level::Public
    }

    /// Whether internal notes, verifiers, the evidence of verifications and what left the
    /// directory are shown: staff only.
    pub fn sees_internal(self) -> bool {
        self.level == Level::Staff
    }

    /// The suffix of this viewpoint's entity tags: each representation has its own.
    pub fn tag_suffix(self) -> &'static str {
        match self.level {
            Level::Public => "-public",
            Level::Own => "-own",
            Level::Staff => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partners_see_published_records_and_public_fields_only() {
        for role in [Role::Partner, Role::Representative] {
            let public = Viewer::new(role);
            assert!(public.sees(Status::Published));
            assert!(
                !public.sees(Status::Draft)
                    && !public.sees(Status::InReview)
                    && !public.sees(Status::Archived)
            );
            assert!(!public.sees_internal() && !public.sees_contacts());
        }
        for role in [Role::Admin, Role::Curator, Role::Agency] {
            let staff = Viewer::new(role);
            assert!(Status::ALL.iter().all(|s| staff.sees(*s)) && staff.sees_internal());
        }
        let own = Viewer::own();
        assert!(Status::ALL.iter().all(|s| own.sees(*s)) && own.sees_contacts() && !own.sees_internal());
    }
}
