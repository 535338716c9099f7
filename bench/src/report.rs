//! Scoring and reporting: recall and false positives per condition and length, and the run-wide
//! figures, as JSON and as a Markdown table with every system side by side.

use crate::queries::{Query, Truth};
use crate::systems::{Answer, SystemRun};
use serde::Serialize;

/// A right answer names the right track and puts the query within this many seconds of where it
/// was cut.
pub const OFFSET_TOLERANCE_S: f64 = 1.0;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Cell {
    pub registered: usize,
    pub correct: usize,
    pub wrong_track: usize,
    pub unregistered: usize,
    pub false_positives: usize,
    /// Registered queries with a second registered recording mixed in.
    pub seconds: usize,
    /// ... of which the second recording was reported too.
    pub second_found: usize,
}

impl Cell {
    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.registered.max(1) as f64
    }
    pub fn second_recall(&self) -> f64 {
        self.second_found as f64 / self.seconds.max(1) as f64
    }
    pub fn fp_rate(&self) -> f64 {
        self.false_positives as f64 / self.unregistered.max(1) as f64
    }
}

/// The counts of one (condition, length) pair.
#[derive(Clone, Debug, Serialize)]
pub struct CellRow {
    pub condition: String,
    pub length_s: f64,
    pub counts: Cell,
}

#[derive(Clone, Debug, Serialize)]
pub struct SystemSummary {
    pub name: String,
    pub version: String,
    pub settings: String,
    /// Per (condition, length), in the order the queries were made.
    pub cells: Vec<CellRow>,
    pub total: Cell,
    pub index_x_realtime_per_core: Option<f64>,
    pub index_x_realtime_wall: f64,
    pub index_bytes_per_hour: f64,
    pub latency_median_ms: f64,
    pub latency_p99_ms: f64,
    /// Latency of queries that matched something, and of those that matched nothing.
    pub latency_matched_median_ms: f64,
    pub latency_matched_p99_ms: f64,
    pub latency_unmatched_median_ms: f64,
    pub latency_unmatched_p99_ms: f64,
    pub query_peak_rss_mib: Option<f64>,
    pub errors: usize,
}

/// The `p` quantile (0 to 1) of `values`, nearest rank; NaN when there are none.
pub(crate) fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * p).round() as usize]
}

pub fn summarise(run: &SystemRun, queries: &[Query]) -> SystemSummary {
    let mut cells: Vec<CellRow> = Vec::new();
    let mut total = Cell::default();
    let (mut matched_ms, mut unmatched_ms) = (Vec::new(), Vec::new());
    for (i, (q, answer)) in queries.iter().zip(&run.answers).enumerate() {
        if let Some(&ms) = run.latencies_ms.get(i) {
            if answer.is_some() {
                matched_ms.push(ms);
            } else {
                unmatched_ms.push(ms);
            }
        }
        // Everything the system reported; its top answer when that is all that is known.
        let all: Vec<&Answer> = match run.reported.get(i) {
            Some(r) if !r.is_empty() => r.iter().collect(),
            _ => answer.iter().collect(),
        };
        let names = |a: &Answer, t: &Truth| {
            a.track == t.track && (a.offset_s - t.offset_s).abs() <= OFFSET_TOLERANCE_S
        };
        let position = cells
            .iter()
            .position(|c| c.condition == q.condition && c.length_s == q.length_s);
        let position = position.unwrap_or_else(|| {
            cells.push(CellRow {
                condition: q.condition.clone(),
                length_s: q.length_s,
                counts: Cell::default(),
            });
            cells.len() - 1
        });
        for c in [&mut cells[position].counts, &mut total] {
            match (&q.truth, answer) {
                (Some(truth), Some(a)) => {
                    c.registered += 1;
                    if let Some(second) = &q.second {
                        // A mix: each part counts where it is reported, whichever comes first.
                        c.seconds += 1;
                        c.correct += all.iter().any(|a| names(a, truth)) as usize;
                        c.second_found += all.iter().any(|a| names(a, second)) as usize;
                        c.wrong_track +=
                            (a.track != truth.track && a.track != second.track) as usize;
                    } else if a.track == truth.track {
                        if names(a, truth) {
                            c.correct += 1;
                        }
                    } else {
                        c.wrong_track += 1;
                    }
                }
                (Some(_), None) => {
                    c.registered += 1;
                    c.seconds += q.second.is_some() as usize;
                }
                (None, a) => {
                    c.unregistered += 1;
                    c.false_positives += a.is_some() as usize;
                }
            }
        }
    }
    let hours = run.audio_seconds_indexed / 3600.0;
    SystemSummary {
        name: run.name.clone(),
        version: run.version.clone(),
        settings: run.settings.clone(),
        cells,
        total,
        index_x_realtime_per_core: run
            .index_cpu_s
            .map(|c| run.audio_seconds_indexed / c.max(1e-9)),
        index_x_realtime_wall: run.audio_seconds_indexed / run.index_wall_s.max(1e-9),
        index_bytes_per_hour: run.index_bytes as f64 / hours.max(1e-9),
        latency_median_ms: percentile(&run.latencies_ms, 0.5),
        latency_p99_ms: percentile(&run.latencies_ms, 0.99),
        latency_matched_median_ms: percentile(&matched_ms, 0.5),
        latency_matched_p99_ms: percentile(&matched_ms, 0.99),
        latency_unmatched_median_ms: percentile(&unmatched_ms, 0.5),
        latency_unmatched_p99_ms: percentile(&unmatched_ms, 0.99),
        query_peak_rss_mib: run
            .query_peak_rss_bytes
            .map(|b| b as f64 / (1024.0 * 1024.0)),
        errors: run.errors,
    }
}

/// A query length; 0 stands for whole recordings.
fn length(s: f64) -> String {
    if s == 0.0 {
        "whole".into()
    } else {
        format!("{s} s")
    }
}

fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

/// A Markdown table's head: the `leading` columns, then for each system one right-aligned
/// column per suffix in `per_system` (named "system suffix").
fn table_head(out: &mut String, leading: &[&str], systems: &[&str], per_system: &[&str]) {
    out.push('|');
    for l in leading {
        out.push_str(&format!(" {l} |"));
    }
    for name in systems {
        for suffix in per_system {
            out.push_str(&format!(" {name}{suffix} |"));
        }
    }
    out.push_str("\n|");
    for _ in leading {
        out.push_str(" --- |");
    }
    for _ in 0..systems.len() * per_system.len() {
        out.push_str(" ---: |");
    }
    out.push('\n');
}

/// The Markdown report: one row per (condition, length), a recall and a false-positive column
/// per system, then the run-wide figures, with ratios to fermata.
pub fn markdown(summaries: &[SystemSummary], header: &str) -> String {
    let mut out = String::new();
    let names: Vec<&str> = summaries.iter().map(|s| s.name.as_str()).collect();
    out.push_str(header);
    out.push_str("\n\n");
    table_head(
        &mut out,
        &["condition", "length"],
        &names,
        &[" top-1", " FP"],
    );
    for (i, row) in summaries[0].cells.iter().enumerate() {
        out.push_str(&format!("| {} | {} |", row.condition, length(row.length_s)));
        for s in summaries {
            let c = &s.cells[i].counts;
            out.push_str(&format!(" {} | {} |", pct(c.recall()), pct(c.fp_rate())));
        }
        out.push('\n');
    }
    if summaries[0].cells.iter().any(|c| c.counts.seconds > 0) {
        out.push_str("\nThe second recording of a mix, reported as well:\n\n");
        table_head(
            &mut out,
            &["condition", "length"],
            &names,
            &[" second part"],
        );
        for (i, row) in summaries[0].cells.iter().enumerate() {
            if row.counts.seconds == 0 {
                continue;
            }
            out.push_str(&format!("| {} | {} |", row.condition, length(row.length_s)));
            for s in summaries {
                out.push_str(&format!(" {} |", pct(s.cells[i].counts.second_recall())));
            }
            out.push('\n');
        }
    }
    out.push('\n');
    table_head(&mut out, &["measure"], &names, &[""]);
    let base = &summaries[0];
    let ratio = |v: f64, b: f64| {
        if b > 0.0 && v.is_finite() {
            format!(" ({:.2}×)", v / b)
        } else {
            String::new()
        }
    };
    type Cell<'a> = Box<dyn Fn(&SystemSummary) -> String + 'a>;
    let rows: Vec<(&str, Cell<'_>)> = vec![
        (
            "top-1 recall, all registered queries",
            Box::new(|s: &SystemSummary| pct(s.total.recall())),
        ),
        (
            "false positives, all unregistered queries",
            Box::new(|s: &SystemSummary| {
                format!("{} of {}", s.total.false_positives, s.total.unregistered)
            }),
        ),
        (
            "wrong track for a registered query",
            Box::new(|s: &SystemSummary| s.total.wrong_track.to_string()),
        ),
        (
            "indexing, × real time per core (CPU time)",
            Box::new(move |s: &SystemSummary| match s.index_x_realtime_per_core {
                Some(v) => format!(
                    "{v:.0}×{}",
                    ratio(v, base.index_x_realtime_per_core.unwrap_or(f64::NAN))
                ),
                None => "—".into(),
            }),
        ),
        (
            "indexing, × real time wall-clock",
            Box::new(move |s: &SystemSummary| {
                format!(
                    "{:.0}×{}",
                    s.index_x_realtime_wall,
                    ratio(s.index_x_realtime_wall, base.index_x_realtime_wall)
                )
            }),
        ),
        (
            "index bytes per hour of audio",
            Box::new(move |s: &SystemSummary| {
                format!(
                    "{:.0}{}",
                    s.index_bytes_per_hour,
                    ratio(s.index_bytes_per_hour, base.index_bytes_per_hour)
                )
            }),
        ),
        (
            "query latency median (ms)",
            Box::new(move |s: &SystemSummary| {
                format!(
                    "{:.1}{}",
                    s.latency_median_ms,
                    ratio(s.latency_median_ms, base.latency_median_ms)
                )
            }),
        ),
        (
            "query latency p99 (ms)",
            Box::new(move |s: &SystemSummary| {
                format!(
                    "{:.1}{}",
                    s.latency_p99_ms,
                    ratio(s.latency_p99_ms, base.latency_p99_ms)
                )
            }),
        ),
        (
            "latency median / p99, queries that matched (ms)",
            Box::new(|s: &SystemSummary| {
                format!(
                    "{:.1} / {:.1}",
                    s.latency_matched_median_ms, s.latency_matched_p99_ms
                )
            }),
        ),
        (
            "latency median / p99, queries that matched nothing (ms)",
            Box::new(|s: &SystemSummary| {
                format!(
                    "{:.1} / {:.1}",
                    s.latency_unmatched_median_ms, s.latency_unmatched_p99_ms
                )
            }),
        ),
        (
            "peak memory while querying (MiB)",
            Box::new(|s: &SystemSummary| {
                s.query_peak_rss_mib
                    .map_or("—".into(), |m| format!("{m:.0}"))
            }),
        ),
        (
            "queries that errored",
            Box::new(|s: &SystemSummary| s.errors.to_string()),
        ),
    ];
    for (name, f) in rows {
        out.push_str(&format!("| {name} |"));
        for s in summaries {
            out.push_str(&format!(" {} |", f(s)));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_heads_name_each_system_column() {
        let mut out = String::new();
        table_head(
            &mut out,
            &["condition", "length"],
            &["fermata", "Olaf"],
            &[" top-1", " FP"],
        );
        assert_eq!(
            out,
            "| condition | length | fermata top-1 | fermata FP | Olaf top-1 | Olaf FP |\n\
             | --- | --- | ---: | ---: | ---: | ---: |\n"
        );
        let mut out = String::new();
        table_head(&mut out, &["measure"], &["fermata"], &[""]);
        assert_eq!(out, "| measure | fermata |\n| --- | ---: |\n");
    }
}
