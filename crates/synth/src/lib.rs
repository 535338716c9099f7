//! Deterministic generated music and degradations, so that the demo, the tests and the benchmark
//! need no shipped audio: [`synth::track`] makes a few seconds of "music" for a seed, and
//! [`degrade`] distorts a buffer the way a recording is distorted between its master and what a
//! model was trained on or a user uploads (noise at an exact SNR, telephone band-pass, reverb,
//! gain, speed, excerpts).
//!
//! Everything is pure and seeded: the same arguments give the same samples on every platform and
//! release (a small SplitMix64 generator, not `rand`, whose streams change between versions).
//! Out-of-range arguments are clamped or return the input unchanged, never panic.
//!
//! This crate is a normal dependency of the CLI only because `fermata demo` generates its music;
//! every other crate uses it as a dev-dependency.
//!
//! ```
//! use fermata_synth::{degrade, synth};
//!
//! // Ten seconds of generated music at the analysis rate, and a telephone-quality, noisy
//! // five-second excerpt of it, as a query might arrive.
//! let rate = 8000;
//! let music = synth::track(42, 10.0, rate);
//! assert_eq!(music.len(), 10 * rate as usize);
//! let clip = degrade::excerpt(&music, rate, 2.0, 5.0);
//! let noisy = degrade::add_white_noise(&degrade::band_pass(&clip, rate, 300.0, 3400.0), 10.0, 1);
//! assert_eq!(noisy.len(), 5 * rate as usize);
//! ```
#![deny(missing_docs)]

pub mod degrade;
mod fftconv;
mod rng;
pub mod synth;
