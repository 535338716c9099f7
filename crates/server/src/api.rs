//! The `/v1` endpoints. Each handler: who may call it (role), what the caller may see (its own
//! party's records), one registry call.

use crate::doc::{Complete, ErrorBody};
use crate::{
    ApiPath, ApiQuery, AppError, AppState, Bounded, Caller, IdempotencyKey, JsonBody,
    MAX_NAME_CHARS, MAX_TEXT_CHARS, OptionalBody, bounded, bounded_opt, idempotent_create,
};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use fermata_registry::{
    ApiKey, AuditReport, Event, Isrc, Licence, LicenceRequest, Money, Notice, NoticeDraft,
    NoticeKind, NoticeState, Offer, OfferDraft, Price, Registry, RemunerationModel, RequestDraft,
    Role, Scan, ScanFile, Statement, StatementFormat, Territory, UsageDraft, UsageReport, Use,
    Work,
};
use fermata_registry::{Delivery, DeliveryAttempt, EventType, NewWebhook, WebhookEndpoint};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The OpenAPI document of this API (served at `/v1/openapi.json`).
#[derive(OpenApi)]
#[openapi(
    info(title = "fermata API", description = "Permission-first music licensing for AI: registry, marketplace, statements."),
    paths(
        health, openapi_json, me, list_works, get_work, list_offers, create_offer, withdraw_offer, create_request,
        list_requests, get_request, decide_line, list_licences, revoke_licence, renew_licence, get_scan, create_usage, list_usage,
        create_statement, list_statements, get_statement, audit_log, audit_verify, create_notice,
        list_notices, notice_state,
        certificate_key, model_certificates, verify_certificate,
        issue_certificate, create_attribution, list_attributions, get_attribution,
        list_webhooks, create_webhook, get_webhook, remove_webhook, test_webhook, list_deliveries,
        get_delivery, replay_delivery
    ),
    components(schemas(ErrorBody)),
    modifiers(&Complete)
)]
pub struct ApiDoc;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/openapi.json", get(openapi_json))
        .route("/v1/me", get(me))
        .route("/v1/works", get(list_works))
        .route("/v1/works/{isrc}", get(get_work))
        .route("/v1/offers", get(list_offers).post(create_offer))
        .route("/v1/offers/{id}/withdraw", post(withdraw_offer))
        .route("/v1/requests", get(list_requests).post(create_request))
        .route("/v1/requests/{id}", get(get_request))
        .route("/v1/requests/{id}/lines/{line}/decision", post(decide_line))
        .route("/v1/licences", get(list_licences))
        .route("/v1/licences/{id}/revoke", post(revoke_licence))
        .route("/v1/licences/{id}/renew", post(renew_licence))
        .route("/v1/scans/{id}", get(get_scan))
        .route("/v1/usage", get(list_usage).post(create_usage))
        .route(
            "/v1/statements",
            get(list_statements).post(create_statement),
        )
        .route("/v1/statements/{id}", get(get_statement))
        .route("/v1/notices", get(list_notices).post(create_notice))
        .route("/v1/notices/{id}/state", post(notice_state))
        .route("/v1/audit", get(audit_log))
        .route("/v1/audit/verify", get(audit_verify))
        .route("/v1/certificates/key", get(certificate_key))
        .route("/v1/certificates/verify", post(verify_certificate))
        .route(
            "/v1/models/{model}/certificates",
            get(model_certificates).post(issue_certificate),
        )
        .route(
            "/v1/attributions",
            get(list_attributions)
                .post(create_attribution)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_ATTRIBUTION_BODY)),
        )
        .route("/v1/attributions/{id}", get(get_attribution))
        .route("/v1/webhooks", get(list_webhooks).post(create_webhook))
        .route("/v1/webhooks/{id}", get(get_webhook))
        .route("/v1/webhooks/{id}/remove", post(remove_webhook))
        .route("/v1/webhooks/{id}/test", post(test_webhook))
        .route("/v1/webhooks/{id}/deliveries", get(list_deliveries))
        .route("/v1/webhooks/{id}/deliveries/{delivery}", get(get_delivery))
        .route(
            "/v1/webhooks/{id}/deliveries/{delivery}/replay",
            post(replay_delivery),
        )
        .fallback(|| async { AppError::NotFound("no such endpoint: see /v1/openapi.json".into()) })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
}

/// Items in a page of a list when `?limit=` is not given.
pub const DEFAULT_PAGE: usize = 100;

/// Most items in a page of a list.
pub const MAX_PAGE: usize = 1_000;

/// Largest `?offset=` of a list (the `maximum` of the parameter in the document).
const MAX_OFFSET: usize = 1_000_000_000;

/// Which page of a list. Lists are read whole from the registry, filtered to what the caller
/// may see, and then cut into pages here.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// Items in the page, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
    /// Items to skip (default 0). The `Link` header of a page gives the next one.
    #[param(maximum = 1000000000)]
    offset: Option<usize>,
}

/// One page of a list: the items as a JSON array, and a `Link: <…>; rel="next"` header when
/// more follow.
struct Page<T> {
    items: Vec<T>,
    next: Option<String>,
}

impl<T: Serialize> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        match self.next {
            Some(next) => (
                [(header::LINK, format!("<{next}>; rel=\"next\""))],
                Json(self.items),
            )
                .into_response(),
            None => Json(self.items).into_response(),
        }
    }
}

/// The page of `all` that `limit` and `offset` ask for; `path` and `keep` (the other query
/// parameters) make the link to the next page.
fn paginate<T>(
    all: Vec<T>,
    limit: Option<usize>,
    offset: Option<usize>,
    path: &str,
    keep: &[(&str, &str)],
) -> Result<Page<T>, AppError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::Invalid {
            status: StatusCode::BAD_REQUEST,
            message: format!("limit must be 1 to {MAX_PAGE}"),
        });
    }
    let offset = offset.unwrap_or(0);
    if offset > MAX_OFFSET {
        return Err(AppError::Invalid {
            status: StatusCode::BAD_REQUEST,
            message: format!("offset must be 0 to {MAX_OFFSET}"),
        });
    }
    let more = all.len() > offset.saturating_add(limit);
    let items: Vec<T> = all.into_iter().skip(offset).take(limit).collect();
    let next = more.then(|| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("limit", &limit.to_string())
            .append_pair("offset", &(offset + limit).to_string());
        for (k, v) in keep {
            query.append_pair(k, v);
        }
        format!("{path}?{}", query.finish())
    });
    Ok(Page { items, next })
}

/// Turns any "no such record" from the registry into the one answer for `what`, whichever
/// record of the request was missing or not the caller's.
fn hide(what: &'static str) -> impl Fn(AppError) -> AppError {
    move |e| match e {
        AppError::NotFound(_) => AppError::not_found(what),
        other => other,
    }
}

/// Liveness: answers without a key.
#[utoipa::path(get, path = "/v1/health", tag = "meta", responses((status = 200, description = "The server is up")))]
async fn health() -> Json<serde_json::Value> {
    Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

/// This document.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "meta", responses((status = 200, description = "The OpenAPI document")))]
async fn openapi_json() -> Json<serde_json::Value> {
    Json(crate::doc::document().clone())
}

/// The caller's key and party.
#[utoipa::path(get, path = "/v1/me", tag = "meta", security(("api_key" = [])), responses((status = 200, body = ApiKey), (status = 401)))]
async fn me(caller: Caller) -> Json<ApiKey> {
    Json(caller.0)
}

/// Works: a holder sees its own; developers and auditors see the registry (works are published).
#[utoipa::path(get, path = "/v1/works", tag = "works", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Vec<Work>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 400), (status = 401)))]
async fn list_works(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Page<Work>, AppError> {
    let own = caller
        .role()
        .is_holder()
        .then(|| caller.party().to_string());
    paginate(
        state.with(move |r| Ok(r.works(own.as_deref())?)).await?,
        q.limit,
        q.offset,
        "/v1/works",
        &[],
    )
}

/// One work.
#[utoipa::path(get, path = "/v1/works/{isrc}", tag = "works", security(("api_key" = [])),
    params(("isrc" = Isrc, Path, description = "The work's ISRC", example = "ZZAPI2600001")), responses((status = 200, body = Work)))]
async fn get_work(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(isrc): ApiPath<Isrc>,
) -> Result<Json<Work>, AppError> {
    let (party, role) = (caller.party().to_string(), caller.role());
    let work = state
        .with(move |r| Ok(r.work_visible_to(&isrc, Some((&party, role)))?))
        .await
        .map_err(hide("work"))?;
    Ok(Json(work))
}

/// Standing offers (published to everyone with a key).
#[utoipa::path(get, path = "/v1/offers", tag = "marketplace", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Vec<Offer>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 400), (status = 401)))]
async fn list_offers(
    State(state): State<AppState>,
    _caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Page<Offer>, AppError> {
    paginate(
        state.with(|r| Ok(r.offers(None, false)?)).await?,
        q.limit,
        q.offset,
        "/v1/offers",
        &[],
    )
}

/// An offer to publish.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct OfferBody {
    /// The works (omit for the whole catalogue).
    #[serde(default)]
    #[schema(max_items = 1000)]
    works: Vec<Isrc>,
    /// The use offered.
    #[serde(rename = "use")]
    use_: Use,
    /// Where (omit for everywhere).
    #[serde(default)]
    territories: Vec<Territory>,
    /// The price (an amount above zero unless the model is `pool-share`).
    #[schema(schema_with = crate::doc::offer_price)]
    price: Price,
    /// The licence term in months.
    #[schema(minimum = 1, maximum = 1200)]
    term_months: Option<u32>,
    /// Approve requests under it at once.
    #[serde(default)]
    auto_accept: bool,
    /// How a pool-share price is divided in statements (default `pro-rata`).
    #[serde(default)]
    remuneration: Option<RemunerationModel>,
}

impl Bounded for OfferBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        // No free text: works, use, territories and price are checked by their types.
        Ok(())
    }
}

/// Publishes an offer for the caller's works (holder admin). Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/v1/offers", tag = "marketplace", security(("api_key" = [])), request_body = OfferBody,
    responses((status = 201, body = Offer), (status = 403), (status = 422)))]
async fn create_offer(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<OfferBody>,
) -> Result<Response, AppError> {
    caller.require(&[Role::HolderAdmin])?;
    let (b, holder) = (body.value, caller.party().to_string());
    let op = move |r: &mut Registry| {
        let draft = OfferDraft {
            holder: holder.clone(),
            works: b.works,
            use_: b.use_,
            territories: b.territories,
            price: b.price,
            term_months: b.term_months,
            auto_accept: b.auto_accept,
            remuneration: b.remuneration.unwrap_or_default(),
        };
        r.publish_offer(draft, &holder)
    };
    idempotent_create(&state, &caller, key, "POST /v1/offers", &body.raw, op, Ok).await
}

/// Withdraws one of the caller's offers (holder admin).
#[utoipa::path(post, path = "/v1/offers/{id}/withdraw", tag = "marketplace", security(("api_key" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Offer), (status = 403), (status = 404)))]
async fn withdraw_offer(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Offer>, AppError> {
    caller.require(&[Role::HolderAdmin])?;
    let holder = caller.party().to_string();
    Ok(Json(
        state
            .with(move |r| Ok(r.withdraw_offer(&id, &holder, &holder)?))
            .await
            .map_err(hide("offer"))?,
    ))
}

/// A licence request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    /// The use.
    #[serde(rename = "use")]
    use_: Use,
    /// The model the licences are for.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\s\\u0085]",
        example = "m"
    )]
    model: String,
    /// Where (omit for everywhere).
    #[serde(default)]
    territories: Vec<Territory>,
    /// First day (YYYY-MM-DD).
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", example = "2026-01-01")]
    valid_from: String,
    /// Last day, or give `term_months`.
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", example = "2026-01-01")]
    valid_to: Option<String>,
    /// Term in months from `valid_from`.
    #[schema(minimum = 1, maximum = 1200)]
    term_months: Option<u32>,
    /// The works asked for.
    #[serde(default)]
    #[schema(max_items = 1000)]
    works: Vec<Isrc>,
    /// Or a finished scan of the caller's: its licence-required works are asked for.
    #[schema(min_length = 1, max_length = 200)]
    scan: Option<String>,
}

impl Bounded for RequestBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded("model", &self.model, MAX_NAME_CHARS)?;
        bounded("valid_from", &self.valid_from, MAX_NAME_CHARS)?;
        bounded_opt("valid_to", self.valid_to.as_deref(), MAX_NAME_CHARS)?;
        bounded_opt("scan", self.scan.as_deref(), MAX_NAME_CHARS)
    }
}

/// Asks for licences (developer): explicit works, or a scan's licence-required results in one
/// call. Lines under auto-accept offers are approved at once. Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/v1/requests", tag = "marketplace", security(("api_key" = [])), request_body = RequestBody,
    responses((status = 201, body = LicenceRequest), (status = 403), (status = 422)))]
async fn create_request(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<RequestBody>,
) -> Result<Response, AppError> {
    caller.require(&[Role::Developer])?;
    let (b, developer) = (body.value, caller.party().to_string());
    let op = move |r: &mut Registry| {
        let draft = RequestDraft {
            developer: developer.clone(),
            use_: b.use_,
            model: b.model,
            territories: b.territories,
            valid_from: b.valid_from,
            valid_to: b.valid_to,
            term_months: b.term_months,
            works: b.works,
            scan: b.scan,
        };
        r.request_licences(draft, &developer)
    };
    idempotent_create(&state, &caller, key, "POST /v1/requests", &body.raw, op, Ok)
        .await
        .map_err(hide("scan"))
}

/// Requests the caller may see.
#[utoipa::path(get, path = "/v1/requests", tag = "marketplace", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Vec<LicenceRequest>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 400), (status = 401)))]
async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Page<LicenceRequest>, AppError> {
    let viewer = caller.reads_for();
    let visible = state
        .with(move |r| Ok(r.requests_visible_to(viewer.as_deref(), None)?))
        .await?;
    paginate(visible, q.limit, q.offset, "/v1/requests", &[])
}

/// One request.
#[utoipa::path(get, path = "/v1/requests/{id}", tag = "marketplace", security(("api_key" = [])),
    params(("id" = String, Path)), responses((status = 200, body = LicenceRequest), (status = 404)))]
async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<LicenceRequest>, AppError> {
    let viewer = caller.reads_for();
    let request = state
        .with(move |r| Ok(r.request_visible_to(&id, viewer.as_deref())?))
        .await
        .map_err(hide("request"))?;
    Ok(Json(request))
}

/// A holder's decision on one request line.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    /// True to approve (a licence is made), false to refuse.
    approve: bool,
    /// Why, shown to the developer (at most 2000 characters).
    #[schema(max_length = 2000)]
    reason: Option<String>,
}

impl Bounded for DecisionBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded_opt("reason", self.reason.as_deref(), MAX_TEXT_CHARS)
    }
}

/// Approves or refuses one line (holder admin of that line's holder). Approving makes the
/// licence; a line is decided once (409 after that). Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/v1/requests/{id}/lines/{line}/decision", tag = "marketplace", security(("api_key" = [])),
    params(("id" = String, Path), ("line" = u32, Path)), request_body = DecisionBody,
    responses((status = 201, body = LicenceRequest), (status = 403), (status = 404), (status = 409)))]
async fn decide_line(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, line)): ApiPath<(String, u32)>,
    key: IdempotencyKey,
    body: JsonBody<DecisionBody>,
) -> Result<Response, AppError> {
    caller.require(&[Role::HolderAdmin])?;
    let (b, holder) = (body.value, caller.party().to_string());
    let scope = format!("POST /v1/requests/{id}/lines/{line}/decision");
    let seen_by = holder.clone();
    let op = move |r: &mut Registry| {
        r.decide(&id, line, &holder, b.approve, b.reason.as_deref(), &holder)
    };
    let respond = move |request: LicenceRequest| Ok(request.seen_by(&seen_by));
    idempotent_create(&state, &caller, key, &scope, &body.raw, op, respond)
        .await
        .map_err(hide("request line"))
}

/// Licences where the caller is the holder or the developer (all, for an auditor).
#[utoipa::path(get, path = "/v1/licences", tag = "marketplace", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Vec<Licence>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 400), (status = 401)))]
async fn list_licences(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Page<Licence>, AppError> {
    let party = caller.reads_for();
    paginate(
        state
            .with(move |r| Ok(r.licences(party.as_deref())?))
            .await?,
        q.limit,
        q.offset,
        "/v1/licences",
        &[],
    )
}

/// Why a licence is revoked.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    /// Shown in the licence and the audit log (at most 2000 characters).
    #[schema(max_length = 2000)]
    reason: Option<String>,
}

impl Bounded for RevokeBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded_opt("reason", self.reason.as_deref(), MAX_TEXT_CHARS)
    }
}

/// Revokes one of the caller's licences for future use (holder admin).
#[utoipa::path(post, path = "/v1/licences/{id}/revoke", tag = "marketplace", security(("api_key" = [])),
    params(("id" = String, Path)), request_body = RevokeBody, responses((status = 200, body = Licence), (status = 403), (status = 404), (status = 409)))]
async fn revoke_licence(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    OptionalBody(b): OptionalBody<RevokeBody>,
) -> Result<Json<Licence>, AppError> {
    caller.require(&[Role::HolderAdmin])?;
    let b = b.unwrap_or(RevokeBody { reason: None });
    let holder = caller.party().to_string();
    let revoked = state
        .with(move |r| Ok(r.revoke_licence(&id, b.reason.as_deref(), &holder)?))
        .await
        .map_err(hide("licence"))?;
    Ok(Json(revoked))
}

/// Renews one of the caller's licences (developer): a licence request, through the normal
/// request path, for the same works, use and territories, for a term of the same length
/// starting the day after the licence ends. Lines under auto-accept offers are approved at once.
/// Accepts `Idempotency-Key`. A licence with no end or no works listed is refused (422).
#[utoipa::path(post, path = "/v1/licences/{id}/renew", tag = "marketplace", security(("api_key" = [])),
    params(("id" = String, Path)), responses((status = 201, body = LicenceRequest), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn renew_licence(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, AppError> {
    caller.require(&[Role::Developer])?;
    let developer = caller.party().to_string();
    let scope = format!("POST /v1/licences/{id}/renew");
    let op = move |r: &mut Registry| r.renew_licence(&id, &developer, &developer);
    idempotent_create(&state, &caller, key, &scope, &[], op, Ok)
        .await
        .map_err(hide("licence"))
}

/// A misuse notice to file: a generated track or a voice that imitates an artist.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NoticeBody {
    /// What it reports.
    kind: NoticeKind,
    /// Where the misuse is (an http or https address, at most 2000 characters).
    #[schema(max_length = 2000, pattern = "^https?://[!-~]+$")]
    link: Option<String>,
    /// The artist or work concerned, in the reporter's words (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    subject: String,
    /// What is wrong (1 to 2000 characters, not all blank).
    #[schema(min_length = 1, max_length = 2000, pattern = "\\S")]
    details: String,
    /// How to reach the reporter.
    #[schema(max_length = 254, format = Email)]
    reporter_email: Option<String>,
    /// Rights holders concerned (party ids).
    #[serde(default)]
    #[schema(max_items = 20)]
    holders: Vec<String>,
    /// Works concerned: their holders are told.
    #[serde(default)]
    #[schema(max_items = 50)]
    works: Vec<Isrc>,
}

impl Bounded for NoticeBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded_opt("link", self.link.as_deref(), MAX_TEXT_CHARS)?;
        bounded("subject", &self.subject, MAX_NAME_CHARS)?;
        bounded("details", &self.details, MAX_TEXT_CHARS)?;
        bounded_opt("reporter_email", self.reporter_email.as_deref(), 254)?;
        for h in &self.holders {
            bounded("holders", h, MAX_NAME_CHARS)?;
        }
        Ok(())
    }
}

/// Files a misuse notice (any key): it reaches the holders named, and the holders of the works
/// named; one that reaches nobody is refused (422). The web app's form does the same, and can
/// also identify the recordings in an uploaded file.
#[utoipa::path(post, path = "/v1/notices", tag = "notices", security(("api_key" = [])), request_body = NoticeBody,
    responses((status = 201, body = Notice), (status = 404), (status = 422)))]
async fn create_notice(
    State(state): State<AppState>,
    _caller: Caller,
    body: JsonBody<NoticeBody>,
) -> Result<Response, AppError> {
    let b = body.value;
    let draft = NoticeDraft {
        kind: Some(b.kind),
        link: b.link,
        subject: b.subject,
        details: b.details,
        reporter_email: b.reporter_email,
        holders: b.holders,
        works: b.works,
        ..Default::default()
    };
    let notice = state
        .with(move |r| Ok(r.report_misuse(draft)?))
        .await
        .map_err(hide("holder or work"))?;
    Ok((StatusCode::CREATED, Json(notice)).into_response())
}

/// The misuse notices that concern the caller's party (a rights holder), or every notice (an
/// auditor).
#[utoipa::path(get, path = "/v1/notices", tag = "notices", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Vec<Notice>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 400), (status = 401), (status = 403)))]
async fn list_notices(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Page<Notice>, AppError> {
    caller.require(&[Role::HolderAdmin, Role::HolderViewer, Role::Auditor])?;
    let viewer = caller.reads_for();
    let visible = state
        .with(move |r| Ok(r.notices_visible_to(viewer.as_deref())?))
        .await?;
    paginate(visible, q.limit, q.offset, "/v1/notices", &[])
}

/// A notice's next state.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NoticeStateBody {
    /// `acknowledged`, `forwarded` or `closed` (from `received`, in that order; closed is final).
    state: NoticeState,
    /// A note (not blank); the outcome when closing (required then; at most 2000 characters).
    #[schema(max_length = 2000, pattern = "\\S")]
    note: Option<String>,
}

impl Bounded for NoticeStateBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded_opt("note", self.note.as_deref(), MAX_TEXT_CHARS)
    }
}

/// Moves a notice that concerns the caller's party to its next state (holder admin).
#[utoipa::path(post, path = "/v1/notices/{id}/state", tag = "notices", security(("api_key" = [])),
    params(("id" = String, Path)), request_body = NoticeStateBody,
    responses((status = 200, body = Notice), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn notice_state(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    body: JsonBody<NoticeStateBody>,
) -> Result<Json<Notice>, AppError> {
    caller.require(&[Role::HolderAdmin])?;
    let b = body.value;
    let (party, role) = (caller.party().to_string(), caller.role());
    let notice = state
        .with(move |r| {
            Ok(r.advance_notice(&id, &party, role, &party, b.state, b.note.as_deref())?)
        })
        .await
        .map_err(hide("notice"))?;
    Ok(Json(notice))
}

/// A scan with every file's verdict.
#[derive(Serialize, ToSchema)]
struct ScanResult {
    scan: Scan,
    files: Vec<ScanFile>,
}

/// One of the caller's scans with its verdicts (developer; auditor).
#[utoipa::path(get, path = "/v1/scans/{id}", tag = "clearance", security(("api_key" = [])),
    params(("id" = String, Path)), responses((status = 200, body = ScanResult), (status = 403), (status = 404)))]
async fn get_scan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ScanResult>, AppError> {
    caller.require(&[Role::Developer, Role::Auditor])?;
    let (scan, files) = state
        .with(move |r| Ok((r.scan(&id)?, r.scan_files(&id)?)))
        .await
        .map_err(hide("scan"))?;
    if caller.role() == Role::Developer && scan.developer != caller.party() {
        return Err(AppError::not_found("scan"));
    }
    Ok(Json(ScanResult { scan, files }))
}

/// Seconds of one work used.
#[derive(Deserialize, ToSchema)]
#[serde(from = "JsonObject<UsageWorkFields>")]
#[serde(deny_unknown_fields)]
struct UsageWork {
    isrc: Isrc,
    /// Seconds of its audio used (up to three decimals; at most a century).
    #[schema(minimum = 0, maximum = 3155760000_f64)]
    seconds: f64,
}

/// A usage report.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UsageBody {
    /// The model trained.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\s\\u0085]",
        example = "m"
    )]
    model: String,
    /// The training run's name.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\s\\u0085]",
        example = "m"
    )]
    run: String,
    /// The scan that cleared the data.
    #[schema(min_length = 1, max_length = 200)]
    scan: Option<String>,
    /// The manifest of the cleared data.
    #[schema(min_length = 1, max_length = 200)]
    manifest: Option<String>,
    /// The use made of the works (default: the use of the scan or manifest cited).
    #[serde(rename = "use")]
    use_: Option<Use>,
    territory: Territory,
    /// Day of the run (default today).
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", example = "2026-01-01")]
    date: Option<String>,
    /// The works used (at most 2,000 in one report, so that a report fits in a body).
    #[schema(min_items = 1, max_items = 2000)]
    works: Vec<UsageWork>,
}

/// A JSON object only: the derived `Deserialize` of a struct also takes an array of its fields
/// in order, which a strict body must not.
struct JsonObject<T>(T);

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::deserialize(d)?;
        serde_json::from_value(serde_json::Value::Object(map))
            .map(JsonObject)
            .map_err(serde::de::Error::custom)
    }
}

/// The fields of [`UsageWork`], read from an object.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UsageWorkFields {
    isrc: Isrc,
    seconds: f64,
}

impl From<JsonObject<UsageWorkFields>> for UsageWork {
    fn from(JsonObject(f): JsonObject<UsageWorkFields>) -> UsageWork {
        UsageWork {
            isrc: f.isrc,
            seconds: f.seconds,
        }
    }
}

impl Bounded for UsageBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded("model", &self.model, MAX_NAME_CHARS)?;
        bounded("run", &self.run, MAX_NAME_CHARS)?;
        bounded_opt("scan", self.scan.as_deref(), MAX_NAME_CHARS)?;
        bounded_opt("manifest", self.manifest.as_deref(), MAX_NAME_CHARS)?;
        bounded_opt("date", self.date.as_deref(), MAX_NAME_CHARS)?;
        if self.works.len() > MAX_USAGE_WORKS {
            return Err(AppError::invalid(format!(
                "report at most {MAX_USAGE_WORKS} works at once; split the report"
            )));
        }
        Ok(())
    }
}

/// Most works in one usage report sent to the API (a report of that many fits in
/// [`crate::MAX_BODY_BYTES`]; the registry takes larger ones from the CLI).
const MAX_USAGE_WORKS: usize = 2_000;

/// Reports what a training run used (developer). Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/v1/usage", tag = "remuneration", security(("api_key" = [])), request_body = UsageBody,
    responses((status = 201, body = UsageReport), (status = 403), (status = 422)))]
async fn create_usage(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<UsageBody>,
) -> Result<Response, AppError> {
    caller.require(&[Role::Developer])?;
    let (b, developer) = (body.value, caller.party().to_string());
    let op = move |r: &mut Registry| {
        let draft = UsageDraft {
            developer: developer.clone(),
            model: b.model,
            run: b.run,
            scan: b.scan,
            manifest: b.manifest,
            use_: b.use_,
            territory: b.territory,
            date: b.date,
            works: b.works.into_iter().map(|w| (w.isrc, w.seconds)).collect(),
        };
        r.report_usage(draft, &developer)
    };
    idempotent_create(&state, &caller, key, "POST /v1/usage", &body.raw, op, Ok)
        .await
        .map_err(hide("scan or manifest"))
}

/// Usage reports: a developer's own; all for an auditor.
#[utoipa::path(get, path = "/v1/usage", tag = "remuneration", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Vec<UsageReport>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 400), (status = 403)))]
async fn list_usage(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Page<UsageReport>, AppError> {
    caller.require(&[Role::Developer, Role::Auditor])?;
    let own = (caller.role() == Role::Developer).then(|| caller.party().to_string());
    paginate(
        state
            .with(move |r| Ok(r.usage_reports(own.as_deref())?))
            .await?,
        q.limit,
        q.offset,
        "/v1/usage",
        &[],
    )
}

/// A statement to issue.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct StatementBody {
    /// First day of the period.
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", example = "2026-01-01")]
    from: String,
    /// Last day of the period.
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", example = "2026-01-01")]
    to: String,
    /// The pool to split.
    pool: Money,
    /// How the pool is divided for works whose holder's offer names no model (default
    /// `pro-rata`).
    #[serde(default)]
    remuneration: Option<RemunerationModel>,
}

impl Bounded for StatementBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded("from", &self.from, MAX_NAME_CHARS)?;
        bounded("to", &self.to, MAX_NAME_CHARS)
    }
}

/// Splits a pool over the caller's usage in a period (developer). Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/v1/statements", tag = "remuneration", security(("api_key" = [])), request_body = StatementBody,
    responses((status = 201, body = Statement), (status = 403), (status = 422)))]
async fn create_statement(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<StatementBody>,
) -> Result<Response, AppError> {
    caller.require(&[Role::Developer])?;
    let (b, developer) = (body.value, caller.party().to_string());
    let op = move |r: &mut Registry| {
        r.issue_statement_with(
            &developer,
            &b.from,
            &b.to,
            b.pool,
            b.remuneration.unwrap_or_default(),
            &developer,
        )
    };
    idempotent_create(
        &state,
        &caller,
        key,
        "POST /v1/statements",
        &body.raw,
        op,
        Ok,
    )
    .await
}

/// Statements the caller may see.
#[utoipa::path(get, path = "/v1/statements", tag = "remuneration", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Vec<Statement>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 400), (status = 401)))]
async fn list_statements(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Page<Statement>, AppError> {
    let viewer = caller.reads_for();
    let visible = state
        .with(move |r| Ok(r.statements_visible_to(viewer.as_deref())?))
        .await?;
    paginate(visible, q.limit, q.offset, "/v1/statements", &[])
}

/// The format of a statement.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct FormatQuery {
    /// `json` (default), `csv`, or `dsr` (a DDEX DSR flat file, tab-separated).
    #[param(inline)]
    format: Option<Format>,
}

/// The format of a statement.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum Format {
    Json,
    Csv,
    Dsr,
}

/// One statement, as JSON, (`?format=csv`) CSV with its fee lines, or (`?format=dsr`) a DDEX
/// DSR flat file (Basic Audio Profile, tab-separated; see docs/remuneration.md).
#[utoipa::path(get, path = "/v1/statements/{id}", tag = "remuneration", security(("api_key" = [])),
    params(("id" = String, Path), FormatQuery),
    responses((status = 200, description = "The statement", content((Statement = "application/json"), (String = "text/csv"), (String = "text/tab-separated-values")))))]
async fn get_statement(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response, AppError> {
    let viewer = caller.reads_for();
    let format = match q.format {
        None | Some(Format::Json) => None,
        Some(Format::Csv) => Some(StatementFormat::Csv),
        Some(Format::Dsr) => Some(StatementFormat::Dsr),
    };
    let (s, text) = state
        .with(move |r| {
            let s = r.statement_visible_to(&id, viewer.as_deref())?;
            let text = match format {
                Some(f) => Some(r.export_statement(&s, f)?),
                None => None,
            };
            Ok((s, text))
        })
        .await
        .map_err(hide("statement"))?;
    match (format, text) {
        (Some(f), Some(text)) => {
            Ok(([(header::CONTENT_TYPE, f.media_type())], text).into_response())
        }
        _ => Ok(Json(s).into_response()),
    }
}

/// Which events to list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Only events about this subject, e.g. `work:GBAYE6900531` or `party:indie-records`.
    #[param(max_length = 200)]
    subject: Option<String>,
    /// Events in the page, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
    /// Events to skip (default 0). The `Link` header of a page gives the next one.
    #[param(maximum = 1000000000)]
    offset: Option<usize>,
}

/// The audit log (auditor).
#[utoipa::path(get, path = "/v1/audit", tag = "audit", security(("api_key" = [])), params(AuditQuery),
    responses((status = 200, body = Vec<Event>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 400), (status = 403)))]
async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Page<Event>, AppError> {
    caller.require(&[Role::Auditor])?;
    bounded_opt("subject", q.subject.as_deref(), MAX_NAME_CHARS)?;
    let subject = q.subject.clone();
    let events = state
        .with(move |r| Ok(r.history(subject.as_deref())?))
        .await?;
    let keep: Vec<(&str, &str)> = q
        .subject
        .as_deref()
        .map(|s| ("subject", s))
        .into_iter()
        .collect();
    paginate(events, q.limit, q.offset, "/v1/audit", &keep)
}

/// Checks the audit chain (auditor).
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit", security(("api_key" = [])), responses((status = 200, body = AuditReport), (status = 403)))]
async fn audit_verify(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<AuditReport>, AppError> {
    caller.require(&[Role::Auditor])?;
    Ok(Json(state.with(|r| Ok(r.verify_audit()?)).await?))
}

// Certificates of clean training: public, since certificates are meant to be published.

/// The issuer's published keys.
#[derive(Serialize, ToSchema)]
struct CertificateKeys {
    /// The key in use (the last published).
    kid: String,
    /// The key in use as SPKI PEM.
    pem: String,
    /// Every key published, oldest first, as a JWK Set (RFC 7517).
    #[schema(value_type = Object)]
    jwks: serde_json::Value,
}

/// The public key that signs certificates (no key needed): SPKI PEM and a JWK Set.
#[utoipa::path(get, path = "/v1/certificates/key", tag = "certificates",
    responses((status = 200, body = CertificateKeys), (status = 404)))]
async fn certificate_key(State(state): State<AppState>) -> Result<Json<CertificateKeys>, AppError> {
    let keys = state.with(|r| Ok(r.certificate_keys()?)).await?;
    let kid = keys.last().map(|k| k.kid.clone()).unwrap_or_default();
    match fermata_certificate::published_keys(&keys)
        .map_err(|e| AppError::Internal(format!("a published key does not parse: {e}")))?
    {
        Some((jwks, pem)) => Ok(Json(CertificateKeys { kid, pem, jwks })),
        None => Err(AppError::NotFound(
            "no certificate key published yet: the operator makes one with `fermata certificate key init`".into(),
        )),
    }
}

/// The certificates of a model, newest last, each with its JWS (no key needed).
#[utoipa::path(get, path = "/v1/models/{model}/certificates", tag = "certificates",
    params(("model" = String, Path)), responses((status = 200, body = Vec<fermata_registry::CertificateRecord>)))]
async fn model_certificates(
    State(state): State<AppState>,
    ApiPath(model): ApiPath<String>,
) -> Result<Json<Vec<fermata_registry::CertificateRecord>>, AppError> {
    // The path is bounded by the URI limit; a name no model has lists nothing.
    Ok(Json(
        state
            .with(move |r| Ok(r.certificates(Some(&model))?))
            .await?,
    ))
}

// Issuing certificates and attributing outputs (issue 15): the same library calls as
// `fermata certificate issue` and `fermata output attribute`, over the home `fermata serve`
// was started in.

/// Who a certificate is for: the operator names the model's developer when several developers
/// scanned a model of that name; a developer's key always issues for its own party.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct IssueBody {
    /// The model's developer (operator only; a developer issues for itself).
    #[schema(min_length = 1, max_length = 200, example = "acme-ai")]
    developer: Option<String>,
}

impl Bounded for IssueBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded_opt("developer", self.developer.as_deref(), MAX_NAME_CHARS)
    }
}

/// An error of the certificate rule as an answer: a refusal lists the entries (422
/// `refused`); a model with no scan of the caller's is not found.
fn certificate_error(e: fermata_certificate::CertificateError) -> AppError {
    use fermata_certificate::CertificateError as E;
    match e {
        E::Registry(r) => r.into(),
        E::NoScans(_) => AppError::not_found("model"),
        E::Refused { model, problems } => {
            let message = E::Refused {
                model,
                problems: problems.clone(),
            }
            .to_string();
            AppError::Refused {
                message,
                problems: problems
                    .iter()
                    .filter_map(|p| serde_json::to_value(p).ok())
                    .collect(),
            }
        }
        e @ (E::NoManifest(_) | E::NoUsage(_) | E::AmbiguousDeveloper { .. }) => {
            AppError::invalid(e.to_string())
        }
        other => AppError::Internal(other.to_string()),
    }
}

/// Issues a certificate of clean training for one of the caller's models (developer), or for
/// any model (operator, naming the developer when several scanned it). Refuses (422
/// `refused`, every work, holder, date and reason in `problems`) when a work of the model's
/// cleared manifests lacks a licence or a policy that allowed it on a training date. The
/// issuer key is the home's, made on first use and published. Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/v1/models/{model}/certificates", tag = "certificates", security(("api_key" = [])),
    params(("model" = String, Path, description = "The model", example = "m")), request_body = Option<IssueBody>,
    responses((status = 201, body = fermata_registry::CertificateRecord), (status = 403), (status = 404), (status = 422), (status = 503)))]
async fn issue_certificate(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    ApiPath(model): ApiPath<String>,
    OptionalBody(body): OptionalBody<IssueBody>,
) -> Result<Response, AppError> {
    caller.require(&[Role::Developer, Role::Operator])?;
    bounded("model", &model, MAX_NAME_CHARS)?;
    let developer = match (caller.role(), body.and_then(|b| b.developer)) {
        (Role::Developer, Some(d)) if d != caller.party() => {
            return Err(AppError::Forbidden(
                "a developer's key issues certificates for its own models only".into(),
            ));
        }
        (Role::Developer, _) => Some(caller.party().to_string()),
        (_, d) => d,
    };
    let home = state.home()?;
    let actor = caller.party().to_string();
    let scope = format!("POST /v1/models/{model}/certificates");
    let digest = developer.clone().unwrap_or_default();
    let refused: std::sync::Arc<std::sync::Mutex<Option<fermata_certificate::CertificateError>>> =
        Default::default();
    let slot = refused.clone();
    let op = move |r: &mut Registry| match fermata_certificate::issue_from_home(
        r,
        &home,
        &model,
        developer.as_deref(),
        fermata_certificate::DEFAULT_ISSUER,
        &actor,
    ) {
        Ok(done) => Ok(done.issued.record),
        Err(fermata_certificate::CertificateError::Registry(e)) => Err(e),
        Err(other) => {
            if let Ok(mut s) = slot.lock() {
                *s = Some(other);
            }
            Err(fermata_registry::RegistryError::Internal(
                "no certificate".into(),
            ))
        }
    };
    let made = idempotent_create(&state, &caller, key, &scope, digest.as_bytes(), op, Ok).await;
    match made {
        Ok(response) => Ok(response),
        Err(e) => match refused.lock().ok().and_then(|mut s| s.take()) {
            Some(why) => Err(certificate_error(why)),
            None => Err(e),
        },
    }
}

/// An attribution report with what was heard in each output, as the API returns it.
#[derive(Serialize, Deserialize, ToSchema)]
struct Attribution {
    /// The report as recorded (per output, the milliseconds of each work found).
    #[serde(flatten)]
    report: fermata_registry::AttributionReport,
    /// Per work, the milliseconds found in all the outputs together.
    totals: Vec<AttributionTotal>,
}

/// One work's milliseconds found over a report's outputs.
#[derive(Serialize, Deserialize, ToSchema)]
struct AttributionTotal {
    /// The work.
    isrc: Isrc,
    /// Milliseconds found, summed over the outputs.
    milliseconds: u64,
}

impl From<fermata_registry::AttributionReport> for Attribution {
    fn from(report: fermata_registry::AttributionReport) -> Attribution {
        let mut totals: std::collections::BTreeMap<Isrc, u64> = Default::default();
        for o in &report.outputs {
            for f in &o.found {
                let t = totals.entry(f.isrc.clone()).or_default();
                *t = t.saturating_add(f.milliseconds);
            }
        }
        Attribution {
            report,
            totals: totals
                .into_iter()
                .map(|(isrc, milliseconds)| AttributionTotal { isrc, milliseconds })
                .collect(),
        }
    }
}

/// The multipart form of `POST /v1/attributions` (documentation only: the handler reads the
/// parts as they arrive). Other parts are refused, so the document allows none.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AttributionUpload {
    /// The model that generated the outputs.
    #[schema(min_length = 1, max_length = 200, example = "m")]
    model: String,
    /// The day the report counts for (YYYY-MM-DD; default today).
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", example = "2026-01-01")]
    date: Option<String>,
    /// The output audio files (1 to 20; each at most 64 MiB, 256 MiB in all).
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1, max_items = 20)]
    files: Vec<Vec<u8>>,
}

/// Largest `POST /v1/attributions` body: the files and room for the form around them.
const MAX_ATTRIBUTION_BODY: usize = fermata_clearance::MAX_UPLOAD_BYTES as usize + (1 << 20);

/// Reads the form of `POST /v1/attributions`, writing each file into `dir` as it arrives:
/// (model, date, files, digest of what was sent).
async fn read_outputs(
    state: &AppState,
    req: axum::extract::Request,
    dir: std::path::PathBuf,
) -> Result<(String, Option<String>, Vec<std::path::PathBuf>, String), AppError> {
    use axum::extract::FromRequest;
    use sha2::{Digest, Sha256};
    use std::io::Write;
    let bad = |m: String| AppError::Invalid {
        status: StatusCode::BAD_REQUEST,
        message: m,
    };
    let mut multipart = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|e| {
            bad(format!(
                "send a multipart/form-data body: {}",
                e.body_text()
            ))
        })?;
    let timeout = state.body_read_timeout;
    let late = || {
        AppError::Timeout(format!(
            "the request body stalled for {:.1} s",
            timeout.as_secs_f64()
        ))
    };
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(MAX_ATTRIBUTION_BODY)
        } else {
            bad(format!("cannot read the form: {}", e.body_text()))
        }
    };
    let (mut model, mut date) = (None::<String>, None::<String>);
    let mut files = Vec::new();
    let mut digest = Sha256::new();
    let mut total: u64 = 0;
    let mut fields = 0usize;
    while let Some(mut field) = tokio::time::timeout(timeout, multipart.next_field())
        .await
        .map_err(|_| late())?
        .map_err(too_large)?
    {
        fields += 1;
        if fields > fermata_clearance::MAX_UPLOAD_OUTPUTS + 8 {
            return Err(AppError::invalid(format!(
                "send model, date and 1 to {} files",
                fermata_clearance::MAX_UPLOAD_OUTPUTS
            )));
        }
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "model" | "date" => {
                let mut text = Vec::new();
                while let Some(chunk) = tokio::time::timeout(timeout, field.chunk())
                    .await
                    .map_err(|_| late())?
                    .map_err(too_large)?
                {
                    text.extend_from_slice(&chunk);
                    if text.len() > 4 * MAX_NAME_CHARS {
                        return Err(AppError::invalid(format!("{name} is too long")));
                    }
                }
                let text = String::from_utf8(text)
                    .map_err(|_| AppError::invalid(format!("{name} is not UTF-8 text")))?;
                bounded(&name, &text, MAX_NAME_CHARS)?;
                digest.update(format!("{name}\0{text}\0").as_bytes());
                if name == "model" {
                    model = Some(text);
                } else if !text.trim().is_empty() {
                    date = Some(text.trim().to_string());
                }
            }
            "files" => {
                if files.len() >= fermata_clearance::MAX_UPLOAD_OUTPUTS {
                    return Err(AppError::invalid(format!(
                        "at most {} files in one attribution",
                        fermata_clearance::MAX_UPLOAD_OUTPUTS
                    )));
                }
                let given = field.file_name().unwrap_or("").to_string();
                let safe = fermata_clearance::safe_file_name(&given)
                    .ok_or_else(|| AppError::invalid("each file needs a file name"))?;
                // Numbered, so that two outputs of the same name are both kept.
                let path = dir.join(format!("{:02}-{safe}", files.len() + 1));
                let mut out = std::fs::File::create(&path)
                    .map_err(|e| AppError::Internal(format!("cannot write an upload: {e}")))?;
                let mut size: u64 = 0;
                let mut file_digest = Sha256::new();
                while let Some(chunk) = tokio::time::timeout(timeout, field.chunk())
                    .await
                    .map_err(|_| late())?
                    .map_err(too_large)?
                {
                    size += chunk.len() as u64;
                    total += chunk.len() as u64;
                    if size > fermata_clearance::MAX_UPLOAD_OUTPUT_BYTES {
                        return Err(AppError::TooLarge(
                            fermata_clearance::MAX_UPLOAD_OUTPUT_BYTES as usize,
                        ));
                    }
                    if total > fermata_clearance::MAX_UPLOAD_BYTES {
                        return Err(AppError::TooLarge(
                            fermata_clearance::MAX_UPLOAD_BYTES as usize,
                        ));
                    }
                    file_digest.update(&chunk);
                    out.write_all(&chunk)
                        .map_err(|e| AppError::Internal(format!("cannot write an upload: {e}")))?;
                }
                if size == 0 {
                    return Err(AppError::invalid(format!("{safe} is empty")));
                }
                digest.update(format!("file\0{safe}\0").as_bytes());
                digest.update(file_digest.finalize());
                files.push(path);
            }
            other => {
                return Err(AppError::invalid(format!(
                    "unknown field '{}': send model, date and files",
                    other.chars().take(40).collect::<String>()
                )));
            }
        }
    }
    let model = model.filter(|m| !m.trim().is_empty()).ok_or_else(|| {
        AppError::invalid("name the model that generated the outputs (field model)")
    })?;
    if files.is_empty() {
        return Err(AppError::invalid(format!(
            "send 1 to {} output files (field files)",
            fermata_clearance::MAX_UPLOAD_OUTPUTS
        )));
    }
    Ok((model, date, files, hex::encode(digest.finalize())))
}

/// Attributes generated outputs (developer): a `multipart/form-data` upload of 1 to 20 audio
/// files (field `files`; each at most 64 MiB, 256 MiB in all) with the `model` that generated
/// them and the `date` the report counts for. fermata identifies the registered recordings in
/// each and records, per output, the milliseconds in which each work was found (what the
/// `attribution` remuneration model weighs holders by). A file that is not audio refuses the
/// whole upload (422); nothing is kept of the files but their names, digests and lengths.
/// Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/v1/attributions", tag = "remuneration", security(("api_key" = [])),
    request_body(content = AttributionUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = Attribution), (status = 403), (status = 413), (status = 422), (status = 503)))]
async fn create_attribution(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    req: axum::extract::Request,
) -> Result<Response, AppError> {
    caller.require(&[Role::Developer])?;
    let home_dir = state.home()?;
    let home = fermata_clearance::Home::open(&home_dir)
        .map_err(|e| AppError::Internal(format!("cannot open the home: {e}")))?;
    let dir = fermata_clearance::upload_dir(&home)
        .map_err(|e| AppError::Internal(format!("cannot make an upload directory: {e}")))?;
    let (model, date, files, digest) = read_outputs(&state, req, dir.path().to_path_buf()).await?;
    let developer = caller.party().to_string();
    let op = move |r: &mut Registry| {
        let made = fermata_clearance::attribute_outputs(
            &home,
            r,
            &developer,
            &model,
            date.as_deref(),
            &files,
        );
        drop(dir);
        match made {
            Ok((report, _)) => Ok(report),
            Err(fermata_clearance::ClearanceError::Registry(e)) => Err(e),
            Err(other) => Err(fermata_registry::RegistryError::Internal(other.to_string())),
        }
    };
    idempotent_create(
        &state,
        &caller,
        key,
        "POST /v1/attributions",
        digest.as_bytes(),
        op,
        |report| Ok(Attribution::from(report)),
    )
    .await
}

/// The caller's attribution reports, oldest first (developer: its own; auditor: all).
#[utoipa::path(get, path = "/v1/attributions", tag = "remuneration", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Vec<Attribution>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 400), (status = 403)))]
async fn list_attributions(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Page<Attribution>, AppError> {
    caller.require(&[Role::Developer, Role::Auditor])?;
    let own = (caller.role() == Role::Developer).then(|| caller.party().to_string());
    let all = state
        .with(move |r| Ok(r.attribution_reports(own.as_deref())?))
        .await?;
    paginate(
        all.into_iter().map(Attribution::from).collect(),
        q.limit,
        q.offset,
        "/v1/attributions",
        &[],
    )
}

/// One attribution report (developer: its own; auditor: any).
#[utoipa::path(get, path = "/v1/attributions/{id}", tag = "remuneration", security(("api_key" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Attribution), (status = 403), (status = 404)))]
async fn get_attribution(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Attribution>, AppError> {
    caller.require(&[Role::Developer, Role::Auditor])?;
    let own = (caller.role() == Role::Developer).then(|| caller.party().to_string());
    let found = state
        .with(move |r| Ok(r.attribution_reports(own.as_deref())?))
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| AppError::not_found("attribution"))?;
    Ok(Json(found.into()))
}

/// A certificate to check.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct VerifyBody {
    /// The JWS, compact serialisation.
    #[schema(max_length = 200000)]
    jws: String,
}

impl Bounded for VerifyBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded("jws", &self.jws, 200_000)
    }
}

/// Whether a certificate verifies, and what it binds.
#[derive(Serialize, ToSchema)]
struct VerifyResult {
    /// True when the signature verifies with a key this registry published.
    valid: bool,
    /// The key that verified it.
    kid: Option<String>,
    /// Why it does not verify.
    error: Option<String>,
    /// Hex SHA-256 of the JWS (when valid).
    jws_sha256: Option<String>,
    /// The payload (when valid): see docs/certificate.md.
    #[schema(value_type = Option<Object>)]
    certificate: Option<serde_json::Value>,
}

/// Checks a certificate against this registry's published keys (no key needed); an invalid
/// certificate is a 200 with `valid: false`.
#[utoipa::path(post, path = "/v1/certificates/verify", tag = "certificates",
    request_body = VerifyBody, responses((status = 200, body = VerifyResult)))]
async fn verify_certificate(
    State(state): State<AppState>,
    body: JsonBody<VerifyBody>,
) -> Result<Json<VerifyResult>, AppError> {
    let jws = body.value.jws;
    let keys = state.with(|r| Ok(r.certificate_keys()?)).await?;
    Ok(Json(
        match fermata_certificate::verify_with_keys(&jws, &keys) {
            Ok(v) => VerifyResult {
                valid: true,
                kid: Some(v.header.kid),
                error: None,
                jws_sha256: Some(v.jws_sha256),
                certificate: Some(serde_json::to_value(&v.certificate).map_err(|e| {
                    AppError::Internal(format!("cannot encode a certificate: {e}"))
                })?),
            },
            Err(e) => VerifyResult {
                valid: false,
                kid: None,
                error: Some(e.to_string()),
                jws_sha256: None,
                certificate: None,
            },
        },
    ))
}
// Webhooks: a party's endpoints, their delivery log, replays and test pings. A party manages
// its own (holder admin, developer), a holder viewer reads them; another party's endpoint is
// 404.

/// The roles that manage their party's webhooks.
const WEBHOOK_ADMINS: &[Role] = &[Role::HolderAdmin, Role::Developer];
/// The roles that read them.
const WEBHOOK_READERS: &[Role] = &[Role::HolderAdmin, Role::HolderViewer, Role::Developer];

/// An endpoint to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct WebhookBody {
    /// Where deliveries are POSTed: https to a host name (ASCII labels of letters and digits
    /// joined by single hyphens, the last one starting with a letter; write an international
    /// name in its `xn--` form through the CLI or the web app), or http to a loopback address
    /// (`localhost`, `127.0.0.1`, `[::1]`); an optional port; a path of printable ASCII; no user
    /// name, password or fragment; at most 600 characters. The pattern states all of it, so a
    /// URL that matches is accepted.
    #[schema(
        min_length = 1,
        max_length = 600,
        pattern = r#"^(https://([A-Za-z0-9]+(-[A-Za-z0-9]+)*\.)*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*|http://(localhost|127\.0\.0\.1|\[::1\]))(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?(/[!"$-~]*)?$"#,
        example = "https://hooks.example.org/fermata"
    )]
    url: String,
    /// The event types wanted (omit or leave empty for every type).
    #[serde(default)]
    #[schema(max_items = 20)]
    events: Vec<EventType>,
}

/// The pattern of [`WebhookBody::url`] in the document (a test keeps the two the same): the
/// body is checked against it, so what the document refuses the server refuses too.
const WEBHOOK_URL_PATTERN: &str = r#"^(https://([A-Za-z0-9]+(-[A-Za-z0-9]+)*\.)*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*|http://(localhost|127\.0\.0\.1|\[::1\]))(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?(/[!"$-~]*)?$"#;

impl Bounded for WebhookBody {
    fn check_bounds(&self) -> Result<(), AppError> {
        bounded("url", &self.url, 600)?;
        // The registry's own reasons first (http, a user name, a fragment…), then the shape.
        fermata_registry::validate_webhook_url(&self.url)?;
        static URL: std::sync::LazyLock<Option<regex::Regex>> =
            std::sync::LazyLock::new(|| regex::Regex::new(WEBHOOK_URL_PATTERN).ok());
        let Some(re) = URL.as_ref() else {
            return Err(AppError::Internal(
                "the webhook URL pattern does not compile".into(),
            ));
        };
        if !re.is_match(&self.url) {
            return Err(AppError::invalid(
                "url: https to a host name of ASCII letters, digits, dots and single hyphens, or http to localhost, 127.0.0.1 or [::1]; an optional port; a path of printable ASCII without '#' (see the document's pattern)".to_string(),
            ));
        }
        if self.events.len() > 20 {
            return Err(AppError::invalid("name at most 20 event types".to_string()));
        }
        Ok(())
    }
}

/// The caller's party's webhook endpoints (holder admin or viewer, developer).
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks", security(("api_key" = [])),
    responses((status = 200, body = Vec<WebhookEndpoint>), (status = 403)))]
async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WebhookEndpoint>>, AppError> {
    caller.require(WEBHOOK_READERS)?;
    let party = caller.party().to_string();
    Ok(Json(
        state.with(move |r| Ok(r.webhooks(Some(&party))?)).await?,
    ))
}

/// Adds an endpoint for the caller's party (holder admin, developer). The answer holds the
/// signing secret, shown once (see docs/webhooks.md). Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks", security(("api_key" = [])), request_body = WebhookBody,
    responses((status = 201, body = NewWebhook), (status = 403), (status = 409), (status = 422)))]
async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<WebhookBody>,
) -> Result<Response, AppError> {
    caller.require(WEBHOOK_ADMINS)?;
    let (b, party) = (body.value, caller.party().to_string());
    let op = move |r: &mut Registry| r.add_webhook(&party, &b.url, &b.events, &party);
    idempotent_create(&state, &caller, key, "POST /v1/webhooks", &body.raw, op, Ok).await
}

/// One of the caller's party's endpoints.
#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "webhooks", security(("api_key" = [])),
    params(("id" = String, Path)), responses((status = 200, body = WebhookEndpoint), (status = 403), (status = 404)))]
async fn get_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WebhookEndpoint>, AppError> {
    caller.require(WEBHOOK_READERS)?;
    let party = caller.party().to_string();
    Ok(Json(
        state
            .with(move |r| Ok(r.webhook(&id, Some(&party))?))
            .await
            .map_err(hide("webhook"))?,
    ))
}

/// Removes one of the caller's party's endpoints (holder admin, developer): nothing more is
/// sent to it.
#[utoipa::path(post, path = "/v1/webhooks/{id}/remove", tag = "webhooks", security(("api_key" = [])),
    params(("id" = String, Path)), responses((status = 200, body = WebhookEndpoint), (status = 403), (status = 404), (status = 409)))]
async fn remove_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WebhookEndpoint>, AppError> {
    caller.require(WEBHOOK_ADMINS)?;
    let party = caller.party().to_string();
    Ok(Json(
        state
            .with(move |r| Ok(r.remove_webhook(&id, Some(&party), &party)?))
            .await
            .map_err(hide("webhook"))?,
    ))
}

/// Queues a `ping` to one of the caller's party's endpoints, sent within seconds (holder
/// admin, developer); its outcome is in the delivery log.
#[utoipa::path(post, path = "/v1/webhooks/{id}/test", tag = "webhooks", security(("api_key" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Delivery), (status = 403), (status = 404), (status = 409)))]
async fn test_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Delivery>, AppError> {
    caller.require(WEBHOOK_ADMINS)?;
    let party = caller.party().to_string();
    Ok(Json(
        state
            .with(move |r| Ok(r.ping_webhook(&id, Some(&party))?))
            .await
            .map_err(hide("webhook"))?,
    ))
}

/// An endpoint's deliveries, newest first (the delivery log).
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries", tag = "webhooks", security(("api_key" = [])),
    params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Vec<Delivery>, headers(("link" = String, description = "`<URI>; rel=\"next\"`: the next page, when there is one"))), (status = 403), (status = 404)))]
async fn list_deliveries(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Page<Delivery>, AppError> {
    caller.require(WEBHOOK_READERS)?;
    let party = caller.party().to_string();
    let path = format!("/v1/webhooks/{id}/deliveries");
    let list = state
        .with(move |r| {
            Ok(r.webhook_deliveries(&id, Some(&party), fermata_registry::MAX_DELIVERIES_LISTED)?)
        })
        .await
        .map_err(hide("webhook"))?;
    paginate(list, q.limit, q.offset, &path, &[])
}

/// A delivery with every attempt to send it.
#[derive(Serialize, ToSchema)]
struct DeliveryLog {
    delivery: Delivery,
    attempts: Vec<DeliveryAttempt>,
}

/// One delivery of an endpoint with its attempts.
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries/{delivery}", tag = "webhooks", security(("api_key" = [])),
    params(("id" = String, Path), ("delivery" = String, Path)),
    responses((status = 200, body = DeliveryLog), (status = 403), (status = 404)))]
async fn get_delivery(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, delivery)): ApiPath<(String, String)>,
) -> Result<Json<DeliveryLog>, AppError> {
    caller.require(WEBHOOK_READERS)?;
    let party = caller.party().to_string();
    let (delivery, attempts) = state
        .with(move |r| Ok(r.webhook_delivery(&delivery, Some(&party))?))
        .await
        .map_err(hide("webhook delivery"))?;
    if delivery.endpoint != id {
        return Err(AppError::not_found("webhook delivery"));
    }
    Ok(Json(DeliveryLog { delivery, attempts }))
}

/// Queues a delivery of an endpoint again, to be sent at once under the same id (holder admin,
/// developer).
#[utoipa::path(post, path = "/v1/webhooks/{id}/deliveries/{delivery}/replay", tag = "webhooks", security(("api_key" = [])),
    params(("id" = String, Path), ("delivery" = String, Path)),
    responses((status = 200, body = Delivery), (status = 403), (status = 404), (status = 409)))]
async fn replay_delivery(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, delivery)): ApiPath<(String, String)>,
) -> Result<Json<Delivery>, AppError> {
    caller.require(WEBHOOK_ADMINS)?;
    let party = caller.party().to_string();
    let replayed = state
        .with(move |r| {
            let (d, _) = r.webhook_delivery(&delivery, Some(&party))?;
            if d.endpoint != id {
                return Err(AppError::not_found("webhook delivery"));
            }
            Ok(r.replay_webhook_delivery(&delivery, Some(&party))?)
        })
        .await
        .map_err(hide("webhook delivery"))?;
    Ok(Json(replayed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pattern the document gives a webhook's URL.
    fn webhook_url_pattern() -> String {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("the document encodes");
        doc["components"]["schemas"]["WebhookBody"]["properties"]["url"]["pattern"]
            .as_str()
            .expect("the document gives the URL a pattern")
            .to_string()
    }

    #[test]
    fn the_webhook_url_pattern_is_anchored_and_the_one_checked() {
        let p = webhook_url_pattern();
        assert!(p.starts_with('^') && p.ends_with('$'), "{p}");
        assert_eq!(p, WEBHOOK_URL_PATTERN);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, max_global_rejects: 20_000, ..ProptestConfig::default() })]
        /// The document states every rule about a webhook URL's shape: whatever matches its
        /// pattern (within its length) the registry accepts, so a schema-valid body is never
        /// refused for its URL.
        #[test]
        fn every_url_the_document_allows_is_accepted(
            url in proptest::string::string_regex(
                webhook_url_pattern().trim_start_matches('^').trim_end_matches('$')
            ).expect("the pattern is a regular expression")
        ) {
            prop_assume!(url.chars().count() <= 600);
            prop_assert!(
                fermata_registry::validate_webhook_url(&url).is_ok(),
                "{url}: {:?}",
                fermata_registry::validate_webhook_url(&url)
            );
        }
    }

    #[test]
    fn urls_outside_the_pattern_are_the_ones_refused() {
        for bad in [
            "https://~A0yf%n=vE",
            "https://999.1.1.1",
            "https://a:99999",
            "https://xn--a",
            "http://example.org/h",
            "https://user@example.org/h",
            "https://example.org/h#frag",
        ] {
            let re = regex::Regex::new(&webhook_url_pattern()).expect("pattern");
            assert!(!re.is_match(bad), "{bad} matches the pattern");
            assert!(
                fermata_registry::validate_webhook_url(bad).is_err() || bad.contains("999"),
                "{bad}"
            );
        }
    }
}
