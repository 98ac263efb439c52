//! Who is calling: the authenticated identity every write is recorded under and every read is
//! filtered for. Authentication (`auth`) makes it; the store (`db`) records it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::role::Role;

/// What kind of credential the caller presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallerKind {
    /// A person, with an access token from `/v1/auth/login`.
    User,
    /// A partner portal, with an API key.
    ApiKey,
    /// The service itself, loading reference or sample data.
    System,
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Caller {
    /// The user's or the API key's id.
    pub id: String,
    /// User or API key.
    pub kind: CallerKind,
    /// What the caller may do.
    pub role: Role,
    /// The organization the caller belongs to, if any.
    pub organization_id: Option<String>,
    /// The user's email (users only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The key's label (API keys only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The spreadsheet import this caller writes through, named by every event it records.
    #[serde(skip)]
    pub import_id: Option<String>,
}

impl Caller {
    /// The service itself, as the author of the records it loads.
    pub fn system() -> Self {
        Caller {
            id: "system".into(),
            kind: CallerKind::System,
            role: Role::Admin,
            organization_id: None,
            email: None,
            label: None,
            import_id: None,
        }
    }

    /// What this caller may see of organizations other than its own.
    pub fn viewer(&self) -> crate::domain::visibility::Viewer {
        crate::domain::visibility::Viewer::new(self.role)
    }

    /// Whether this caller is a representative of `organization_id`.
    pub fn represents(&self, organization_id: &str) -> bool {
        self.role == Role::Representative && self.organization_id.as_deref() == Some(organization_id)
    }

    /// What this caller may see of the organization `organization_id` and its records.
    pub fn viewer_of(&self, organization_id: &str) -> crate::domain::visibility::Viewer {
        match self.represents(organization_id) {
            true => crate::domain::visibility::Viewer::own(),
            false => self.viewer(),
        }
    }
}
