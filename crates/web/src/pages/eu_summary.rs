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
use fermata_report::eu_summary::{EuSummary, ProviderInput, PublicDataset, RecordedFacts, summary};

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/eu-summary", get(form_page).post(submit))
}

/// The provider's fields: (name, message id of the label, written on several lines).
const FIELDS: [(&str, &str, bool); 15] = [
    ("provider_name", "eu-provider-name", false),
    ("provider_contact", "eu-provider-contact", false),
    ("authorised_representative", "eu-representative", false),
    ("model_version", "eu-model-version", false),
    ("placed_on_market", "eu-placed-on-market", false),
    ("model_dependencies", "eu-dependencies", false),
    ("other_modalities", "eu-other-modalities", true),
    ("public_datasets", "eu-public-datasets", true),
    ("other_private_datasets", "eu-private-datasets", true),
    ("crawled_data", "eu-crawled-data", true),
    ("user_data", "eu-user-data", true),
    ("synthetic_data", "eu-synthetic-data", true),
    ("other_sources", "eu-other-sources", true),
    ("illegal_content_measures", "eu-illegal-content", true),
    ("other_information", "eu-other-information", true),
];

struct Field {
    name: &'static str,
    label: String,
    hint: Option<String>,
    multiline: bool,
    date: bool,
    required: bool,
    value: String,
}

#[derive(Template)]
#[template(path = "eu_summary.html")]
struct EuSummaryTpl {
    c: Chrome,
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
        .map(|&(name, key, multiline)| Field {
            name,
            label: t.get(key),
            hint: match name {
                "public_datasets" => Some(t.get("eu-public-datasets-hint")),
                "other_information" => Some(t.get("eu-optional")),
                _ => None,
            },
            multiline,
            date: name == "placed_on_market",
            required: !matches!(name, "public_datasets" | "other_information"),
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
    let text = |name: &str| form.get(name).trim().to_string();
    let provider = ProviderInput {
        provider_name: text("provider_name"),
        provider_contact: text("provider_contact"),
        authorised_representative: text("authorised_representative"),
        model_version: text("model_version"),
        placed_on_market: text("placed_on_market"),
        model_dependencies: text("model_dependencies"),
        other_modalities: text("other_modalities"),
        public_datasets: PublicDataset::from_lines(form.get("public_datasets"))?,
        other_private_datasets: text("other_private_datasets"),
        crawled_data: text("crawled_data"),
        user_data: text("user_data"),
        synthetic_data: text("synthetic_data"),
        other_sources: text("other_sources"),
        illegal_content_measures: text("illegal_content_measures"),
        other_information: form.opt("other_information"),
    }
    .checked()?;
    let s = summary(provider, facts);
    let (body, kind, ext) = match form.get("format") {
        "md" => (s.to_markdown(), "text/markdown; charset=utf-8", "md"),
        "html" => (s.to_html(), "text/html; charset=utf-8", "html"),
        "json" => (
            serde_json::to_string_pretty(&s).map_err(|e| WebError::Internal(e.to_string()))?,
            "application/json",
            "json",
        ),
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
