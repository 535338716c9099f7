//! The public summary of training content of a general-purpose AI model (AI Act Art. 53(1)(d)),
//! field by field in the structure of the AI Office's template of 24 July 2025: the summary's
//! version and last update; 1 General information (1.1 provider, 1.2 model, 1.3 modalities,
//! size bands and other characteristics); 2 List of data sources (2.1 publicly available
//! datasets, 2.2.1 datasets licensed by rightsholders, 2.2.2 other private datasets, 2.3 crawled
//! and scraped data, 2.4 user data, 2.5 synthetic data, 2.6 other sources); 3 Data processing
//! (3.1 reservations of rights from the text and data mining exception, 3.2 illegal content,
//! 3.3 other information). `docs/eu-summary-template-fields.md` lists every field with the
//! template's wording; [`TEMPLATE_FIELDS`] is that list, and every rendering carries each of them.
//!
//! What fermata records fills the audio parts: the hours (each file counted once, however many
//! holders share its works), the latest acquisition month, the rightsholders who granted
//! licences (2.2.1), the files whose developer declared their source (own recordings, public
//! domain, generated, licensed elsewhere: 2.6, 2.5 and 2.2.2), the domains files were obtained
//! from (2.3) and the opt-out protocols the scans read (3.1). What it cannot know comes from a
//! JSON file the provider fills in ([`ProviderInput`]); where the records show a source the
//! provider answered "no" to, the summary is refused rather than contradict itself.

use crate::ReportError;
use fermata_registry::{DeclaredSource, Registry, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Reference to the template followed.
pub const TEMPLATE: &str = "AI Office, Explanatory Notice and Template for the Public Summary of Training Content for general-purpose AI models (Art. 53(1)(d) AI Act), 24 July 2025";

/// Every field of the template the summary fills in: (section, the template's wording). Kept
/// in the same order and wording as `docs/eu-summary-template-fields.md`.
pub const TEMPLATE_FIELDS: [(&str, &str); 45] = [
    ("header", "Version of the Summary"),
    ("header", "Last update"),
    ("1.1", "Provider name and contact details"),
    ("1.1", "Authorised representative name and contact details"),
    ("1.2", "Versioned model name(s)"),
    ("1.2", "Model dependencies"),
    ("1.2", "Date of placement of the model on the Union market"),
    ("1.3", "Modality"),
    ("1.3", "Training data size"),
    ("1.3", "Types of content"),
    (
        "1.3",
        "Latest date of data acquisition/collection for model training",
    ),
    (
        "1.3",
        "Description of the linguistic characteristics of the overall training data",
    ),
    (
        "1.3",
        "Other relevant characteristics of the overall training data",
    ),
    (
        "2.1",
        "Have you used publicly available datasets to train the model?",
    ),
    (
        "2.1",
        "If yes, specify the modality(ies) of the content covered by the datasets concerned",
    ),
    ("2.1", "List of large publicly available datasets"),
    (
        "2.1",
        "General description of other publicly available datasets not listed above",
    ),
    (
        "2.2.1",
        "Have you concluded transactional commercial licensing agreement(s) with rightsholder(s) or with their representatives?",
    ),
    (
        "2.2.1",
        "If yes, specify the modality(ies) of the content covered by the datasets concerned",
    ),
    (
        "2.2.1",
        "Rightsholders who granted licences, with the content licensed",
    ),
    (
        "2.2.2",
        "Have you obtained private datasets from third parties that are not licensed as described in Section 2.2.1, such as data obtained from providers of private databases, or data intermediaries?",
    ),
    (
        "2.2.2",
        "If yes, specify the modality(ies) of the content covered by the datasets concerned",
    ),
    (
        "2.2.2",
        "If publicly known, list private datasets obtained from other third parties",
    ),
    (
        "2.2.2",
        "General description of non-publicly known private datasets obtained from third parties",
    ),
    ("2.3", "Were crawlers used by the provider or on behalf of?"),
    ("2.3", "If yes, specify crawler name(s)/identifier(s)"),
    ("2.3", "Purposes of the crawler(s)"),
    ("2.3", "General description of crawler behaviour"),
    ("2.3", "Period of data collection"),
    (
        "2.3",
        "Comprehensive description of the type of content and online sources crawled",
    ),
    ("2.3", "Type of modality covered"),
    ("2.3", "Summary of the most relevant domain names crawled"),
    (
        "2.4",
        "Was data from user interactions with the AI model (e.g. user input and prompts) used to train the model?",
    ),
    (
        "2.4",
        "Was data collected from user interactions with the provider’s other services or products used to train the model?",
    ),
    (
        "2.4",
        "If yes, provide a general description of the provider’s services or products that were used to collect the user data",
    ),
    ("2.4", "Type of modality covered"),
    (
        "2.5",
        "Was synthetic AI-generated data created by the provider or on their behalf to train the model?",
    ),
    ("2.5", "If yes, modality of the synthetic data"),
    (
        "2.5",
        "If yes, specify the general-purpose AI model(s) used to generate the synthetic data if available on the market",
    ),
    (
        "2.6",
        "Have data sources other than those described in Sections 2.1 to 2.5 been used to train the model?",
    ),
    (
        "2.6",
        "If yes, provide a narrative description of these data sources and the data",
    ),
    (
        "3.1",
        "Are you a Signatory to the Code of Practice for general-purpose AI models that includes commitments to respect reservations of rights from the TDM exception or limitation?",
    ),
    (
        "3.1",
        "Describe the measures implemented before model training to respect reservations of rights from the TDM exception or limitation before and during data collection, including the opt-out protocols and solutions honoured by the provider or, as applicable, by third parties from which datasets have been obtained",
    ),
    ("3.2", "General description of measures taken"),
    (
        "3.3",
        "Other relevant information about data processing (optional)",
    ),
];

fn label(section: &str, start: &str) -> &'static str {
    TEMPLATE_FIELDS
        .iter()
        .find(|(s, l)| *s == section && l.starts_with(start))
        .map_or("", |(_, l)| l)
}

/// Most entries of any list in the provider's file.
pub const MAX_LIST: usize = 500;

/// A kind of content (1.3 and the "modality(ies) of the content covered" of each source).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Modality {
    /// Text.
    Text,
    /// Images.
    Image,
    /// Video.
    Video,
    /// Audio.
    Audio,
    /// Anything else.
    Other,
}

impl Modality {
    /// The name the template uses.
    pub fn name(self) -> &'static str {
        match self {
            Modality::Text => "Text",
            Modality::Image => "Image",
            Modality::Video => "Video",
            Modality::Audio => "Audio",
            Modality::Other => "Other",
        }
    }

    /// The template's size bands for this modality (none for "other": its size is described).
    pub fn size_bands(self) -> &'static [&'static str] {
        match self {
            Modality::Text => &[
                "Less than 1 billion tokens",
                "1 billion to 10 trillions tokens",
                "More than 10 trillions tokens",
            ],
            Modality::Image => &[
                "Less than 1 million images",
                "1 Million to 1 billion images",
                "More than 1 billion images",
            ],
            Modality::Video => &[
                "Less than 10 000 hours",
                "10 000 to 1 million hours",
                "More than 1 million hours",
            ],
            Modality::Audio => &[
                "Less than 10 000 hours",
                "10 000 to 1 million hours",
                "More than 1 million hours",
            ],
            Modality::Other => &[],
        }
    }

    fn parse(s: &str) -> Option<Modality> {
        [
            Modality::Text,
            Modality::Image,
            Modality::Video,
            Modality::Audio,
            Modality::Other,
        ]
        .into_iter()
        .find(|m| m.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// One modality other than the audio fermata records (1.3).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModalityInput {
    /// text, image, video or other.
    pub modality: Modality,
    /// One of the template's bands for the modality (for "other", the estimated size).
    pub size: String,
    /// The types of content, e.g. "song lyrics".
    pub types_of_content: String,
}

/// A publicly available dataset (2.1).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublicDataset {
    /// Its name.
    pub name: String,
    /// Where it is published.
    pub link: String,
}

impl PublicDataset {
    /// Datasets written one a line as `NAME LINK` (the link is the line's last word), as a form
    /// takes them; blank lines are skipped, and a line without both is an error naming it.
    pub fn from_lines(text: &str) -> Result<Vec<PublicDataset>, ReportError> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .take(MAX_LIST + 1)
            .map(|(i, l)| match l.trim().rsplit_once(char::is_whitespace) {
                Some((name, link)) if !name.trim().is_empty() => Ok(PublicDataset {
                    name: name.trim().to_string(),
                    link: link.to_string(),
                }),
                _ => Err(ReportError::ProviderInput(format!(
                    "public datasets, line {}: write the name, then the link",
                    i + 1
                ))),
            })
            .collect()
    }
}

/// 2.1 Publicly available datasets.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublicDatasets {
    /// Yes/No.
    pub used: bool,
    /// The modalities of the content (when used).
    #[serde(default)]
    pub modalities: Vec<Modality>,
    /// The large ones (more than 3 % of the public data of a modality), name and link.
    #[serde(default)]
    pub large: Vec<PublicDataset>,
    /// The others, described in general.
    #[serde(default)]
    pub other_description: String,
}

/// 2.2.2 Private datasets from third parties other than rightsholders' licences.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateDatasets {
    /// Yes/No.
    pub used: bool,
    /// The modalities of the content (when used).
    #[serde(default)]
    pub modalities: Vec<Modality>,
    /// Those that are publicly known, by name.
    #[serde(default)]
    pub publicly_known: Vec<String>,
    /// The others, described in general.
    #[serde(default)]
    pub description: String,
}

/// 2.3 Crawled and scraped data.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Crawling {
    /// Yes/No.
    pub used: bool,
    /// The modalities of the content (when used).
    #[serde(default)]
    pub modalities: Vec<Modality>,
    /// Crawler name(s)/identifier(s).
    #[serde(default)]
    pub crawler_names: String,
    /// Purposes of the crawler(s).
    #[serde(default)]
    pub purposes: String,
    /// How the crawlers behave (robots.txt, paywalls, logins).
    #[serde(default)]
    pub behaviour: String,
    /// Period of data collection.
    #[serde(default)]
    pub period: String,
    /// The type of content and online sources crawled.
    #[serde(default)]
    pub content_description: String,
}

/// 2.4 User data.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserData {
    /// Yes/No: data from user interactions with the model.
    pub from_model_interactions: bool,
    /// Yes/No: data from the provider's other services or products.
    pub from_other_services: bool,
    /// The modalities of the content (when used).
    #[serde(default)]
    pub modalities: Vec<Modality>,
    /// The services or products the data came from.
    #[serde(default)]
    pub services_description: String,
}

/// 2.5 Synthetic data, 2.6 other sources: Yes/No, the modalities and a description.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceAnswer {
    /// Yes/No.
    pub used: bool,
    /// The modalities of the content (when used; 2.5 only: the template's 2.6 asks none, so
    /// they are ignored there).
    #[serde(default)]
    pub modalities: Vec<Modality>,
    /// The description the template asks for (the generating general-purpose AI models for 2.5;
    /// the narrative description of the sources and data for 2.6).
    #[serde(default)]
    pub description: String,
}

/// What the provider declares (fermata cannot know it), field by field as the template asks.
/// Every field is required; a Yes/No answered "no" needs nothing more.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderInput {
    /// The summary's version, e.g. "1.0".
    pub summary_version: String,
    /// The date of its last update (YYYY-MM-DD).
    pub last_update: String,
    /// 1.1: the provider's name.
    pub provider_name: String,
    /// 1.1: contact details.
    pub provider_contact: String,
    /// 1.1: the authorised representative in the Union, or "none".
    pub authorised_representative: String,
    /// Whether the provider is a small or medium-sized enterprise (2.3: the share of domains
    /// listed is then 5 %, at most 1,000, instead of 10 %).
    pub sme: bool,
    /// 1.2: the model's version.
    pub model_version: String,
    /// 1.2: date placed on the Union market (YYYY-MM-DD).
    pub placed_on_market: String,
    /// 1.2: models this one builds on, or "none".
    pub model_dependencies: String,
    /// 1.3: the modalities other than audio (audio is what fermata records), each with its size
    /// band and types of content.
    pub other_modalities: Vec<ModalityInput>,
    /// 1.3: linguistic characteristics (languages of lyrics, speech), or "none".
    pub linguistic_characteristics: String,
    /// 1.3: other relevant characteristics, or "none".
    pub other_characteristics: String,
    /// 2.1.
    pub public_datasets: PublicDatasets,
    /// 2.2.2.
    pub other_private_datasets: PrivateDatasets,
    /// 2.3.
    pub crawling: Crawling,
    /// 2.4.
    pub user_data: UserData,
    /// 2.5.
    pub synthetic_data: SourceAnswer,
    /// 2.6.
    pub other_sources: SourceAnswer,
    /// 3.1: signatory of the Code of Practice.
    pub code_of_practice_signatory: bool,
    /// 3.1: measures beyond fermata's clearance (what fermata did is written from its records),
    /// or "none".
    pub reservation_measures: String,
    /// 3.2: measures to remove illegal content.
    pub illegal_content_measures: String,
    /// 3.3: anything else the provider wants to say (optional).
    #[serde(default)]
    pub other_information: Option<String>,
}

/// The fields of the earlier input format, refused with the names of the new ones.
const OLD_FIELDS: [&str; 4] = [
    "crawled_data",
    "other_sources_text",
    "synthetic_data",
    "user_data",
];

/// The fields of the current format, for the error that refuses an old file.
pub const INPUT_FIELDS: &str = "summary_version, last_update, provider_name, provider_contact, authorised_representative, sme, model_version, placed_on_market, model_dependencies, other_modalities [{modality, size, types_of_content}], linguistic_characteristics, other_characteristics, public_datasets {used, modalities, large [{name, link}], other_description}, other_private_datasets {used, modalities, publicly_known, description}, crawling {used, modalities, crawler_names, purposes, behaviour, period, content_description}, user_data {from_model_interactions, from_other_services, modalities, services_description}, synthetic_data {used, modalities, description}, other_sources {used, modalities, description}, code_of_practice_signatory, reservation_measures, illegal_content_measures, other_information (optional)";

impl ProviderInput {
    /// Reads and checks the provider's file: unknown or missing fields, empty required text and
    /// a Yes answered without its sub-fields are errors naming the field. A file of the earlier
    /// format (free text per source) is refused with the new fields' names.
    pub fn from_json(text: &str) -> Result<ProviderInput, ReportError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ReportError::ProviderInput(format!("not JSON: {e}")))?;
        if let Some(obj) = value.as_object()
            && (obj.contains_key("crawled_data")
                || OLD_FIELDS
                    .iter()
                    .any(|f| obj.get(*f).is_some_and(serde_json::Value::is_string)))
        {
            return Err(ReportError::ProviderInput(format!(
                "this file is in the earlier format (one free text per source); the template asks Yes/No per source with its sub-fields. \
                 Write these fields: {INPUT_FIELDS}. See docs/eu-summary-input.json"
            )));
        }
        let input: ProviderInput = serde_json::from_value(value).map_err(|e| {
            ReportError::ProviderInput(format!("{e} (see docs/eu-summary-input.json)"))
        })?;
        input.checked()
    }

    /// The declarations, checked as [`ProviderInput::from_json`] checks them, however they were
    /// gathered (e.g. from a web form). Every problem is named, one a line.
    pub fn checked(self) -> Result<ProviderInput, ReportError> {
        let problems = std::cell::RefCell::new(Vec::<String>::new());
        let text = |field: &str, value: &str, required: bool| {
            if required && value.trim().is_empty() {
                problems.borrow_mut().push(format!(
                    "\"{field}\" is empty; write what applies, or \"none\""
                ));
            } else if value.chars().count() > fermata_registry::MAX_TEXT_CHARS {
                problems.borrow_mut().push(format!(
                    "\"{field}\" is longer than {} characters; shorten it",
                    fermata_registry::MAX_TEXT_CHARS
                ));
            }
        };
        let p = &self;
        for (field, value) in [
            ("summary_version", &p.summary_version),
            ("provider_name", &p.provider_name),
            ("provider_contact", &p.provider_contact),
            ("authorised_representative", &p.authorised_representative),
            ("model_version", &p.model_version),
            ("model_dependencies", &p.model_dependencies),
            ("linguistic_characteristics", &p.linguistic_characteristics),
            ("other_characteristics", &p.other_characteristics),
            ("reservation_measures", &p.reservation_measures),
            ("illegal_content_measures", &p.illegal_content_measures),
        ] {
            text(field, value, true);
        }
        text(
            "other_information",
            p.other_information.as_deref().unwrap_or(""),
            false,
        );
        // A Yes needs its sub-fields; a No needs none (and may carry none).
        let answer = |section: &str, used: bool, modalities: &[Modality], subs: &[(&str, &str)]| {
            for (field, value) in subs {
                text(&format!("{section}.{field}"), value, used);
            }
            if used && modalities.is_empty() {
                problems.borrow_mut().push(format!(
                    "\"{section}.modalities\" is empty: list the modalities of the content (text, image, video, audio, other)"
                ));
            }
            if !used && !modalities.is_empty() {
                problems.borrow_mut().push(format!(
                    "\"{section}.used\" is false but modalities are listed: answer true, or remove them"
                ));
            }
        };
        let d = &p.public_datasets;
        answer("public_datasets", d.used, &d.modalities, &[]);
        if d.used && d.large.is_empty() && d.other_description.trim().is_empty() {
            problems.borrow_mut().push("\"public_datasets\": list the large datasets in \"large\" or describe them in \"other_description\"".into());
        }
        text(
            "public_datasets.other_description",
            &d.other_description,
            false,
        );
        let o = &p.other_private_datasets;
        answer(
            "other_private_datasets",
            o.used,
            &o.modalities,
            &[("description", &o.description)],
        );
        let c = &p.crawling;
        answer(
            "crawling",
            c.used,
            &c.modalities,
            &[
                ("crawler_names", &c.crawler_names),
                ("purposes", &c.purposes),
                ("behaviour", &c.behaviour),
                ("period", &c.period),
                ("content_description", &c.content_description),
            ],
        );
        let u = &p.user_data;
        answer(
            "user_data",
            u.from_model_interactions || u.from_other_services,
            &u.modalities,
            &[("services_description", &u.services_description)],
        );
        let s = &p.synthetic_data;
        answer(
            "synthetic_data",
            s.used,
            &s.modalities,
            &[("description", &s.description)],
        );
        // The template's 2.6 asks no modalities: they are neither required nor shown.
        let s = &p.other_sources;
        text("other_sources.description", &s.description, s.used);
        for (field, date) in [
            ("last_update", &p.last_update),
            ("placed_on_market", &p.placed_on_market),
        ] {
            if let Err(e) = fermata_registry::validate_date("date", date) {
                problems.borrow_mut().push(format!("\"{field}\": {e}"));
            }
        }
        let lists = [
            ("other_modalities", p.other_modalities.len()),
            ("public_datasets.large", d.large.len()),
            (
                "other_private_datasets.publicly_known",
                o.publicly_known.len(),
            ),
        ];
        for (field, n) in lists {
            if n > MAX_LIST {
                problems.borrow_mut().push(format!(
                    "\"{field}\" lists {n}; list at most {MAX_LIST} (the largest)"
                ));
            }
        }
        for (i, m) in p.other_modalities.iter().enumerate().take(MAX_LIST) {
            let field = format!("other_modalities[{i}]");
            if m.modality == Modality::Audio {
                problems.borrow_mut().push(format!(
                    "\"{field}\": audio is what fermata's scans record; scan it, and declare the source of files without a registered recording with `fermata scan declare`"
                ));
            }
            let bands = m.modality.size_bands();
            if !bands.is_empty() && !bands.iter().any(|b| b.eq_ignore_ascii_case(m.size.trim())) {
                problems.borrow_mut().push(format!(
                    "\"{field}.size\" is '{}'; write one of: {}",
                    m.size,
                    bands.join("; ")
                ));
            }
            text(&format!("{field}.size"), &m.size, true);
            text(
                &format!("{field}.types_of_content"),
                &m.types_of_content,
                true,
            );
        }
        for (i, ds) in d.large.iter().enumerate().take(MAX_LIST) {
            if ds.name.trim().is_empty() || ds.link.trim().is_empty() {
                problems.borrow_mut().push(format!(
                    "\"public_datasets.large[{i}]\" needs a name and a link"
                ));
            }
            text("public_datasets.large", &ds.name, false);
            text("public_datasets.large", &ds.link, false);
        }
        for (i, name) in o.publicly_known.iter().enumerate().take(MAX_LIST) {
            text(
                &format!("other_private_datasets.publicly_known[{i}]"),
                name,
                true,
            );
        }
        let problems = problems.into_inner();
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(ReportError::ProviderInput(problems.join("\n")))
        }
    }

    /// Reads a form's fields (names as in the JSON, nested ones joined with a dot, Yes/No as
    /// `yes`, lists one a line, modalities comma-separated) and checks them.
    pub fn from_form(get: impl Fn(&str) -> String) -> Result<ProviderInput, ReportError> {
        let yes = |name: &str| get(name).trim().eq_ignore_ascii_case("yes");
        let modalities = |name: &str| -> Result<Vec<Modality>, ReportError> {
            get(name)
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .take(5)
                .map(|s| {
                    Modality::parse(s).ok_or_else(|| {
                        ReportError::ProviderInput(format!(
                            "\"{name}\": '{}' is not one of text, image, video, audio, other",
                            s.trim()
                        ))
                    })
                })
                .collect()
        };
        let lines = |name: &str| -> Vec<String> {
            get(name)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .take(MAX_LIST + 1)
                .map(String::from)
                .collect()
        };
        let mut other_modalities = Vec::new();
        for (i, line) in lines("other_modalities").into_iter().enumerate() {
            let mut parts = line.splitn(3, ';').map(str::trim);
            let (Some(m), Some(size), Some(types)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(ReportError::ProviderInput(format!(
                    "other modalities, line {}: write modality; size band; types of content",
                    i + 1
                )));
            };
            let modality = Modality::parse(m).ok_or_else(|| {
                ReportError::ProviderInput(format!(
                    "other modalities, line {}: '{m}' is not one of text, image, video, other",
                    i + 1
                ))
            })?;
            other_modalities.push(ModalityInput {
                modality,
                size: size.into(),
                types_of_content: types.into(),
            });
        }
        let text = |name: &str| get(name).trim().to_string();
        ProviderInput {
            summary_version: text("summary_version"),
            last_update: text("last_update"),
            provider_name: text("provider_name"),
            provider_contact: text("provider_contact"),
            authorised_representative: text("authorised_representative"),
            sme: yes("sme"),
            model_version: text("model_version"),
            placed_on_market: text("placed_on_market"),
            model_dependencies: text("model_dependencies"),
            other_modalities,
            linguistic_characteristics: text("linguistic_characteristics"),
            other_characteristics: text("other_characteristics"),
            public_datasets: PublicDatasets {
                used: yes("public_datasets.used"),
                modalities: modalities("public_datasets.modalities")?,
                large: PublicDataset::from_lines(&get("public_datasets.large"))?,
                other_description: text("public_datasets.other_description"),
            },
            other_private_datasets: PrivateDatasets {
                used: yes("other_private_datasets.used"),
                modalities: modalities("other_private_datasets.modalities")?,
                publicly_known: lines("other_private_datasets.publicly_known"),
                description: text("other_private_datasets.description"),
            },
            crawling: Crawling {
                used: yes("crawling.used"),
                modalities: modalities("crawling.modalities")?,
                crawler_names: text("crawling.crawler_names"),
                purposes: text("crawling.purposes"),
                behaviour: text("crawling.behaviour"),
                period: text("crawling.period"),
                content_description: text("crawling.content_description"),
            },
            user_data: UserData {
                from_model_interactions: yes("user_data.from_model_interactions"),
                from_other_services: yes("user_data.from_other_services"),
                modalities: modalities("user_data.modalities")?,
                services_description: text("user_data.services_description"),
            },
            synthetic_data: SourceAnswer {
                used: yes("synthetic_data.used"),
                modalities: modalities("synthetic_data.modalities")?,
                description: text("synthetic_data.description"),
            },
            other_sources: SourceAnswer {
                used: yes("other_sources.used"),
                modalities: modalities("other_sources.modalities")?,
                description: text("other_sources.description"),
            },
            code_of_practice_signatory: yes("code_of_practice_signatory"),
            reservation_measures: text("reservation_measures"),
            illegal_content_measures: text("illegal_content_measures"),
            other_information: Some(text("other_information")).filter(|s| !s.is_empty()),
        }
        .checked()
    }
}

/// One rights holder who granted this developer a licence covering works used (2.2.1): no
/// terms, only counts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LicensedSource {
    /// The rights holder.
    pub holder: String,
    /// Distinct works of the holder in the used data that its licences cover.
    pub works: u64,
    /// Hours of audio of the files holding those works, each file counted once.
    pub hours: f64,
}

/// Files and hours of one declared source.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DeclaredTotal {
    /// Files declared with this source.
    pub files: u64,
    /// Their hours of audio.
    pub hours: f64,
    /// The distinct references given (licences, contracts, generating models).
    pub references: BTreeSet<String>,
}

/// What the scans recorded about the opt-out protocols read (3.1).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OptOuts {
    /// Files whose source URL was recorded, so that its TDMRep file, robots.txt Content-Usage
    /// rules and response headers were read.
    pub sources_checked: u64,
    /// Of those, files refused because their source reserved AI training.
    pub sources_reserved: u64,
    /// Of those, files whose source's signals could not be read.
    pub sources_unreadable: u64,
}

/// What fermata's records say about the model (filled in by the caller from the registry).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RecordedFacts {
    /// The model.
    pub model: String,
    /// The developer (provider) party in fermata.
    pub developer: String,
    /// The scans of the model's training data.
    pub scans: Vec<String>,
    /// The cleared manifests, with their Merkle roots.
    pub manifests: Vec<(String, String)>,
    /// Files scanned, by verdict (declared files stay `unidentified` here).
    pub files_by_verdict: BTreeMap<String, u64>,
    /// Hours scanned, by verdict.
    pub hours_by_verdict: BTreeMap<String, f64>,
    /// Hours of audio cleared for training (each file once).
    pub cleared_hours: f64,
    /// Hours of the cleared files that a rightsholder's licence covers (each file once, however
    /// many holders licensed its works).
    pub licensed_hours: f64,
    /// Hours of audio reported as used in training runs (usage reports).
    pub reported_hours: f64,
    /// The month (MM/YYYY) the latest file used entered the dataset: its modification time as
    /// the scan recorded it, or the scan's start when none was recorded.
    pub latest_acquisition: Option<String>,
    /// 2.2.1: the holders who granted this developer a licence covering works used.
    pub licensed: Vec<LicensedSource>,
    /// Files whose source the developer declared, by source (`own-recording`, ...).
    pub declared: BTreeMap<String, DeclaredTotal>,
    /// Bytes of used files per domain they were obtained from (the scans' `--sources`).
    pub domains: BTreeMap<String, u64>,
    /// 3.1: what the scans read of the sources' opt-outs.
    pub opt_outs: OptOuts,
}

/// The month (MM/YYYY) of a time in ns since the epoch (UTC).
fn month_of_ns(ns: i64) -> String {
    let days = ns.div_euclid(86_400 * 1_000_000_000);
    // Days to civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{month:02}/{year:04}")
}

/// MM/YYYY of an RFC 3339 time (`2026-09-01T...`).
fn month_of_rfc3339(t: &str) -> Option<String> {
    Some(format!("{}/{}", t.get(5..7)?, t.get(0..4)?))
}

/// Sorts MM/YYYY by time.
fn month_key(m: &str) -> (String, String) {
    (
        m.get(3..).unwrap_or("").into(),
        m.get(..2).unwrap_or("").into(),
    )
}

/// The host of an http(s) URL, without port or user.
fn domain_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

impl RecordedFacts {
    /// What fermata's records say about `model`'s training data: the latest finished scan of
    /// each of its datasets (what was used), their files by verdict and hours, the declared
    /// sources of their unidentified files, the manifests built from them, the rightsholders
    /// whose licences cover works used, the domains the files came from, and the hours reported
    /// as used. A model with no finished scan is an error: the summary is made from them.
    pub fn of_model(registry: &mut Registry, model: &str) -> Result<RecordedFacts, ReportError> {
        let mut latest: BTreeMap<String, fermata_registry::Scan> = BTreeMap::new();
        for scan in registry
            .scans()?
            .into_iter()
            .filter(|s| s.model == model && s.finished_at.is_some())
        {
            latest.insert(scan.dataset.clone(), scan);
        }
        if latest.is_empty() {
            return Err(ReportError::NoScans(model.into()));
        }
        let mut facts = RecordedFacts {
            model: model.into(),
            ..Default::default()
        };
        // Per licensor: its works, and the files holding them (each file's hours once).
        let mut per_holder: BTreeMap<String, (BTreeSet<String>, BTreeMap<String, f64>)> =
            BTreeMap::new();
        let manifests = registry.manifests()?;
        for scan in latest.values() {
            facts.developer = scan.developer.clone();
            facts.scans.push(scan.id.clone());
            if let Some(m) = manifests.iter().rfind(|m| m.scan_id == scan.id) {
                facts.manifests.push((m.id.clone(), m.root.clone()));
            }
            let declared: BTreeMap<String, fermata_registry::DeclaredFile> = registry
                .declarations(&scan.id)?
                .into_iter()
                .map(|d| (d.path.clone(), d))
                .collect();
            let scan_month = month_of_rfc3339(&scan.started_at);
            for file in registry.scan_files(&scan.id)? {
                let Some(v) = file.verdict else { continue };
                let hours = file.duration_s / 3600.0;
                let verdict = v.verdict.as_str().to_string();
                *facts.files_by_verdict.entry(verdict.clone()).or_default() += 1;
                *facts.hours_by_verdict.entry(verdict).or_default() += hours;
                if let Some(source) = &file.source {
                    facts.opt_outs.sources_checked += 1;
                    if source.error.is_some() {
                        facts.opt_outs.sources_unreadable += 1;
                    }
                    if source.reserved.is_some() && v.verdict == Verdict::Denied {
                        facts.opt_outs.sources_reserved += 1;
                    }
                }
                let declaration = (v.verdict == Verdict::Unidentified)
                    .then(|| declared.get(&file.path))
                    .flatten();
                let used = v.verdict == Verdict::Cleared || declaration.is_some();
                if !used {
                    continue;
                }
                let month = if file.mtime_ns > 0 {
                    Some(month_of_ns(file.mtime_ns))
                } else {
                    scan_month.clone()
                };
                if month.as_deref().map(month_key)
                    > facts.latest_acquisition.as_deref().map(month_key)
                {
                    facts.latest_acquisition = month;
                }
                if let Some(url) = file.source.as_ref().map(|s| s.url.as_str())
                    && let Some(domain) = domain_of(url)
                {
                    *facts.domains.entry(domain).or_default() += file.size;
                }
                if let Some(d) = declaration {
                    let total = facts.declared.entry(d.source.as_str().into()).or_default();
                    total.files += 1;
                    total.hours += hours;
                    if let Some(r) = &d.reference {
                        total.references.insert(r.clone());
                    }
                    continue;
                }
                facts.cleared_hours += hours;
                let mut licensed_file = false;
                for w in &v.works {
                    for h in w
                        .holders
                        .iter()
                        .filter(|h| h.verdict == Verdict::Cleared && h.licence.is_some())
                    {
                        let entry = per_holder.entry(h.holder.clone()).or_default();
                        entry.0.insert(w.isrc.to_string());
                        entry.1.insert(file.path.clone(), hours);
                        licensed_file = true;
                    }
                }
                if licensed_file {
                    facts.licensed_hours += hours;
                }
            }
        }
        facts.licensed = per_holder
            .into_iter()
            .map(|(holder, (works, files))| LicensedSource {
                holder,
                works: works.len() as u64,
                hours: files.values().sum(),
            })
            .collect();
        facts.reported_hours = registry
            .usage_reports(None)?
            .iter()
            .filter(|r| r.model == model)
            .flat_map(|r| r.lines.iter().map(|l| l.milliseconds as f64 / 3.6e6))
            .sum();
        Ok(facts)
    }

    /// Hours of audio used for training: reported by usage reports when there are any, else
    /// the cleared and declared files (each file once).
    pub fn audio_hours(&self) -> f64 {
        if self.reported_hours > 0.0 {
            self.reported_hours
        } else {
            self.cleared_hours + self.declared.values().map(|d| d.hours).sum::<f64>()
        }
    }

    fn declared_files(&self, source: DeclaredSource) -> Option<&DeclaredTotal> {
        self.declared.get(source.as_str()).filter(|d| d.files > 0)
    }
}

/// The audio size band of the template (1.3).
pub fn audio_size_band(hours: f64) -> &'static str {
    let bands = Modality::Audio.size_bands();
    if hours < 10_000.0 {
        bands[0]
    } else if hours <= 1_000_000.0 {
        bands[1]
    } else {
        bands[2]
    }
}

/// The most relevant domains (2.3): the top 10 % of domains by content size, or for an SME the
/// top 5 %, at most 1,000; at least one when there is any.
pub fn top_domains(domains: &BTreeMap<String, u64>, sme: bool) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = domains.iter().map(|(d, b)| (d.clone(), *b)).collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let share = if sme { 5 } else { 10 };
    let mut n = all.len().saturating_mul(share).div_ceil(100);
    if sme {
        n = n.min(1000);
    }
    all.truncate(n.max(1).min(all.len()));
    all
}

/// The summary, ready to render.
#[derive(Clone, Debug, Serialize)]
pub struct EuSummary {
    /// What the template version is.
    pub template: &'static str,
    /// The provider's declarations.
    pub provider: ProviderInput,
    /// fermata's records.
    pub records: RecordedFacts,
    /// The audio size band.
    pub audio_size_band: &'static str,
    /// 2.3: the most relevant domains with their bytes.
    pub top_domains: Vec<(String, u64)>,
}

/// Puts the two together. Where the records show a source the provider answered "no" to
/// (declared generated files and synthetic data, for instance), the summary is refused with
/// what to answer: it never contradicts itself.
pub fn summary(provider: ProviderInput, records: RecordedFacts) -> Result<EuSummary, ReportError> {
    let mut problems = Vec::new();
    let mut need = |used: bool, field: &str, what: String| {
        if !used {
            problems.push(format!(
                "fermata's records show {what}: answer \"{field}\" true and describe them"
            ));
        }
    };
    if let Some(d) = records.declared_files(DeclaredSource::Generated) {
        need(
            provider.synthetic_data.used,
            "synthetic_data.used",
            format!("{} file(s) declared generated", d.files),
        );
    }
    let other = [DeclaredSource::OwnRecording, DeclaredSource::PublicDomain]
        .iter()
        .filter_map(|s| records.declared_files(*s))
        .map(|d| d.files)
        .sum::<u64>();
    if other > 0 {
        need(
            provider.other_sources.used,
            "other_sources.used",
            format!("{other} file(s) declared own recordings or public domain"),
        );
    }
    if let Some(d) = records.declared_files(DeclaredSource::LicensedElsewhere) {
        need(
            provider.other_private_datasets.used,
            "other_private_datasets.used",
            format!("{} file(s) declared licensed outside fermata", d.files),
        );
    }
    if !records.domains.is_empty() {
        need(
            provider.crawling.used,
            "crawling.used",
            format!(
                "files obtained from {} online domain(s) (the scans' sources)",
                records.domains.len()
            ),
        );
    }
    if !problems.is_empty() {
        return Err(ReportError::ProviderInput(problems.join("\n")));
    }
    Ok(EuSummary {
        template: TEMPLATE,
        audio_size_band: audio_size_band(records.audio_hours()),
        top_domains: top_domains(&records.domains, provider.sme),
        provider,
        records,
    })
}

/// Hours with the precision that matters at their size.
fn hours(h: f64) -> String {
    if h < 10.0 {
        format!("{h:.3}")
    } else {
        format!("{h:.1}")
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

/// The modalities, with audio added when fermata's records put audio in the section.
fn modalities(list: &[Modality], audio: bool) -> String {
    let mut all: BTreeSet<Modality> = list.iter().copied().collect();
    if audio {
        all.insert(Modality::Audio);
    }
    all.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ")
}

fn or_none(s: &str) -> String {
    if s.trim().is_empty() {
        "None.".into()
    } else {
        s.trim().to_string()
    }
}

fn field(label: &str, value: impl std::fmt::Display) -> String {
    format!("{label}: {value}")
}

impl EuSummary {
    /// The sections as (number, title, body paragraphs), the one structure every format renders:
    /// each paragraph starts with the template's wording of its field.
    pub fn sections(&self) -> Vec<(&'static str, &'static str, Vec<String>)> {
        let p = &self.provider;
        let r = &self.records;
        let n = |k: &str| r.files_by_verdict.get(k).copied().unwrap_or(0);
        let declared_n: u64 = r.declared.values().map(|d| d.files).sum();
        let declared = |s: DeclaredSource| r.declared_files(s);
        let describe = |s: DeclaredSource, what: &str| {
            declared(s).map(|d| {
                let refs = if d.references.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({})",
                        d.references.iter().cloned().collect::<Vec<_>>().join("; ")
                    )
                };
                format!(
                    "{what}: {} file(s), {} hours of audio{refs}.",
                    d.files,
                    hours(d.hours)
                )
            })
        };

        // 1.3
        let mut audio_types =
            vec!["sound recordings of music registered by their rightsholders".to_string()];
        for (s, what) in [
            (
                DeclaredSource::OwnRecording,
                "the provider's own recordings",
            ),
            (
                DeclaredSource::LicensedElsewhere,
                "recordings licensed outside fermata",
            ),
            (DeclaredSource::PublicDomain, "public-domain recordings"),
            (DeclaredSource::Generated, "AI-generated audio"),
        ] {
            if declared(s).is_some() {
                audio_types.push(what.into());
            }
        }
        let mut modalities_13 = vec![format!(
            "{}: Audio. {}: {} ({} hours {}). {}: {}.",
            label("1.3", "Modality"),
            label("1.3", "Training data size"),
            self.audio_size_band,
            hours(r.audio_hours()),
            if r.reported_hours > 0.0 {
                "reported as used in training runs"
            } else {
                "cleared or declared for training"
            },
            label("1.3", "Types of content"),
            audio_types.join("; ")
        )];
        for m in &p.other_modalities {
            modalities_13.push(format!(
                "{}: {}. {}: {}. {}: {}.",
                label("1.3", "Modality"),
                m.modality.name(),
                label("1.3", "Training data size"),
                m.size.trim(),
                label("1.3", "Types of content"),
                m.types_of_content.trim()
            ));
        }
        modalities_13.push(field(
            label("1.3", "Latest date"),
            r.latest_acquisition
                .as_deref()
                .unwrap_or("no data acquired"),
        ));
        modalities_13.push(field(
            label("1.3", "Description of the linguistic"),
            &p.linguistic_characteristics,
        ));
        modalities_13.push(field(
            label("1.3", "Other relevant"),
            &p.other_characteristics,
        ));

        // 2.1 to 2.6: every sub-field is written; under a "No", as not applicable.
        let na = |used: bool, value: String| {
            if used {
                value
            } else {
                "Not applicable.".to_string()
            }
        };
        let d = &p.public_datasets;
        let s21 = vec![
            field(label("2.1", "Have you"), yes_no(d.used)),
            field(
                label("2.1", "If yes, specify the modality"),
                na(d.used, modalities(&d.modalities, false)),
            ),
            field(
                label("2.1", "List of large"),
                na(
                    d.used,
                    if d.large.is_empty() {
                        "None.".to_string()
                    } else {
                        d.large
                            .iter()
                            .map(|x| format!("{} ({})", x.name, x.link))
                            .collect::<Vec<_>>()
                            .join("; ")
                    },
                ),
            ),
            field(
                label("2.1", "General description"),
                na(d.used, or_none(&d.other_description)),
            ),
        ];

        // 2.2.1
        let licensed = !r.licensed.is_empty();
        let list = r
            .licensed
            .iter()
            .map(|l| {
                format!(
                    "{}: {} work(s) in {} hours of audio",
                    l.holder,
                    l.works,
                    hours(l.hours)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let s221 = vec![
            field(label("2.2.1", "Have you"), yes_no(licensed)),
            field(
                label("2.2.1", "If yes, specify the modality"),
                na(licensed, "Audio".into()),
            ),
            field(
                label("2.2.1", "Rightsholders"),
                na(
                    licensed,
                    format!(
                        "{list}. In all, {} hours of audio (a file holding works of several licensors counted once).",
                        hours(r.licensed_hours)
                    ),
                ),
            ),
        ];

        // 2.2.2
        let o = &p.other_private_datasets;
        let elsewhere = declared(DeclaredSource::LicensedElsewhere);
        let used = o.used || elsewhere.is_some();
        let mut text = or_none(&o.description);
        if let Some(line) = describe(
            DeclaredSource::LicensedElsewhere,
            " Recordings licensed outside fermata, declared in its scans",
        ) {
            text.push_str(&line);
        }
        let s222 = vec![
            field(label("2.2.2", "Have you"), yes_no(used)),
            field(
                label("2.2.2", "If yes, specify the modality"),
                na(used, modalities(&o.modalities, elsewhere.is_some())),
            ),
            field(
                label("2.2.2", "If publicly known"),
                na(
                    used,
                    if o.publicly_known.is_empty() {
                        "None.".into()
                    } else {
                        o.publicly_known.join("; ")
                    },
                ),
            ),
            field(label("2.2.2", "General description"), na(used, text)),
        ];

        // 2.3
        let c = &p.crawling;
        let domains = if self.top_domains.is_empty() {
            "no domain recorded by fermata's scans; see the description above.".to_string()
        } else {
            format!(
                "{} (the top {} of the {} domains the scans recorded, by size of content{}).",
                self.top_domains
                    .iter()
                    .map(|(d, _)| d.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                if p.sme { "5 %, at most 1,000," } else { "10 %" },
                r.domains.len(),
                if p.sme { ", as an SME" } else { "" }
            )
        };
        let s23 = vec![
            field(label("2.3", "Were crawlers"), yes_no(c.used)),
            field(
                label("2.3", "If yes, specify crawler"),
                na(c.used, c.crawler_names.clone()),
            ),
            field(label("2.3", "Purposes"), na(c.used, c.purposes.clone())),
            field(
                label("2.3", "General description of crawler"),
                na(c.used, c.behaviour.clone()),
            ),
            field(label("2.3", "Period"), na(c.used, c.period.clone())),
            field(
                label("2.3", "Comprehensive"),
                na(c.used, c.content_description.clone()),
            ),
            field(
                label("2.3", "Type of modality"),
                na(c.used, modalities(&c.modalities, !r.domains.is_empty())),
            ),
            field(
                label("2.3", "Summary of the most relevant"),
                na(c.used, domains),
            ),
        ];

        // 2.4
        let u = &p.user_data;
        let used = u.from_model_interactions || u.from_other_services;
        let s24 = vec![
            field(
                label("2.4", "Was data from user"),
                yes_no(u.from_model_interactions),
            ),
            field(
                label("2.4", "Was data collected"),
                yes_no(u.from_other_services),
            ),
            field(
                label("2.4", "If yes, provide"),
                na(used, u.services_description.clone()),
            ),
            field(
                label("2.4", "Type of modality"),
                na(used, modalities(&u.modalities, false)),
            ),
        ];

        // 2.5
        let s = &p.synthetic_data;
        let generated = declared(DeclaredSource::Generated);
        let mut text = or_none(&s.description);
        if let Some(line) = describe(
            DeclaredSource::Generated,
            " AI-generated audio declared in fermata's scans, by generating model",
        ) {
            text.push_str(&line);
        }
        let s25 = vec![
            field(label("2.5", "Was synthetic"), yes_no(s.used)),
            field(
                label("2.5", "If yes, modality"),
                na(s.used, modalities(&s.modalities, generated.is_some())),
            ),
            field(
                label("2.5", "If yes, specify the general-purpose"),
                na(s.used, text),
            ),
        ];

        // 2.6
        let s = &p.other_sources;
        let mut text = or_none(&s.description);
        for (src, what) in [
            (
                DeclaredSource::OwnRecording,
                " The provider's own recordings, declared in fermata's scans",
            ),
            (
                DeclaredSource::PublicDomain,
                " Public-domain recordings, declared in fermata's scans",
            ),
        ] {
            if let Some(line) = describe(src, what) {
                text.push_str(&line);
            }
        }
        let s26 = vec![
            field(label("2.6", "Have data"), yes_no(s.used)),
            field(label("2.6", "If yes, provide"), na(s.used, text)),
        ];

        // 3.1
        let oo = &r.opt_outs;
        let mut protocols = vec![
            "fermata's registry of rightsholders' reservations and licences (every file)"
                .to_string(),
        ];
        if oo.sources_checked > 0 {
            protocols.push(format!(
                "TDMRep (/.well-known/tdmrep.json), robots.txt Content-Usage and the Content-Usage response header of each file's source ({} file(s) with a recorded source; {} refused because their source reserved AI training; {} whose source's signals could not be read)",
                oo.sources_checked, oo.sources_reserved, oo.sources_unreadable
            ));
        }
        let s31 = vec![
            field(
                label("3.1", "Are you"),
                yes_no(p.code_of_practice_signatory),
            ),
            format!(
                "{}: every audio file was identified by its sound against the fermata registry of rightsholders' recordings \
                 ({} scan(s): {}) and used only when each holder of each work in it had licensed or allowed the use; a file \
                 holding several works was used only if all were. Opt-out protocols honoured: {}. Excluded: {} file(s) whose \
                 rightsholders or sources reserved the use, {} file(s) needing a licence not granted, {} file(s) with no \
                 registered recording whose source was not declared (never counted as cleared), and {} unreadable file(s). \
                 {} file(s) with no registered recording were used on the provider's declaration of their source (2.2.2, 2.5, 2.6). \
                 The cleared data is committed to by Merkle root(s): {}; a rightsholder can obtain a proof that each of its works \
                 is or is not included. Further measures: {}",
                label("3.1", "Describe the measures"),
                r.scans.len(),
                if r.scans.is_empty() {
                    "none".to_string()
                } else {
                    r.scans.join(", ")
                },
                protocols.join("; "),
                n("denied"),
                n("licence-required"),
                n("unidentified").saturating_sub(declared_n),
                n("error"),
                declared_n,
                if r.manifests.is_empty() {
                    "none".to_string()
                } else {
                    r.manifests
                        .iter()
                        .map(|(id, root)| format!("{id} {root}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                },
                p.reservation_measures.trim()
            ),
        ];

        vec![
            (
                "",
                "Summary",
                vec![
                    field(label("header", "Version"), &p.summary_version),
                    field(label("header", "Last update"), &p.last_update),
                ],
            ),
            ("1", "General information", vec![]),
            (
                "1.1",
                "Provider identification",
                vec![
                    field(
                        label("1.1", "Provider name"),
                        format!("{}; {}", p.provider_name, p.provider_contact),
                    ),
                    field(label("1.1", "Authorised"), &p.authorised_representative),
                ],
            ),
            (
                "1.2",
                "Model identification",
                vec![
                    field(
                        label("1.2", "Versioned"),
                        format!("{} {}", r.model, p.model_version),
                    ),
                    field(label("1.2", "Model dependencies"), &p.model_dependencies),
                    field(label("1.2", "Date of placement"), &p.placed_on_market),
                ],
            ),
            (
                "1.3",
                "Modalities, overall training data size and other characteristics",
                modalities_13,
            ),
            ("2", "List of data sources", vec![]),
            ("2.1", "Publicly available datasets", s21),
            (
                "2.2",
                "Private non-publicly available datasets obtained from third parties",
                vec![],
            ),
            (
                "2.2.1",
                "Datasets commercially licensed by rightsholders or their representatives",
                s221,
            ),
            (
                "2.2.2",
                "Private datasets obtained from other third parties",
                s222,
            ),
            ("2.3", "Data crawled and scraped from online sources", s23),
            ("2.4", "User data", s24),
            ("2.5", "Synthetic data", s25),
            ("2.6", "Other sources of data", s26),
            ("3", "Data processing aspects", vec![]),
            (
                "3.1",
                "Respect of reservation of rights from text and data mining exception or limitation",
                s31,
            ),
            (
                "3.2",
                "Removal of illegal content",
                vec![field(label("3.2", "General"), &p.illegal_content_measures)],
            ),
            (
                "3.3",
                "Other information (optional)",
                vec![field(
                    label("3.3", "Other"),
                    p.other_information
                        .clone()
                        .unwrap_or_else(|| "None.".into()),
                )],
            ),
        ]
    }

    /// As Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Public summary of training content: {}\n\nFollowing the {}.\n",
            self.records.model, self.template
        );
        for (num, title, body) in self.sections() {
            let depth = if num.is_empty() {
                2
            } else {
                num.matches('.').count() + 2
            };
            let heading = if num.is_empty() {
                title.to_string()
            } else {
                format!("{num} {title}")
            };
            out.push_str(&format!("\n{} {heading}\n\n", "#".repeat(depth)));
            for p in body {
                out.push_str(&p);
                out.push_str("\n\n");
            }
        }
        out
    }

    /// As a standalone HTML page.
    pub fn to_html(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let mut out = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Public summary of training content: {m}</title></head>\n<body>\n<h1>Public summary of training content: {m}</h1>\n<p>Following the {t}.</p>\n",
            m = esc(&self.records.model),
            t = esc(self.template)
        );
        for (num, title, body) in self.sections() {
            let depth = if num.is_empty() {
                2
            } else {
                (num.matches('.').count() + 2).min(6)
            };
            let heading = if num.is_empty() {
                title.to_string()
            } else {
                format!("{num} {title}")
            };
            out.push_str(&format!("<h{depth}>{}</h{depth}>\n", esc(&heading)));
            for p in body {
                out.push_str(&format!("<p>{}</p>\n", esc(&p)));
            }
        }
        out.push_str("</body></html>\n");
        out
    }

    /// As JSON: the sections as rendered (number, title, paragraphs), then the inputs.
    pub fn to_json(&self) -> Result<String, ReportError> {
        let sections: Vec<serde_json::Value> = self
            .sections()
            .into_iter()
            .map(|(num, title, body)| serde_json::json!({"section": num, "title": title, "fields": body}))
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "template": self.template,
            "sections": sections,
            "provider": self.provider,
            "records": self.records,
            "audio_size_band": self.audio_size_band,
            "top_domains": self.top_domains,
        }))
        .map_err(|e| ReportError::ProviderInput(format!("cannot encode the summary: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const INPUT: &str = include_str!("../../../docs/eu-summary-input.json");
    const FIELDS: &str = include_str!("../../../docs/eu-summary-template-fields.md");

    fn records() -> RecordedFacts {
        let mut records = RecordedFacts {
            model: "m1".into(),
            developer: "acme-ai".into(),
            cleared_hours: 12.5,
            licensed_hours: 10.0,
            latest_acquisition: Some("08/2026".into()),
            ..Default::default()
        };
        records.files_by_verdict.insert("denied".into(), 3);
        records.files_by_verdict.insert("unidentified".into(), 2);
        records.licensed.push(LicensedSource {
            holder: "indie-records".into(),
            works: 4,
            hours: 10.0,
        });
        records
    }

    #[test]
    fn every_template_field_of_the_list_is_in_every_format() {
        let s = summary(ProviderInput::from_json(INPUT).unwrap(), records()).unwrap();
        let (md, html, json) = (s.to_markdown(), s.to_html(), s.to_json().unwrap());
        let mut listed = 0;
        for row in FIELDS.lines().filter(|l| {
            l.starts_with("| ") && !l.starts_with("| Section") && !l.starts_with("| ---")
        }) {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let (section, wording) = (cells[1], cells[2]);
            assert!(
                TEMPLATE_FIELDS
                    .iter()
                    .any(|(s, w)| *s == section && *w == wording),
                "{section} {wording} is in TEMPLATE_FIELDS"
            );
            let escaped = wording.replace('&', "&amp;").replace('"', "&quot;");
            assert!(md.contains(wording), "{wording} in:\n{md}");
            assert!(html.contains(&escaped), "{wording} in the HTML");
            assert!(json.contains(wording), "{wording} in the JSON");
            listed += 1;
        }
        assert_eq!(
            listed,
            TEMPLATE_FIELDS.len(),
            "the list and the code name the same fields"
        );
        for n in [
            "1.1", "1.2", "1.3", "2.1", "2.2", "2.2.1", "2.2.2", "2.3", "2.4", "2.5", "2.6", "3.1",
            "3.2", "3.3",
        ] {
            assert!(md.contains(&format!(" {n} ")), "section {n}");
        }
        assert!(md.contains("Less than 10 000 hours (12.5 hours"), "{md}");
        assert!(
            md.contains("indie-records: 4 work(s) in 10.0 hours"),
            "{md}"
        );
        assert!(
            md.contains("collection for model training: 08/2026"),
            "{md}"
        );
        assert!(md.contains("3 file(s) whose rightsholders or sources reserved"));
        assert!(
            md.contains("2 file(s) with no registered recording whose source was not declared")
        );
        assert!(html.contains("<h4>2.2.1 Datasets commercially licensed"));
        assert_eq!(audio_size_band(2_000_000.0), "More than 1 million hours");
    }

    #[test]
    fn declared_sources_put_their_files_in_their_sections_and_no_is_refused() {
        let mut r = records();
        r.declared.insert(
            "generated".into(),
            DeclaredTotal {
                files: 2,
                hours: 1.0,
                references: ["Synth 2".to_string()].into(),
            },
        );
        r.declared.insert(
            "own-recording".into(),
            DeclaredTotal {
                files: 1,
                hours: 0.5,
                references: BTreeSet::new(),
            },
        );
        let input = ProviderInput::from_json(INPUT).unwrap();
        let e = summary(input.clone(), r.clone()).unwrap_err().to_string();
        assert!(
            e.contains("synthetic_data.used") && e.contains("other_sources.used"),
            "{e}"
        );
        let mut input = input;
        input.synthetic_data = SourceAnswer {
            used: true,
            modalities: vec![Modality::Audio],
            description: "Drum loops.".into(),
        };
        input.other_sources = SourceAnswer {
            used: true,
            modalities: vec![],
            description: "Studio sessions.".into(),
        };
        let input = input.clone();
        let s = summary(input, r).unwrap();
        let md = s.to_markdown();
        assert!(md.contains("AI-generated audio declared in fermata's scans, by generating model: 2 file(s), 1.000 hours of audio (Synth 2)."), "{md}");
        assert!(
            md.contains("own recordings, declared in fermata's scans: 1 file(s)"),
            "{md}"
        );
        assert!(
            md.contains("0 file(s) with no registered recording whose source was not declared"),
            "{md}"
        );
        assert!(
            md.contains("3 file(s) with no registered recording were used"),
            "{md}"
        );
    }

    #[test]
    fn the_top_domains_are_a_tenth_or_for_an_sme_a_twentieth() {
        let domains: BTreeMap<String, u64> = (0..40)
            .map(|i| (format!("d{i:02}.example"), i as u64))
            .collect();
        let top = top_domains(&domains, false);
        assert_eq!(top.len(), 4);
        assert_eq!(top[0].0, "d39.example");
        assert_eq!(top_domains(&domains, true).len(), 2);
        let one: BTreeMap<String, u64> = [("a.example".to_string(), 1)].into();
        assert_eq!(top_domains(&one, true).len(), 1);
        assert!(top_domains(&BTreeMap::new(), false).is_empty());
        assert_eq!(
            domain_of("https://user@Music.Example:8443/a?b"),
            Some("music.example".into())
        );
        assert_eq!(month_of_ns(1_780_000_000_000_000_000), "05/2026");
        assert_eq!(month_of_ns(0), "01/1970");
    }

    #[test]
    fn missing_blank_or_unanswered_fields_are_errors_naming_them() {
        let err = |text: &str| ProviderInput::from_json(text).unwrap_err().to_string();
        let missing = INPUT.replace(r#""sme": false,"#, "");
        assert!(err(&missing).contains("sme"));
        let blank = INPUT.replace(r#""summary_version": "1.0""#, r#""summary_version": " ""#);
        assert!(err(&blank).contains("summary_version"));
        let unknown = INPUT.replace(r#""sme": false,"#, r#""sme": false, "secret_terms": "x","#);
        assert!(err(&unknown).contains("secret_terms"));
        let date = INPUT.replace("2026-09-01", "September");
        assert!(err(&date).contains("placed_on_market"));
        let yes = INPUT.replace(
            r#""crawling": {"used": false}"#,
            r#""crawling": {"used": true}"#,
        );
        let e = err(&yes);
        assert!(
            e.contains("crawling.crawler_names") && e.contains("crawling.modalities"),
            "{e}"
        );
        let band = INPUT.replace("Less than 1 billion tokens", "lots");
        assert!(err(&band).contains("write one of: Less than 1 billion tokens"));
        let old = r#"{"provider_name": "A", "crawled_data": "none", "user_data": "none"}"#;
        let e = err(old);
        assert!(
            e.contains("earlier format")
                && e.contains("summary_version")
                && e.contains("code_of_practice_signatory"),
            "{e}"
        );
        assert!(ProviderInput::from_json("{").is_err());
    }

    #[test]
    fn a_form_is_read_into_the_same_fields() {
        let input = ProviderInput::from_json(INPUT).unwrap();
        let form = |name: &str| -> String {
            match name {
                "other_modalities" => "text; Less than 1 billion tokens; song metadata".into(),
                "public_datasets.large" => String::new(),
                "sme" | "code_of_practice_signatory" => "no".into(),
                _ => {
                    let v = serde_json::to_value(&input).unwrap();
                    let mut at = &v;
                    for part in name.split('.') {
                        at = &at[part];
                    }
                    match at {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Bool(b) => {
                            if *b {
                                "yes".into()
                            } else {
                                "no".into()
                            }
                        }
                        _ => String::new(),
                    }
                }
            }
        };
        let read = ProviderInput::from_form(form).unwrap();
        assert_eq!(read.other_modalities[0].modality, Modality::Text);
        assert_eq!(read.provider_name, input.provider_name);
        assert!(!read.crawling.used);
        let d = PublicDataset::from_lines(
            "Free Music Archive https://fma.example\n\n  MusicNet  https://mn.example \n",
        )
        .unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].name, "Free Music Archive");
        assert!(PublicDataset::from_lines("only-a-link").is_err());
    }
}
