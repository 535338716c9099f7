//! What the handlers' annotations leave to one place: the bearer scheme, the error responses
//! every operation can give (all in the one error shape), the `Idempotency-Key` header of the
//! creates, bounds and examples on path parameters, and links from a created or listed record
//! to the operations on it, so that a client or a fuzzer can follow them.

use crate::MAX_IDEMPOTENCY_KEY_CHARS;
use std::sync::OnceLock;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required};

pub(crate) use crate::error::ErrorBody;

/// Completes the document generated from the annotations (see the module doc).
pub(crate) struct Complete;

/// The error statuses an operation may give, and when.
fn errors(op: &Operation, path: &str, post: bool) -> Vec<(&'static str, &'static str)> {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_body = op.request_body.is_some();
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let mut out = Vec::new();
    if secured {
        out.push(("401", "No API key, or an unknown or revoked one."));
    }
    if has_params || has_body {
        out.push((
            "400",
            "A malformed path, query or body (not JSON, a value of the wrong type or out of its range, an unknown query parameter).",
        ));
    }
    if path.contains('{') {
        out.push((
            "404",
            "No such record, or not one this key may see (the same answer for both).",
        ));
    }
    if has_body && !path.contains('{') {
        out.push((
            "404",
            "A record the body names does not exist, or is not one this key may see.",
        ));
    }
    if post {
        out.push((
            "409",
            "The request clashes with the registry's records: already withdrawn, revoked or decided, an overlapping licence, or an Idempotency-Key used before for another request.",
        ));
    }
    if has_body {
        out.push((
            "408",
            "The body did not arrive within the server's body timeout.",
        ));
        out.push((
            "413",
            if path == "/v1/attributions" {
                "A file is larger than 64 MiB, or the files together are larger than 256 MiB."
            } else {
                "The body is larger than 256 KiB."
            },
        ));
        out.push((
            "422",
            "The body is JSON but not acceptable: not an object, an unknown field, a value the registry refuses, or a rule between values or against the registry's records (an end before a start, nothing to request, usage that was not cleared).",
        ));
    }
    out
}

/// Links from a response to the operations on what it returned: (operation, its status,
/// link name, target operation id, parameters as (name, runtime expression)).
type LinkSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const LINKS: &[LinkSpec] = &[
    (
        "create_offer",
        "201",
        "withdraw",
        "withdraw_offer",
        &[("id", "$response.body#/id")],
    ),
    (
        "list_offers",
        "200",
        "withdraw",
        "withdraw_offer",
        &[("id", "$response.body#/0/id")],
    ),
    (
        "create_request",
        "201",
        "get",
        "get_request",
        &[("id", "$response.body#/id")],
    ),
    (
        "create_request",
        "201",
        "decide",
        "decide_line",
        &[
            ("id", "$response.body#/id"),
            ("line", "$response.body#/lines/0/line"),
        ],
    ),
    (
        "list_requests",
        "200",
        "get",
        "get_request",
        &[("id", "$response.body#/0/id")],
    ),
    (
        "list_licences",
        "200",
        "revoke",
        "revoke_licence",
        &[("id", "$response.body#/0/id")],
    ),
    (
        "list_works",
        "200",
        "get",
        "get_work",
        &[("isrc", "$response.body#/0/isrc")],
    ),
    (
        "create_statement",
        "201",
        "get",
        "get_statement",
        &[("id", "$response.body#/id")],
    ),
    (
        "list_statements",
        "200",
        "get",
        "get_statement",
        &[("id", "$response.body#/0/id")],
    ),
];

impl utoipa::Modify for Complete {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        let error = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build();
        for (path, item) in doc.paths.paths.iter_mut() {
            for (post, op) in [(false, &mut item.get), (true, &mut item.post)] {
                let Some(op) = op else { continue };
                let statuses = errors(op, path, post);
                for (status, description) in statuses {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| ResponseBuilder::new().description(description).into());
                }
                // Every error answer has the one shape.
                for (status, response) in op.responses.responses.iter_mut() {
                    if let RefOr::T(r) = response
                        && status.starts_with('4')
                        && r.content.is_empty()
                    {
                        r.content.insert("application/json".into(), error.clone());
                    }
                }
                let creates = op.responses.responses.contains_key("201");
                let params = op.parameters.get_or_insert_with(Vec::new);
                for p in params.iter_mut() {
                    if p.parameter_in == ParameterIn::Path && p.name == "id" {
                        p.schema = Some(
                            ObjectBuilder::new()
                                .schema_type(Type::String)
                                .min_length(Some(1))
                                .max_length(Some(crate::MAX_NAME_CHARS))
                                .examples(example_id(path))
                                .into(),
                        );
                    }
                }
                if creates {
                    params.push(idempotency_key());
                }
                if op.operation_id.as_deref() == Some("revoke_licence")
                    && let Some(body) = op.request_body.as_mut()
                {
                    // An empty body is no reason.
                    optional(body);
                }
            }
        }
        for (from, status, name, to, parameters) in LINKS {
            let Some(op) = find_operation(doc, from) else {
                continue;
            };
            if let Some(RefOr::T(response)) = op.responses.responses.get_mut(*status) {
                let mut link = LinkBuilder::new().operation_id(*to);
                for (p, expr) in *parameters {
                    link = link.parameter(*p, *expr);
                }
                response.links.insert((*name).into(), link.build().into());
            }
        }
    }
}

/// The price of an offer: a [`fermata_registry::Price`] whose amount is above zero unless
/// its model is `pool-share`.
pub(crate) fn offer_price() -> Schema {
    let pool_share = ObjectBuilder::new().property(
        "model",
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["pool-share"])),
    );
    let priced =
        ObjectBuilder::new().property("amount_minor", ObjectBuilder::new().minimum(Some(1)));
    AllOfBuilder::new()
        .item(Ref::from_schema_name("Price"))
        .item(AnyOfBuilder::new().item(pool_share).item(priced))
        .into()
}

/// The document as served: utoipa writes a link's `operationId`, `operationRef` and
/// `requestBody` in snake case, which no OpenAPI reader understands.
pub(crate) fn document() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(<crate::ApiDoc as utoipa::OpenApi>::openapi())
            .unwrap_or_else(|e| serde_json::json!({"error": e.to_string()}));
        let links = doc
            .get_mut("paths")
            .and_then(|p| p.as_object_mut())
            .into_iter()
            .flat_map(|paths| paths.values_mut())
            .filter_map(|item| item.as_object_mut())
            .flat_map(|item| item.values_mut())
            .filter_map(|op| op.get_mut("responses").and_then(|r| r.as_object_mut()))
            .flat_map(|responses| responses.values_mut())
            .filter_map(|r| r.get_mut("links").and_then(|l| l.as_object_mut()))
            .flat_map(|links| links.values_mut())
            .filter_map(|link| link.as_object_mut());
        for link in links.collect::<Vec<_>>() {
            for (snake, camel) in [
                ("operation_id", "operationId"),
                ("operation_ref", "operationRef"),
                ("request_body", "requestBody"),
            ] {
                if let Some(v) = link.remove(snake) {
                    link.insert(camel.into(), v);
                }
            }
        }
        let schemas = doc.pointer_mut("/components/schemas");
        if let Some(schemas) = schemas.and_then(|s| s.as_object_mut()) {
            for (name, rule) in one_of_needed() {
                if let Some(schema) = schemas.get_mut(name).and_then(|s| s.as_object_mut()) {
                    schema.insert("not".into(), rule);
                }
            }
        }
        doc
    })
}

/// The rules between fields of a body that the derived schemas cannot state: a usage report
/// names its use, or cites the scan or manifest that says it; a licence request names works
/// or a scan; a misuse notice names holders or works; closing a notice gives its outcome.
/// Each is written as `not` (the forbidden combination), which generated clients leave alone
/// where they refuse an `anyOf` of partial objects.
fn one_of_needed() -> [(&'static str, serde_json::Value); 4] {
    use serde_json::json;
    let none = || json!({"type": "null"});
    [
        (
            "UsageBody",
            json!({"properties": {"use": none(), "scan": none(), "manifest": none()}}),
        ),
        (
            "RequestBody",
            json!({"properties": {"works": {"not": {"minItems": 1}}, "scan": none()}}),
        ),
        (
            "NoticeBody",
            json!({"properties": {"works": {"not": {"minItems": 1}}, "holders": {"not": {"minItems": 1}}}}),
        ),
        (
            "NoticeStateBody",
            json!({"required": ["state"], "properties": {"state": {"const": "closed"}, "note": none()}}),
        ),
    ]
}

fn optional(body: &mut RequestBody) {
    body.required = Some(Required::False);
}

fn find_operation<'a>(doc: &'a mut OpenApi, id: &str) -> Option<&'a mut Operation> {
    doc.paths.paths.values_mut().find_map(|item| {
        [&mut item.get, &mut item.post]
            .into_iter()
            .flatten()
            .find(|op| op.operation_id.as_deref() == Some(id))
    })
}

/// An id of the record kind a path names, as an example.
fn example_id(path: &str) -> Option<&'static str> {
    [
        ("/v1/offers/", "off-000001"),
        ("/v1/requests/", "req-000001"),
        ("/v1/licences/", "lic-000001"),
        ("/v1/scans/", "scan-000001"),
        ("/v1/statements/", "stm-000001"),
    ]
    .into_iter()
    .find(|(prefix, _)| path.starts_with(prefix))
    .map(|(_, id)| id)
}

/// The optional `Idempotency-Key` header of a create.
fn idempotency_key() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes the create happen once: a repeat of the same request with the same key gets the first answer; the same key with another request is 409.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_IDEMPOTENCY_KEY_CHARS))
                .pattern(Some("^[!-~]+$")),
        ))
        .build()
}
