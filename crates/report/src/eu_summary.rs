//! The public summary of training content of a general-purpose AI model (AI Act Art. 53(1)(d)),
//! in the structure of the AI Office's template of 24 July 2025: 1 General information
//! (1.1 provider, 1.2 model, 1.3 modalities and size), 2 List of data sources (2.1 publicly
//! available datasets, 2.2 private datasets from third parties with 2.2.1 datasets licensed by
//! rightsholders, 2.3 crawled and scraped data, 2.4 user data, 2.5 synthetic data, 2.6 other
//! sources), 3 Data processing (3.1 respect of reservations of rights from the text and data
//! mining exception, 3.2 removal of illegal content, 3.3 other information).
//!
//! What fermata records (scans, verdicts, manifests, licences, usage) fills the audio parts of
//! 1.3, 2.2.1 and 3.1 exactly; what it cannot know comes from a JSON file the provider fills in
//! ([`ProviderInput`]), every field required.

use crate::ReportError;
use fermata_registry::{Registry, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What the provider declares (fermata cannot know it). Every field must be present; write
/// `"none"` (or an empty list) where a source was not used, so that nothing is left blank by
/// mistake.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderInput {
    /// 1.1: the provider's name.
    pub provider_name: String,
    /// 1.1: contact details.
    pub provider_contact: String,
    /// 1.1: the authorised representative in the Union, or "none".
    pub authorised_representative: String,
    /// 1.2: the model's version.
    pub model_version: String,
    /// 1.2: date placed on the Union market (YYYY-MM-DD).
    pub placed_on_market: String,
    /// 1.2: models this one builds on (fine-tuned from, distilled from), or "none".
    pub model_dependencies: String,
    /// 1.3: modalities other than the audio fermata records, with their size band and content
    /// type, e.g. "text: less than 1 billion tokens, song lyrics"; or "none".
    pub other_modalities: String,
    /// 2.1: publicly available datasets used (name and link of each large one), or empty.
    pub public_datasets: Vec<PublicDataset>,
    /// 2.2.2: private datasets from third parties other than rightsholders, or "none".
    pub other_private_datasets: String,
    /// 2.3: crawling: crawlers, period, content, top domains; or "none".
    pub crawled_data: String,
    /// 2.4: user data, or "none".
    pub user_data: String,
    /// 2.5: synthetic data, or "none".
    pub synthetic_data: String,
    /// 2.6: other sources, or "none".
    pub other_sources: String,
    /// 3.2: measures to remove illegal content.
    pub illegal_content_measures: String,
    /// 3.3: anything else the provider wants to say (optional).
    #[serde(default)]
    pub other_information: Option<String>,
}

/// Most public datasets one summary lists.
pub const MAX_PUBLIC_DATASETS: usize = 500;

/// A publicly available dataset (2.1).
#[derive(Clone, Debug, Deserialize, Serialize)]
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

impl ProviderInput {
    /// Reads and checks the provider's file: unknown or missing fields, and empty required
    /// text, are errors naming the field.
    pub fn from_json(text: &str) -> Result<ProviderInput, ReportError> {
        let input: ProviderInput =
            serde_json::from_str(text).map_err(|e| ReportError::ProviderInput(e.to_string()))?;
        input.checked()
    }

    /// The declarations, checked as [`ProviderInput::from_json`] checks them (however they were
    /// gathered, e.g. from a web form): empty required text, a date that is not one, and a
    /// public dataset without a name or link are errors naming the field.
    pub fn checked(self) -> Result<ProviderInput, ReportError> {
        let input = self;
        let required = [
            ("provider_name", &input.provider_name),
            ("provider_contact", &input.provider_contact),
            (
                "authorised_representative",
                &input.authorised_representative,
            ),
            ("model_version", &input.model_version),
            ("placed_on_market", &input.placed_on_market),
            ("model_dependencies", &input.model_dependencies),
            ("other_modalities", &input.other_modalities),
            ("other_private_datasets", &input.other_private_datasets),
            ("crawled_data", &input.crawled_data),
            ("user_data", &input.user_data),
            ("synthetic_data", &input.synthetic_data),
            ("other_sources", &input.other_sources),
            ("illegal_content_measures", &input.illegal_content_measures),
        ];
        let bounded = |field: &'static str, value: &str| {
            fermata_registry::bounded(field, value, fermata_registry::MAX_TEXT_CHARS)
                .map_err(|e| ReportError::ProviderInput(e.to_string()))
        };
        for (field, value) in required {
            if value.trim().is_empty() {
                return Err(ReportError::ProviderInput(format!(
                    "\"{field}\" is empty; write what applies, or \"none\""
                )));
            }
            bounded(field, value)?;
        }
        bounded(
            "other_information",
            input.other_information.as_deref().unwrap_or(""),
        )?;
        if input.public_datasets.len() > MAX_PUBLIC_DATASETS {
            return Err(ReportError::ProviderInput(format!(
                "list at most {MAX_PUBLIC_DATASETS} public datasets (the large ones)"
            )));
        }
        fermata_registry::validate_date("placed_on_market", &input.placed_on_market)
            .map_err(|e| ReportError::ProviderInput(e.to_string()))?;
        for (i, d) in input.public_datasets.iter().enumerate() {
            if d.name.trim().is_empty() || d.link.trim().is_empty() {
                return Err(ReportError::ProviderInput(format!(
                    "public_datasets[{i}] needs a name and a link"
                )));
            }
            bounded("public_datasets", &d.name)?;
            bounded("public_datasets", &d.link)?;
        }
        Ok(input)
    }
}

/// One rights holder's licensed contribution (2.2.1): no terms, only counts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LicensedSource {
    /// The rights holder.
    pub holder: String,
    /// Distinct works of the holder in the cleared data.
    pub works: u64,
    /// Hours of audio of those works in the cleared data.
    pub hours: f64,
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
    /// Files scanned, by verdict.
    pub files_by_verdict: BTreeMap<String, u64>,
    /// Hours scanned, by verdict.
    pub hours_by_verdict: BTreeMap<String, f64>,
    /// Hours of audio cleared for training.
    pub cleared_hours: f64,
    /// Hours of audio reported as used in training runs (usage reports).
    pub reported_hours: f64,
    /// The latest day data was scanned (acquired for training).
    pub latest_acquisition: Option<String>,
    /// Per rights holder, from cleared files.
    pub licensed: Vec<LicensedSource>,
}

impl RecordedFacts {
    /// What fermata's records say about `model`'s training data: the latest finished scan of
    /// each of its datasets (what was cleared for training), their files by verdict and hours,
    /// the manifests built from them, the cleared hours per rights holder, and the hours
    /// reported as used. A model with no finished scan is an error: the summary is made from
    /// them.
    pub fn of_model(registry: &mut Registry, model: &str) -> Result<RecordedFacts, ReportError> {
        // The latest finished scan of each dataset for this model is what was cleared.
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
        let mut per_holder: BTreeMap<String, (BTreeSet<String>, f64)> = BTreeMap::new();
        let manifests = registry.manifests()?;
        for scan in latest.values() {
            facts.developer = scan.developer.clone();
            facts.scans.push(scan.id.clone());
            let day = scan
                .finished_at
                .as_deref()
                .map(|t| t[..10.min(t.len())].to_string());
            if day > facts.latest_acquisition {
                facts.latest_acquisition = day;
            }
            if let Some(m) = manifests.iter().rfind(|m| m.scan_id == scan.id) {
                facts.manifests.push((m.id.clone(), m.root.clone()));
            }
            for file in registry.scan_files(&scan.id)? {
                let Some(v) = file.verdict else { continue };
                let hours = file.duration_s / 3600.0;
                let verdict = v.verdict.as_str().to_string();
                *facts.files_by_verdict.entry(verdict.clone()).or_default() += 1;
                *facts.hours_by_verdict.entry(verdict).or_default() += hours;
                if v.verdict == Verdict::Cleared {
                    facts.cleared_hours += hours;
                    // A file holding several works counts its duration in equal parts to each.
                    let share = hours / v.works.len().max(1) as f64;
                    for w in &v.works {
                        for h in &w.holders {
                            let entry = per_holder.entry(h.holder.clone()).or_default();
                            entry.0.insert(w.isrc.to_string());
                            entry.1 += share;
                        }
                    }
                }
            }
        }
        facts.licensed = per_holder
            .into_iter()
            .map(|(holder, (works, hours))| LicensedSource {
                holder,
                works: works.len() as u64,
                hours,
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
}

/// The audio size band of the template (1.3).
pub fn audio_size_band(hours: f64) -> &'static str {
    if hours < 10_000.0 {
        "less than 10,000 hours"
    } else if hours <= 1_000_000.0 {
        "10,000 to 1 million hours"
    } else {
        "more than 1 million hours"
    }
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
}

/// Reference to the template followed.
pub const TEMPLATE: &str = "AI Office, Template for the Public Summary of Training Content for general-purpose AI models (Art. 53(1)(d) AI Act), 24 July 2025";

/// Puts the two together.
pub fn summary(provider: ProviderInput, records: RecordedFacts) -> EuSummary {
    let hours = if records.reported_hours > 0.0 {
        records.reported_hours
    } else {
        records.cleared_hours
    };
    EuSummary {
        template: TEMPLATE,
        provider,
        audio_size_band: audio_size_band(hours),
        records,
    }
}

/// Hours with the precision that matters at their size.
fn hours(h: f64) -> String {
    if h < 10.0 {
        format!("{h:.3}")
    } else {
        format!("{h:.1}")
    }
}

fn excluded(r: &RecordedFacts) -> (u64, u64, u64, u64) {
    let n = |k: &str| r.files_by_verdict.get(k).copied().unwrap_or(0);
    (
        n("denied"),
        n("licence-required"),
        n("unidentified"),
        n("error"),
    )
}

impl EuSummary {
    /// The sections as (number, title, body paragraphs), the one structure every format renders.
    pub fn sections(&self) -> Vec<(&'static str, &'static str, Vec<String>)> {
        let p = &self.provider;
        let r = &self.records;
        let (denied, unlicensed, unidentified, errors) = excluded(r);
        let hours_used = if r.reported_hours > 0.0 {
            r.reported_hours
        } else {
            r.cleared_hours
        };
        let mut licensed: Vec<String> = r
            .licensed
            .iter()
            .map(|l| {
                format!(
                    "{}: {} work(s), {} hours of audio.",
                    l.holder,
                    l.works,
                    hours(l.hours)
                )
            })
            .collect();
        if licensed.is_empty() {
            licensed.push("No dataset licensed from rightsholders was used.".into());
        }
        let public: Vec<String> = if p.public_datasets.is_empty() {
            vec!["None.".into()]
        } else {
            p.public_datasets
                .iter()
                .map(|d| format!("{} ({})", d.name, d.link))
                .collect()
        };
        vec![
            ("1", "General information", vec![]),
            (
                "1.1",
                "Provider identification",
                vec![
                    format!(
                        "Provider: {}. Contact: {}.",
                        p.provider_name, p.provider_contact
                    ),
                    format!(
                        "Authorised representative: {}.",
                        p.authorised_representative
                    ),
                ],
            ),
            (
                "1.2",
                "Model identification",
                vec![
                    format!(
                        "Model: {} version {}; placed on the Union market on {}.",
                        r.model, p.model_version, p.placed_on_market
                    ),
                    format!("Dependencies: {}.", p.model_dependencies),
                ],
            ),
            (
                "1.3",
                "Modalities, overall training data size and other characteristics",
                vec![
                    format!(
                        "Audio: {} ({} hours {}); content: sound recordings of music.",
                        self.audio_size_band,
                        hours(hours_used),
                        if r.reported_hours > 0.0 {
                            "reported as used in training runs"
                        } else {
                            "cleared for training"
                        }
                    ),
                    format!("Other modalities: {}.", p.other_modalities),
                    format!(
                        "Latest date of acquisition of training data: {}.",
                        r.latest_acquisition
                            .as_deref()
                            .unwrap_or("no data acquired")
                    ),
                ],
            ),
            ("2", "List of data sources", vec![]),
            ("2.1", "Publicly available datasets", public),
            (
                "2.2",
                "Private non-publicly available datasets obtained from third parties",
                vec![],
            ),
            (
                "2.2.1",
                "Datasets commercially licensed by rightsholders or their representatives",
                licensed,
            ),
            (
                "2.2.2",
                "Private datasets obtained from other third parties",
                vec![format!("{}.", p.other_private_datasets)],
            ),
            (
                "2.3",
                "Data crawled and scraped from online sources",
                vec![format!("{}.", p.crawled_data)],
            ),
            ("2.4", "User data", vec![format!("{}.", p.user_data)]),
            (
                "2.5",
                "Synthetic data",
                vec![format!("{}.", p.synthetic_data)],
            ),
            (
                "2.6",
                "Other sources of data",
                vec![format!("{}.", p.other_sources)],
            ),
            ("3", "Data processing aspects", vec![]),
            (
                "3.1",
                "Respect of reservation of rights from the text and data mining exception or limitation",
                vec![
                    format!(
                        "Every audio file was identified by its sound against the fermata registry of rights holders' recordings \
                     ({} scan(s): {}) and used only when each holder of each work in it had licensed or allowed the use; \
                     a file holding several works was used only if all were.",
                        r.scans.len(),
                        if r.scans.is_empty() {
                            "none".to_string()
                        } else {
                            r.scans.join(", ")
                        }
                    ),
                    format!(
                        "Excluded: {denied} file(s) whose rights holders reserved the use, {unlicensed} file(s) needing a licence not \
                     granted, {unidentified} file(s) with no registered recording identified (never counted as cleared), and \
                     {errors} unreadable file(s)."
                    ),
                    format!(
                        "The cleared data is committed to by Merkle root(s): {}. A rights holder can obtain a proof that each of its \
                     works is or is not included.",
                        if r.manifests.is_empty() {
                            "none".to_string()
                        } else {
                            r.manifests
                                .iter()
                                .map(|(id, root)| format!("{id} {root}"))
                                .collect::<Vec<_>>()
                                .join("; ")
                        }
                    ),
                ],
            ),
            (
                "3.2",
                "Removal of illegal content",
                vec![format!("{}.", p.illegal_content_measures)],
            ),
            (
                "3.3",
                "Other information",
                vec![
                    p.other_information
                        .clone()
                        .unwrap_or_else(|| "None.".into()),
                ],
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
            let depth = num.matches('.').count() + 2;
            out.push_str(&format!("\n{} {num} {title}\n\n", "#".repeat(depth)));
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
            let depth = (num.matches('.').count() + 2).min(6);
            out.push_str(&format!("<h{depth}>{num} {}</h{depth}>\n", esc(title)));
            for p in body {
                out.push_str(&format!("<p>{}</p>\n", esc(&p)));
            }
        }
        out.push_str("</body></html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const INPUT: &str = r#"{
        "provider_name": "Acme AI", "provider_contact": "legal@acme.example", "authorised_representative": "none",
        "model_version": "1.0", "placed_on_market": "2026-09-01", "model_dependencies": "none",
        "other_modalities": "none", "public_datasets": [], "other_private_datasets": "none", "crawled_data": "none",
        "user_data": "none", "synthetic_data": "none", "other_sources": "none",
        "illegal_content_measures": "only catalogue recordings licensed or allowed by their rights holders were used"
    }"#;

    #[test]
    fn every_template_section_is_present_with_the_records_figures() {
        let mut records = RecordedFacts {
            model: "m1".into(),
            developer: "acme-ai".into(),
            cleared_hours: 12.5,
            ..Default::default()
        };
        records.files_by_verdict.insert("denied".into(), 3);
        records.files_by_verdict.insert("unidentified".into(), 2);
        records.licensed.push(LicensedSource {
            holder: "indie-records".into(),
            works: 4,
            hours: 10.0,
        });
        let s = summary(ProviderInput::from_json(INPUT).unwrap(), records);
        let md = s.to_markdown();
        for n in [
            "1.1", "1.2", "1.3", "2.1", "2.2", "2.2.1", "2.2.2", "2.3", "2.4", "2.5", "2.6", "3.1",
            "3.2", "3.3",
        ] {
            assert!(md.contains(&format!(" {n} ")), "section {n} in:\n{md}");
        }
        assert!(
            md.contains("less than 10,000 hours (12.5 hours cleared for training)"),
            "{md}"
        );
        assert!(md.contains("indie-records: 4 work(s), 10.0 hours"), "{md}");
        assert!(md.contains("3 file(s) whose rights holders reserved"));
        assert!(md.contains("2 file(s) with no registered recording"));
        assert!(
            s.to_html()
                .contains("<h4>2.2.1 Datasets commercially licensed")
        );
        assert_eq!(audio_size_band(2_000_000.0), "more than 1 million hours");
    }

    #[test]
    fn missing_or_blank_fields_are_errors() {
        let missing = INPUT.replace(r#""user_data": "none","#, "");
        assert!(
            ProviderInput::from_json(&missing)
                .unwrap_err()
                .to_string()
                .contains("user_data")
        );
        let blank = INPUT.replace(r#""crawled_data": "none""#, r#""crawled_data": " ""#);
        assert!(
            ProviderInput::from_json(&blank)
                .unwrap_err()
                .to_string()
                .contains("crawled_data")
        );
        let unknown = INPUT.replace(r#""user_data""#, r#""secret_terms": "x", "user_data""#);
        assert!(
            ProviderInput::from_json(&unknown)
                .unwrap_err()
                .to_string()
                .contains("secret_terms")
        );
        let date = INPUT.replace("2026-09-01", "September");
        assert!(
            ProviderInput::from_json(&date)
                .unwrap_err()
                .to_string()
                .contains("YYYY-MM-DD")
        );
        assert!(ProviderInput::from_json("{").is_err());
    }

    #[test]
    fn public_datasets_are_read_one_a_line_with_the_link_last() {
        let d = PublicDataset::from_lines(
            "Free Music Archive https://fma.example\n\n  MusicNet  https://mn.example \n",
        )
        .unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].name, "Free Music Archive");
        assert_eq!(d[0].link, "https://fma.example");
        assert_eq!(d[1].name, "MusicNet");
        assert!(PublicDataset::from_lines("only-a-link").is_err());
        assert!(PublicDataset::from_lines("").unwrap().is_empty());
    }
}
