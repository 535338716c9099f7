//! The stylesheet and the scripts, compiled into the binary and served from `/assets/`: no CDN,
//! no build step.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Every asset: name, content type, bytes.
pub(crate) const ASSETS: [(&str, &str, &str); 3] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../assets/app.css"),
    ),
    (
        "enhance.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/enhance.js"),
    ),
    (
        "proof.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/proof.js"),
    ),
];

pub(crate) fn routes() -> Router {
    Router::new().route("/assets/{name}", get(asset))
}

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, body)) => (
            [
                (header::CONTENT_TYPE, *kind),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
