//! Streaming peak picking, density control and pairing.
//!
//! Each stage keeps a *watermark*: a frame index below which it has emitted everything it will
//! ever emit. A stage decides an item only once the stage before it has passed the last frame
//! that could change the decision, so streaming gives exactly the whole-signal result.

use crate::stft::SILENCE_DB;
use crate::{Landmark, Params};
use std::collections::VecDeque;

/// A spectral peak.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Peak {
    /// Frame index.
    pub time: u32,
    /// Bin index counted from the bottom of the peak band.
    pub bin: u16,
    /// Log power in dB.
    pub strength: f32,
}

struct Frame {
    time: u32,
    spectrum: Vec<f32>,
    /// Maximum over +-`radius_bins` of `spectrum`, per bin.
    freq_max: Vec<f32>,
    mean: f32,
}

/// Finds local maxima of the spectrogram in a (time x frequency) neighbourhood.
pub(crate) struct PeakPicker {
    radius_frames: u32,
    radius_bins: usize,
    min_prominence: f32,
    frames: VecDeque<Frame>,
    next_eval: u32,
    seen: u32,
}

impl PeakPicker {
    pub(crate) fn new(params: &Params) -> Self {
        PeakPicker {
            radius_frames: params.peak_radius_frames as u32,
            radius_bins: params.peak_radius_bins,
            min_prominence: params.min_prominence_db,
            frames: VecDeque::new(),
            next_eval: 0,
            seen: 0,
        }
    }

    /// Every peak with a frame below this has been emitted.
    pub(crate) fn watermark(&self) -> u32 {
        self.next_eval
    }

    pub(crate) fn push_frame(&mut self, time: u32, spectrum: Vec<f32>, out: &mut Vec<Peak>) {
        let mut freq_max = vec![0.0; spectrum.len()];
        sliding_max(&spectrum, self.radius_bins, &mut freq_max);
        let mean = spectrum.iter().sum::<f32>() / spectrum.len().max(1) as f32;
        self.frames.push_back(Frame {
            time,
            spectrum,
            freq_max,
            mean,
        });
        self.seen = time + 1;
        while self.next_eval + self.radius_frames <= time {
            self.evaluate(out);
        }
    }

    pub(crate) fn finish(&mut self, out: &mut Vec<Peak>) {
        while self.next_eval < self.seen {
            self.evaluate(out);
        }
    }

    fn evaluate(&mut self, out: &mut Vec<Peak>) {
        let centre_time = self.next_eval;
        self.next_eval += 1;
        let Some(first) = self.frames.front() else {
            return;
        };
        let centre = (centre_time - first.time) as usize;
        let lo = centre.saturating_sub(self.radius_frames as usize);
        let hi = (centre + self.radius_frames as usize + 1).min(self.frames.len());
        let frame = &self.frames[centre];
        for (bin, &value) in frame.spectrum.iter().enumerate() {
            if value < frame.freq_max[bin]
                || value < SILENCE_DB
                || value - frame.mean < self.min_prominence
            {
                continue;
            }
            // Ties (flat spectra, pure synthetic tones) would make a plateau of peaks: only the
            // first point of a plateau, in time and in frequency, counts.
            let left = bin.saturating_sub(self.radius_bins);
            if frame.spectrum[left..bin].iter().any(|&v| v >= value) {
                continue;
            }
            let is_peak = (lo..hi).all(|i| {
                i == centre
                    || (i < centre && self.frames[i].freq_max[bin] < value)
                    || (i > centre && self.frames[i].freq_max[bin] <= value)
            });
            if is_peak {
                out.push(Peak {
                    time: centre_time,
                    bin: bin as u16,
                    strength: value,
                });
            }
        }
        while self
            .frames
            .front()
            .is_some_and(|f| f.time + self.radius_frames < self.next_eval)
        {
            self.frames.pop_front();
        }
    }
}

/// `out[i] = max(input[i - radius ..= i + radius])`, clipped at the ends, in linear time
/// (van Herk / Gil-Werman: block-wise prefix and suffix maxima).
fn sliding_max(input: &[f32], radius: usize, out: &mut [f32]) {
    let n = input.len();
    let block = 2 * radius + 1;
    let mut prefix = vec![f32::MIN; n];
    let mut suffix = vec![f32::MIN; n];
    for start in (0..n).step_by(block) {
        let end = (start + block).min(n);
        let mut m = f32::MIN;
        for i in start..end {
            m = m.max(input[i]);
            prefix[i] = m;
        }
        m = f32::MIN;
        for i in (start..end).rev() {
            m = m.max(input[i]);
            suffix[i] = m;
        }
    }
    for (i, o) in out.iter_mut().enumerate() {
        let a = i.saturating_sub(radius);
        let b = (i + radius).min(n - 1);
        // [a, b] spans at most two blocks: the suffix max of a's block and the prefix max of b's.
        *o = if a / block == b / block {
            input[a..=b].iter().copied().fold(f32::MIN, f32::max)
        } else {
            suffix[a].max(prefix[b])
        };
    }
}

/// Keeps a peak only if fewer than `keep` louder peaks lie within `radius` frames of it.
pub(crate) struct RankFilter {
    radius: u32,
    keep: usize,
    candidates: VecDeque<Peak>,
    /// How many candidates at the front have been decided (kept ones were already emitted).
    decided: usize,
}

impl RankFilter {
    pub(crate) fn new(params: &Params) -> Self {
        RankFilter {
            radius: params.rank_radius_frames as u32,
            keep: params.peaks_per_window,
            candidates: VecDeque::new(),
            decided: 0,
        }
    }

    /// Takes candidates (emptying `input`) whose frames are complete below `watermark`, emits
    /// kept peaks to `out`, and returns the watermark of its output.
    pub(crate) fn push(
        &mut self,
        input: &mut Vec<Peak>,
        watermark: u32,
        out: &mut Vec<Peak>,
    ) -> u32 {
        self.candidates.extend(input.drain(..));
        while self.decided < self.candidates.len() {
            let p = self.candidates[self.decided];
            if watermark != u32::MAX && p.time + self.radius >= watermark {
                break;
            }
            // Candidates are in time order, so the window is found by two binary searches.
            let lo = self
                .candidates
                .partition_point(|q| q.time + self.radius < p.time);
            let hi = self
                .candidates
                .partition_point(|q| q.time <= p.time + self.radius);
            let louder = self
                .candidates
                .range(lo..hi)
                .filter(|q| {
                    q.strength > p.strength
                        || (q.strength == p.strength && (q.time, q.bin) < (p.time, p.bin))
                })
                .take(self.keep)
                .count();
            if louder < self.keep {
                out.push(p);
            }
            self.decided += 1;
            let next_time = self
                .candidates
                .get(self.decided)
                .map_or(u32::MAX, |q| q.time);
            while self
                .candidates
                .front()
                .is_some_and(|q| q.time.saturating_add(self.radius) < next_time)
            {
                self.candidates.pop_front();
                self.decided -= 1;
            }
        }
        watermark.saturating_sub(if watermark == u32::MAX {
            0
        } else {
            self.radius
        })
    }
}

/// Pairs each anchor peak with the next `fan_out` peaks in its target zone.
pub(crate) struct PairMaker {
    params: Params,
    peaks: VecDeque<Peak>,
}

impl PairMaker {
    pub(crate) fn new(params: &Params) -> Self {
        PairMaker {
            params: params.clone(),
            peaks: VecDeque::new(),
        }
    }

    /// Takes kept peaks complete below `watermark` and emits the landmarks of every anchor whose
    /// target zone is complete.
    pub(crate) fn push(&mut self, input: &mut Vec<Peak>, watermark: u32, out: &mut Vec<Landmark>) {
        self.peaks.extend(input.drain(..));
        let p = &self.params;
        while let Some(&anchor) = self.peaks.front() {
            if watermark != u32::MAX && anchor.time + p.max_pair_frames >= watermark {
                break;
            }
            let mut paired = 0;
            for target in self.peaks.iter().skip(1) {
                let dt = target.time - anchor.time;
                if dt > p.max_pair_frames || paired == p.fan_out {
                    break;
                }
                let df = target.bin as i32 - anchor.bin as i32;
                if dt >= p.min_pair_frames && df.unsigned_abs() <= p.max_pair_bins {
                    out.push(Landmark {
                        hash: p.pair_hash(anchor.bin, df, dt),
                        time: anchor.time,
                    });
                    paired += 1;
                }
            }
            self.peaks.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_max_matches_naive() {
        let input: Vec<f32> = (0..97)
            .map(|i| ((i * 37) % 23) as f32 - (i % 5) as f32)
            .collect();
        for radius in [0, 1, 3, 10, 60] {
            let mut out = vec![0.0; input.len()];
            sliding_max(&input, radius, &mut out);
            for (i, &got) in out.iter().enumerate() {
                let a = i.saturating_sub(radius);
                let b = (i + radius).min(input.len() - 1);
                let naive = input[a..=b].iter().copied().fold(f32::MIN, f32::max);
                assert_eq!(got, naive, "radius {radius} at {i}");
            }
        }
    }

    #[test]
    fn rank_filter_keeps_the_loudest_in_each_window() {
        let params = Params {
            rank_radius_frames: 2,
            peaks_per_window: 1,
            ..Params::default()
        };
        let mut filter = RankFilter::new(&params);
        let mut input: Vec<Peak> = [(0, 5.0), (1, 9.0), (2, 1.0), (10, 3.0)]
            .iter()
            .map(|&(time, strength)| Peak {
                time,
                bin: 0,
                strength,
            })
            .collect();
        let mut out = Vec::new();
        filter.push(&mut input, u32::MAX, &mut out);
        let times: Vec<u32> = out.iter().map(|p| p.time).collect();
        assert_eq!(times, vec![1, 10]);
    }
}
