//! What answers when no route matched: a 405 with `Allow` when the path exists under other
//! methods, a 404 otherwise. The known paths come from the generated OpenAPI document, so the
//! table can never disagree with the routes.

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// The documented path templates and the methods each accepts.
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

#[derive(Debug, PartialEq)]
enum Segment {
    Literal(String),
    Parameter,
}

impl RouteTable {
    /// Reads the paths and operations of an OpenAPI document.
    pub fn from_openapi(api: &OpenApi) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = split(template)
                    .map(|s| match s.starts_with('{') {
                        true => Segment::Parameter,
                        false => Segment::Literal(s.to_owned()),
                    })
                    .collect();
                let methods = [
                    (&item.get, Method::GET),
                    (&item.put, Method::PUT),
                    (&item.post, Method::POST),
                    (&item.delete, Method::DELETE),
                    (&item.patch, Method::PATCH),
                ]
                .into_iter()
                .filter_map(|(operation, method)| operation.as_ref().map(|_| method))
                .collect();
                (segments, methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// The methods a concrete path accepts; empty when no route has this path.
    pub fn methods_for(&self, path: &str) -> Vec<Method> {
        let wanted: Vec<&str> = split(path).collect();
        let mut methods: Vec<Method> = self
            .routes
            .iter()
            .filter(|(segments, _)| {
                segments.len() == wanted.len()
                    && segments.iter().zip(&wanted).all(|(segment, part)| match segment {
                        Segment::Parameter => !part.is_empty(),
                        Segment::Literal(literal) => literal == part,
                    })
            })
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        methods.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        methods.dedup();
        methods
    }
}

/// Splits exactly, so that `/a/` (three segments) is not taken for `/a`.
fn split(path: &str) -> impl Iterator<Item = &str> {
    path.strip_prefix('/').unwrap_or(path).split('/')
}

/// The default service of the application.
pub async fn unmatched(req: HttpRequest, table: web::Data<RouteTable>) -> Result<HttpResponse, ApiError> {
    let methods = table.methods_for(req.path());
    Err(if methods.is_empty() {
        ApiError::NotFound
    } else {
        ApiError::MethodNotAllowed(methods)
    })
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
    use utoipa::openapi::{OpenApiBuilder, PathsBuilder};

    use super::*;

    #[test]
    fn templates_match_concrete_paths() {
        let paths = PathsBuilder::new()
            .path(
                "/v1/items/{id}",
                PathItem::new(HttpMethod::Get, OperationBuilder::new()),
            )
            .path(
                "/v1/items",
                PathItem::new(HttpMethod::Post, OperationBuilder::new()),
            )
            .build();
        let table = RouteTable::from_openapi(&OpenApiBuilder::new().paths(paths).build());
        assert_eq!(table.methods_for("/v1/items/abc"), [Method::GET]);
        assert_eq!(table.methods_for("/v1/items"), [Method::POST]);
        assert!(table.methods_for("/v1/items/").is_empty());
        assert!(table.methods_for("/v1/items/abc/more").is_empty());
        assert!(table.methods_for("/v1/other").is_empty());
    }
}
