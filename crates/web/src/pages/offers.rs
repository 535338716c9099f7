//! A holder's standing offers: published terms under which developers' requests are decided
//! (or approved at once), and withdrawn when no longer meant.

use super::see_other;
use crate::auth::{CsrfForm, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use fermata_registry::{Isrc, OfferDraft, Price, RegistryError, RemunerationModel, Role, Use};

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/offers", get(offers).post(publish))
        .route("/offers/{id}/withdraw", post(withdraw))
}

#[derive(Template)]
#[template(path = "offers.html")]
struct OffersTpl {
    c: Chrome,
    rows: Vec<OfferRow>,
    can_edit: bool,
    uses: Vec<(&'static str, String)>,
    remunerations: Vec<(&'static str, String)>,
}

struct OfferRow {
    id: String,
    use_key: String,
    works: String,
    territories: String,
    price: String,
    term: String,
    auto: bool,
    remuneration_key: String,
    created: String,
    withdrawn: String,
}

async fn offers(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.holder()?.clone();
    let party = person.party.clone();
    let all = state
        .registry(move |r| r.offers(Some(&party), true))
        .await?;
    let t = &ctx.tr;
    Ok(render(&OffersTpl {
        rows: all
            .iter()
            .rev()
            .map(|o| OfferRow {
                id: o.id.clone(),
                use_key: format!("use-{}", o.use_.as_str()),
                works: if o.works.is_empty() {
                    t.get("licence-all-works")
                } else {
                    t.arg("licence-n-works", "count", o.works.len())
                },
                territories: if o.territories.is_empty() {
                    t.get("territory-world")
                } else {
                    fermata_registry::territories_to_string(&o.territories)
                },
                price: format!(
                    "{} ({})",
                    t.money(o.price.amount_minor, &o.price.currency),
                    t.get(format!("price-{}", o.price.model.as_str()))
                ),
                term: o
                    .term_months
                    .map(|m| t.arg("term-months", "months", m))
                    .unwrap_or_default(),
                auto: o.auto_accept,
                remuneration_key: format!("remuneration-{}", o.remuneration.as_str()),
                created: t.datetime(&o.created_at),
                withdrawn: o
                    .withdrawn_at
                    .as_deref()
                    .map(|w| t.datetime(w))
                    .unwrap_or_default(),
            })
            .collect(),
        can_edit: person.role == Role::HolderAdmin,
        uses: Use::ALL
            .iter()
            .map(|u| (u.as_str(), t.get(format!("use-{}", u.as_str()))))
            .collect(),
        remunerations: RemunerationModel::ALL
            .iter()
            .map(|m| (m.as_str(), t.get(format!("remuneration-{}", m.as_str()))))
            .collect(),
        c: Chrome::new(&ctx, "offers-title"),
    }))
}

fn invalid(e: RegistryError) -> WebError {
    WebError::Invalid(e.to_string())
}

async fn publish(State(state): State<WebState>, form: CsrfForm) -> Result<Response, WebError> {
    let person = form.ctx.holder_admin()?.clone();
    let use_: Use = form.get("use").parse().map_err(|_| WebError::BadForm)?;
    let works: Vec<Isrc> = form
        .get("works")
        .split([',', ' ', '\n', '\r', ';'])
        .filter(|s| !s.trim().is_empty())
        .take(fermata_registry::MAX_REQUEST_WORKS + 1)
        .map(|s| s.trim().parse())
        .collect::<Result<_, _>>()
        .map_err(invalid)?;
    let territories = match form.opt("territories") {
        Some(t) => fermata_registry::parse_territories(&t).map_err(invalid)?,
        None => vec![],
    };
    let currency = form.opt("currency").unwrap_or_else(|| "EUR".into());
    let price: Price = format!(
        "{}:{}:{}",
        form.get("model"),
        form.get("amount").trim().replace(',', "."),
        currency
    )
    .parse()
    .map_err(invalid)?;
    let term_months = match form.opt("term") {
        Some(m) => Some(m.parse().map_err(|_| WebError::BadForm)?),
        None => None,
    };
    let draft = OfferDraft {
        holder: person.party.clone(),
        works,
        use_,
        territories,
        price,
        term_months,
        auto_accept: form.get("auto_accept") == "on",
        remuneration: match form.opt("remuneration") {
            Some(m) => m.parse().map_err(|_| WebError::BadForm)?,
            None => RemunerationModel::default(),
        },
    };
    let actor = person.actor();
    state
        .registry(move |r| r.publish_offer(draft, &actor))
        .await?;
    Ok(see_other("/offers", vec![]))
}

async fn withdraw(
    State(state): State<WebState>,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    let person = form.ctx.holder_admin()?.clone();
    let (party, actor) = (person.party.clone(), person.actor());
    state
        .registry(move |r| r.withdraw_offer(&id, &party, &actor))
        .await?;
    Ok(see_other("/offers", vec![]))
}
