//! Who sees what. The one place the rule lives: partners (users or API keys) see published
//! organizations only, never contacts, internal notes or who verified what; a record they may
//! not see does not exist for them (404, not 403). Every other role sees everything.

use super::role::Role;
use super::vocab::Status;

/// The viewpoint of a caller.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    role: Role,
}

impl Viewer {
    /// The viewpoint of a role.
    pub fn new(role: Role) -> Self {
        Viewer { role }
    }

    fn is_public(self) -> bool {
        self.role == Role::Partner
    }

    /// Whether an organization in `status` exists for this viewer.
    pub fn sees(self, status: Status) -> bool {
        !self.is_public() || status == Status::Published
    }

    /// The statuses this viewer may see, for list queries.
    pub fn visible_statuses(self) -> Vec<Status> {
        Status::ALL.iter().copied().filter(|s| self.sees(*s)).collect()
    }

    /// Whether contacts (personal data), internal notes and verifiers are shown.
    pub fn sees_internal(self) -> bool {
        !self.is_public()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partners_see_published_records_and_public_fields_only() {
        let partner = Viewer::new(Role::Partner);
        assert!(partner.sees(Status::Published));
        assert!(
            !partner.sees(Status::Draft)
                && !partner.sees(Status::InReview)
                && !partner.sees(Status::Archived)
        );
        assert!(!partner.sees_internal());
        for role in [Role::Admin, Role::Curator, Role::Agency] {
            let staff = Viewer::new(role);
            assert!(Status::ALL.iter().all(|s| staff.sees(*s)) && staff.sees_internal());
        }
    }
}
