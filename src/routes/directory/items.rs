//! The routes of an organization's records, written once for every kind of record.

use actix_web::{HttpRequest, HttpResponse};
use serde_json::Value;

use super::organizations::{visible, visible_to};
use crate::auth::Caller;
use crate::db::items::{self, ItemStore};
use crate::db::{self, DbConnection, Pool, organizations};
use crate::domain::items::Item;
use crate::domain::merge_patch;
use crate::domain::organization::Organization;
use crate::domain::reference::Reference;
use crate::domain::visibility::Viewer;
use crate::domain::vocab::Status;
use crate::error::ApiError;
use crate::http::etag;
use crate::http::pagination::Page;

fn respond<F: ItemStore>(
    mut response: actix_web::HttpResponseBuilder,
    item: Item<F>,
    viewer: Viewer,
) -> HttpResponse {
    response
        .insert_header(("ETag", etag::tag(item.version, viewer)))
        .json(item.derive())
}

/// Drops the records whose organization, as named by `via`, the viewer may not see.
pub(super) fn visible_via<F: ItemStore>(
    conn: &mut DbConnection,
    items: Vec<Item<F>>,
    viewer: Viewer,
    via: fn(&Item<F>) -> Option<&str>,
) -> Result<Vec<Item<F>>, ApiError> {
    let linked: Vec<&str> = items.iter().filter_map(via).collect();
    if linked.is_empty() {
        return Ok(items);
    }
    let statuses = organizations::statuses(conn, &linked)?;
    Ok(items
        .into_iter()
        .filter(|item| via(item).is_none_or(|id| statuses.get(id).is_some_and(|status| viewer.sees(*status))))
        .collect())
}

/// Drops the records that point to organizations the viewer may not see.
pub(super) fn visible_links<F: ItemStore>(
    conn: &mut DbConnection,
    items: Vec<Item<F>>,
    viewer: Viewer,
) -> Result<Vec<Item<F>>, ApiError> {
    visible_via(conn, items, viewer, |item| item.fields.linked_organization())
}

/// The records of kind `F` of an organization.
pub async fn list<F: ItemStore>(
    caller: &Caller,
    pool: &Pool,
    organization: String,
) -> Result<HttpResponse, ApiError> {
    let (org, viewer) = visible_records::<F>(pool, organization, caller).await?;
    let items = db::run(pool, move |conn| {
        let items = F::load(conn, &org.id)?;
        visible_links(conn, items, viewer)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: items.into_iter().map(Item::derive).collect(),
        next_cursor: None,
    }))
}

/// The organization whose records of kind `F` the caller reads, with the viewpoint: personal
/// records exist only for those who may see contacts (staff, and a firm's representative for
/// its own).
async fn visible_records<F: ItemStore>(
    pool: &Pool,
    organization: String,
    caller: &Caller,
) -> Result<(Organization, Viewer), ApiError> {
    let (org, viewer) = visible_to(pool, organization, caller).await?;
    match !F::PERSONAL || viewer.sees_contacts() {
        true => Ok((org, viewer)),
        false => Err(ApiError::NotFound),
    }
}

/// The organization and one of its records, as `viewer` may see them (else 404).
async fn visible_item<F: ItemStore>(
    pool: &Pool,
    organization: String,
    id: String,
    viewer: Viewer,
) -> Result<(Organization, Item<F>), ApiError> {
    let org = visible(pool, organization, viewer).await?;
    item_of(pool, org, id, viewer).await
}

/// One record of `org`, as `viewer` may see it (else 404).
async fn item_of<F: ItemStore>(
    pool: &Pool,
    org: Organization,
    id: String,
    viewer: Viewer,
) -> Result<(Organization, Item<F>), ApiError> {
    let organization_id = org.id.clone();
    let found = db::run(pool, move |conn| {
        let found = items::find::<F>(conn, &organization_id, &id)?;
        visible_links(conn, found.into_iter().collect(), viewer)
    })
    .await?;
    let item = found.into_iter().next().ok_or(ApiError::NotFound)?;
    Ok((org, item))
}

/// One record; `If-None-Match` answers 304.
pub async fn get<F: ItemStore>(
    caller: &Caller,
    req: &HttpRequest,
    pool: &Pool,
    organization: String,
    id: String,
) -> Result<HttpResponse, ApiError> {
    let (org, viewer) = visible_records::<F>(pool, organization, caller).await?;
    let (_, item) = item_of::<F>(pool, org, id, viewer).await?;
    // A certificate's `expired` flag turns as days pass: the tag covers the body.
    let tag = etag::tag(item.version, viewer);
    etag::json_with_version(req, &tag, &item.derive())
}

/// Checks what validation alone cannot: the organization accepts changes, and a linked
/// organization exists and is another one.
pub(super) async fn check_links<F: ItemStore>(
    pool: &Pool,
    organization: &Organization,
    fields: &F,
) -> Result<(), ApiError> {
    if organization.status == Status::Archived {
        return Err(ApiError::Conflict(
            "An archived organization cannot be changed.".into(),
        ));
    }
    if let Some(programme) = fields.linked_programme().map(str::to_owned) {
        let found = db::run(pool, move |conn| crate::db::programmes::find(conn, &programme)).await?;
        if found.is_none() {
            return Err(ApiError::invalid("programme_id", "no such programme"));
        }
    }
    let Some(target) = fields.linked_organization().map(str::to_owned) else {
        return Ok(());
    };
    if target == organization.id {
        return Err(ApiError::invalid("target_id", "must be another organization"));
    }
    let lookup = target.clone();
    let exists = db::run(pool, move |conn| organizations::statuses(conn, &[&lookup])).await?;
    if exists.contains_key(&target) {
        Ok(())
    } else {
        Err(ApiError::invalid("target_id", "no such organization"))
    }
}

/// Creates a record of kind `F`.
pub async fn create<F: ItemStore>(
    caller: Caller,
    reference: &Reference,
    pool: &Pool,
    organization: String,
    fields: F,
) -> Result<HttpResponse, ApiError> {
    fields.validate(reference)?;
    let viewer = caller.viewer();
    let org = visible(pool, organization, viewer).await?;
    check_links(pool, &org, &fields).await?;
    let item = Item::new(&org.id, fields, db::now().and_utc());
    let stored = item.clone();
    db::transaction(pool, move |conn| items::create(conn, &stored, &caller)).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        "Location",
        format!(
            "/v1/organizations/{}/{}/{}",
            item.organization_id,
            F::PATH,
            item.id
        ),
    ));
    Ok(respond(response, item, viewer))
}

/// Changes a record of kind `F` with a JSON Merge Patch; needs `If-Match`.
pub async fn update<F: ItemStore>(
    caller: Caller,
    req: &HttpRequest,
    reference: &Reference,
    pool: &Pool,
    (organization, id): (String, String),
    patch: Value,
) -> Result<HttpResponse, ApiError> {
    let viewer = caller.viewer();
    let (org, before) = visible_item::<F>(pool, organization, id, viewer).await?;
    etag::require_match(req, &etag::tag(before.version, viewer))?;
    let fields = merge_patch::apply(&before.fields, patch)?;
    fields.validate(reference)?;
    check_links(pool, &org, &fields).await?;
    let after = Item {
        fields,
        version: before.version + 1,
        updated_at: db::now().and_utc(),
        ..before.clone()
    };
    let stored = after.clone();
    db::transaction(pool, move |conn| items::update(conn, &before, &stored, &caller)).await?;
    Ok(respond(HttpResponse::Ok(), after, viewer))
}

/// Deletes a record of kind `F`; needs `If-Match`.
pub async fn delete<F: ItemStore>(
    caller: Caller,
    req: &HttpRequest,
    pool: &Pool,
    (organization, id): (String, String),
) -> Result<HttpResponse, ApiError> {
    let viewer = caller.viewer();
    let (org, item) = visible_item::<F>(pool, organization, id, viewer).await?;
    etag::require_match(req, &etag::tag(item.version, viewer))?;
    if org.status == Status::Archived {
        return Err(ApiError::Conflict(
            "An archived organization cannot be changed.".into(),
        ));
    }
    db::transaction(pool, move |conn| items::delete(conn, &item, &caller)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Declares the five documented routes of a kind of record. The caller imports actix-web's
/// `get`, `post`, `patch` and `delete` attributes: utoipa recognises them by their bare names.
macro_rules! item_routes {
    (
        fields: $fields:ty,
        tag: $tag:literal,
        readers: $readers:ty,
        collection: $collection:literal,
        member: $member:literal,
        what: $what:literal,
        handlers: ($list:ident, $get:ident, $create:ident, $update:ident, $delete:ident) $(,)?
    ) => {
        #[doc = concat!("Lists the ", $what, " of an organization.")]
        #[utoipa::path(
            description = concat!("Lists the ", $what, " of an organization."),
            tag = $tag,
            security(("bearer" = [])),
            params(("id" = String, Path, description = "Organization id or slug")),
            responses(
                (status = 200, description = "Every record", body = $crate::http::pagination::Page<$crate::domain::items::Item<$fields>>),
                (status = 404, description = "No such organization (or not visible to you)"),
            )
        )]
        #[get($collection)]
        pub async fn $list(
            auth: $crate::auth::guard::Auth<$readers>,
            pool: actix_web::web::Data<$crate::db::Pool>,
            path: actix_web::web::Path<String>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::routes::directory::items::list::<$fields>(&auth.caller, &pool, path.into_inner()).await
        }

        #[doc = concat!("Reads one of the ", $what, " of an organization; `If-None-Match` answers 304.")]
        #[utoipa::path(
            description = concat!("Reads one of the ", $what, " of an organization; `If-None-Match` answers 304."),
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "Organization id or slug"),
                ("item_id" = String, Path, description = "Record id"),
                ("If-None-Match" = Option<String>, Header, description = "An ETag you hold"),
            ),
            responses(
                (status = 200, description = "The record", body = $crate::domain::items::Item<$fields>, headers(("ETag" = String))),
                (status = 304, description = "Your copy is current"),
                (status = 404, description = "No such record (or not visible to you)"),
            )
        )]
        #[get($member)]
        pub async fn $get(
            auth: $crate::auth::guard::Auth<$readers>,
            req: actix_web::HttpRequest,
            pool: actix_web::web::Data<$crate::db::Pool>,
            path: actix_web::web::Path<(String, String)>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            let (organization, id) = path.into_inner();
            $crate::routes::directory::items::get::<$fields>(&auth.caller, &req, &pool, organization, id).await
        }

        #[doc = concat!("Adds to the ", $what, " of an organization. Curators and admins.")]
        #[utoipa::path(
            description = concat!("Adds to the ", $what, " of an organization. Curators and admins."),
            tag = $tag,
            security(("bearer" = [])),
            params(("id" = String, Path, description = "Organization id or slug")),
            request_body = $fields,
            responses(
                (status = 201, description = "Created", body = $crate::domain::items::Item<$fields>, headers(("ETag" = String), ("Location" = String))),
                (status = 400, description = "Malformed JSON"),
                (status = 404, description = "No such organization"),
                (status = 409, description = "The organization is archived, holds too many records, or has this one already"),
                (status = 415, description = "The body is not JSON"),
                (status = 422, description = "Invalid fields, all listed"),
            )
        )]
        #[post($collection)]
        pub async fn $create(
            auth: $crate::auth::guard::Auth<$crate::auth::guard::Curators>,
            reference: actix_web::web::Data<$crate::domain::reference::Reference>,
            pool: actix_web::web::Data<$crate::db::Pool>,
            path: actix_web::web::Path<String>,
            body: $crate::http::json::Json<$fields>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            let fields = body.into_inner()?;
            $crate::routes::directory::items::create::<$fields>(auth.caller, &reference, &pool, path.into_inner(), fields).await
        }

        #[doc = concat!("Changes one of the ", $what, " with a JSON Merge Patch; needs `If-Match`. Curators and admins.")]
        #[utoipa::path(
            description = concat!("Changes one of the ", $what, " with a JSON Merge Patch; needs `If-Match`. Curators and admins."),
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "Organization id or slug"),
                ("item_id" = String, Path, description = "Record id"),
                ("If-Match" = String, Header, description = "The ETag last read"),
            ),
            request_body(content = $fields, description = "Any subset of the fields", content_type = "application/merge-patch+json"),
            responses(
                (status = 200, description = "Changed", body = $crate::domain::items::Item<$fields>, headers(("ETag" = String))),
                (status = 400, description = "Malformed JSON"),
                (status = 404, description = "No such record"),
                (status = 409, description = "The organization is archived, or the change duplicates a record"),
                (status = 412, description = "Changed since you read it"),
                (status = 415, description = "The body is not JSON"),
                (status = 422, description = "Invalid fields, all listed"),
                (status = 428, description = "If-Match missing"),
            )
        )]
        #[patch($member)]
        pub async fn $update(
            auth: $crate::auth::guard::Auth<$crate::auth::guard::Curators>,
            req: actix_web::HttpRequest,
            reference: actix_web::web::Data<$crate::domain::reference::Reference>,
            pool: actix_web::web::Data<$crate::db::Pool>,
            path: actix_web::web::Path<(String, String)>,
            body: $crate::http::json::Json<serde_json::Value>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            let patch = body.into_inner()?;
            $crate::routes::directory::items::update::<$fields>(auth.caller, &req, &reference, &pool, path.into_inner(), patch).await
        }

        #[doc = concat!("Deletes one of the ", $what, "; needs `If-Match`. Curators and admins.")]
        #[utoipa::path(
            description = concat!("Deletes one of the ", $what, "; needs `If-Match`. Curators and admins."),
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "Organization id or slug"),
                ("item_id" = String, Path, description = "Record id"),
                ("If-Match" = String, Header, description = "The ETag last read"),
            ),
            responses(
                (status = 204, description = "Deleted"),
                (status = 404, description = "No such record"),
                (status = 409, description = "The organization is archived"),
                (status = 412, description = "Changed since you read it"),
                (status = 428, description = "If-Match missing"),
            )
        )]
        #[delete($member)]
        pub async fn $delete(
            auth: $crate::auth::guard::Auth<$crate::auth::guard::Curators>,
            req: actix_web::HttpRequest,
            pool: actix_web::web::Data<$crate::db::Pool>,
            path: actix_web::web::Path<(String, String)>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::routes::directory::items::delete::<$fields>(auth.caller, &req, &pool, path.into_inner()).await
        }
    };
}
pub(crate) use item_routes;
