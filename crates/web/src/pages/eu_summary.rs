//! The public summary of training content (AI Act Art. 53(1)(d)) of a developer's model: the
//! provider's part typed into a form, fermata's records of the model filled in by
//! `fermata-report`, previewed on the page and downloaded as Markdown, HTML or JSON, as
//! `fermata report eu-summary` writes them.

use crate::auth::{CsrfForm, Ctx};
use crate::view::{Chrome, render};
use crate::{WebError, WebState};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use fermata_report::eu_summary::{EuSummary, ProviderInput, RecordedFacts, summary};

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/eu-summary", get(form_page).post(submit))
}

/// How a field is written.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Line,
    Lines,
    Date,
    YesNo,
}

/// The provider's fields, in the template's order: (name as in the input file, message id of
/// the label, how it is written, message id of the heading it starts, if any).
const FIELDS: [(&str, &str, Kind, Option<&str>); 38] = [
    ("summary_version", "eu-summary-version", Kind::Line, None),
    ("last_update", "eu-last-update", Kind::Date, None),
    ("provider_name", "eu-provider-name", Kind::Line, None),
    ("provider_contact", "eu-provider-contact", Kind::Line, None),
    (
        "authorised_representative",
        "eu-representative",
        Kind::Line,
        None,
    ),
    ("sme", "eu-sme", Kind::YesNo, None),
    ("model_version", "eu-model-version", Kind::Line, None),
    ("placed_on_market", "eu-placed-on-market", Kind::Date, None),
    ("model_dependencies", "eu-dependencies", Kind::Line, None),
    ("other_modalities", "eu-other-modalities", Kind::Lines, None),
    (
        "linguistic_characteristics",
        "eu-linguistic",
        Kind::Lines,
        None,
    ),
    (
        "other_characteristics",
        "eu-other-characteristics",
        Kind::Lines,
        None,
    ),
    (
        "public_datasets.used",
        "eu-public-used",
        Kind::YesNo,
        Some("eu-public-datasets"),
    ),
    (
        "public_datasets.modalities",
        "eu-modalities",
        Kind::Line,
        None,
    ),
    (
        "public_datasets.large",
        "eu-public-large",
        Kind::Lines,
        None,
    ),
    (
        "public_datasets.other_description",
        "eu-public-other",
        Kind::Lines,
        None,
    ),
    (
        "other_private_datasets.used",
        "eu-private-used",
        Kind::YesNo,
        Some("eu-private-datasets"),
    ),
    (
        "other_private_datasets.modalities",
        "eu-modalities",
        Kind::Line,
        None,
    ),
    (
        "other_private_datasets.publicly_known",
        "eu-private-known",
        Kind::Lines,
        None,
    ),
    (
        "other_private_datasets.description",
        "eu-description",
        Kind::Lines,
        None,
    ),
    (
        "crawling.used",
        "eu-crawling-used",
        Kind::YesNo,
        Some("eu-crawled-data"),
    ),
    ("crawling.modalities", "eu-modalities", Kind::Line, None),
    (
        "crawling.crawler_names",
        "eu-crawler-names",
        Kind::Line,
        None,
    ),
    (
        "crawling.purposes",
        "eu-crawler-purposes",
        Kind::Lines,
        None,
    ),
    (
        "crawling.behaviour",
        "eu-crawler-behaviour",
        Kind::Lines,
        None,
    ),
    ("crawling.period", "eu-crawl-period", Kind::Line, None),
    (
        "crawling.content_description",
        "eu-crawl-content",
        Kind::Lines,
        None,
    ),
    (
        "user_data.from_model_interactions",
        "eu-user-model",
        Kind::YesNo,
        Some("eu-user-data"),
    ),
    (
        "user_data.from_other_services",
        "eu-user-services",
        Kind::YesNo,
        None,
    ),
    ("user_data.modalities", "eu-modalities", Kind::Line, None),
    (
        "user_data.services_description",
        "eu-user-description",
        Kind::Lines,
        None,
    ),
    (
        "synthetic_data.used",
        "eu-synthetic-used",
        Kind::YesNo,
        Some("eu-synthetic-data"),
    ),
    (
        "synthetic_data.modalities",
        "eu-modalities",
        Kind::Line,
        None,
    ),
    (
        "synthetic_data.description",
        "eu-synthetic-description",
        Kind::Lines,
        None,
    ),
    (
        "other_sources.used",
        "eu-other-used",
        Kind::YesNo,
        Some("eu-other-sources"),
    ),
    (
        "other_sources.modalities",
        "eu-modalities",
        Kind::Line,
        None,
    ),
    (
        "other_sources.description",
        "eu-description",
        Kind::Lines,
        None,
    ),
    (
        "code_of_practice_signatory",
        "eu-cop",
        Kind::YesNo,
        Some("eu-processing"),
    ),
];

/// The last fields, after the Code of Practice question (3.1 to 3.3).
const LAST_FIELDS: [(&str, &str, Kind, Option<&str>); 3] = [
    (
        "reservation_measures",
        "eu-reservation-measures",
        Kind::Lines,
        None,
    ),
    (
        "illegal_content_measures",
        "eu-illegal-content",
        Kind::Lines,
        None,
    ),
    (
        "other_information",
        "eu-other-information",
        Kind::Lines,
        None,
    ),
];

struct Field {
    name: &'static str,
    /// The element id (the name with `-` for `.`).
    id: String,
    label: String,
    heading: Option<String>,
    hint: Option<String>,
    multiline: bool,
    date: bool,
    yes_no: bool,
    required: bool,
    value: String,
}

#[derive(Template)]
#[template(path = "eu_summary.html")]
struct EuSummaryTpl {
    c: Chrome,
    yes: String,
    no: String,
    models: Vec<(String, bool)>,
    fields: Vec<Field>,
    preview: Option<Vec<Section>>,
}

/// One section of the summary as previewed.
struct Section {
    num: &'static str,
    title: &'static str,
    /// Its heading's level on the page.
    level: usize,
    body: Vec<String>,
}

/// The models of the developer's finished scans, each once.
async fn own_models(state: &WebState, party: String) -> Result<Vec<String>, WebError> {
    state
        .registry(move |r| {
            let mut models: Vec<String> = r
                .scans()?
                .into_iter()
                .filter(|s| s.developer == party && s.finished_at.is_some())
                .map(|s| s.model)
                .collect();
            models.sort();
            models.dedup();
            Ok(models)
        })
        .await
}

fn page(
    ctx: &Ctx,
    models: Vec<String>,
    chosen: &str,
    value: impl Fn(&str) -> String,
    preview: Option<&EuSummary>,
) -> Response {
    let t = &ctx.tr;
    let fields = FIELDS
        .iter()
        .chain(LAST_FIELDS.iter())
        .map(|&(name, key, kind, heading)| Field {
            name,
            id: name.replace('.', "-"),
            label: t.get(key),
            heading: heading.map(|h| t.get(h)),
            hint: match name {
                "public_datasets.large" => Some(t.get("eu-public-datasets-hint")),
                "other_modalities" => Some(t.get("eu-other-modalities-hint")),
                "other_information" => Some(t.get("eu-optional")),
                n if n.ends_with(".modalities") => Some(t.get("eu-modalities-hint")),
                _ => None,
            },
            multiline: kind == Kind::Lines,
            date: kind == Kind::Date,
            yes_no: kind == Kind::YesNo,
            // A Yes/No is always answered; what follows a Yes is checked by the report rules.
            required: kind == Kind::YesNo
                || (!name.contains('.')
                    && !matches!(name, "other_information" | "other_modalities")),
            value: value(name),
        })
        .collect();
    render(&EuSummaryTpl {
        models: models
            .into_iter()
            .map(|m| {
                let selected = m == chosen;
                (m, selected)
            })
            .collect(),
        fields,
        yes: t.get("eu-yes"),
        no: t.get("eu-no"),
        preview: preview.map(|s| {
            s.sections()
                .into_iter()
                .map(|(num, title, body)| Section {
                    num,
                    title,
                    level: (num.matches('.').count() + 3).min(6),
                    body,
                })
                .collect()
        }),
        c: Chrome::new(ctx, "eu-title"),
    })
}

async fn form_page(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let person = ctx.developer()?.clone();
    let models = own_models(&state, person.party.clone()).await?;
    Ok(page(&ctx, models, "", |_| String::new(), None))
}

/// Previews the summary (no `format`), or answers it as a file (`format=md|html|json`).
async fn submit(State(state): State<WebState>, form: CsrfForm) -> Result<Response, WebError> {
    let person = form.ctx.developer()?.clone();
    let model = form.get("model").to_string();
    let models = own_models(&state, person.party.clone()).await?;
    if !models.contains(&model) {
        return Err(WebError::NotFound);
    }
    let (party, m) = (person.party.clone(), model.clone());
    let facts = state
        .report(move |r| RecordedFacts::of_model(r, &m))
        .await?;
    if facts.developer != party {
        return Err(WebError::NotFound);
    }
    let provider = ProviderInput::from_form(|name| form.get(name).to_string())?;
    let s = summary(provider, facts)?;
    let (body, kind, ext) = match form.get("format") {
        "md" => (s.to_markdown(), "text/markdown; charset=utf-8", "md"),
        "html" => (s.to_html(), "text/html; charset=utf-8", "html"),
        "json" => (s.to_json()?, "application/json", "json"),
        _ => {
            return Ok(page(
                &form.ctx,
                models,
                &model,
                |name| form.get(name).to_string(),
                Some(&s),
            ));
        }
    };
    let stem: String = model
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(super::download(
        &format!("{stem}-eu-summary.{ext}"),
        kind,
        body,
    ))
}
