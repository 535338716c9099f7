//! The fingerprint's output is frozen per `ALGORITHM_VERSION`: a digest of the landmarks of one
//! generated track, taken under the version named beside it. An index stores landmarks and
//! refuses to be opened by another algorithm version; if the landmarks changed while the version
//! stayed, every existing index would silently stop matching. So any change to the landmarks
//! must bump `ALGORITHM_VERSION`, and this test says so when it is forgotten.
//!
//! The digest is BLAKE3 over each landmark's hash then time, both little-endian `u32`, in the
//! order `fingerprint` returns them.

use fermata_fp::{ALGORITHM_VERSION, Params, fingerprint};

/// The algorithm version the digest below was taken under.
const GOLDEN_ALGORITHM_VERSION: u32 = 1;
/// The landmarks of `synth::track(GOLDEN_SEED, GOLDEN_SECONDS, 8000)` with `Params::default()`.
const GOLDEN_DIGEST: &str = "3a51cbfe9e5f70e746b1045c16b0a8346c8f7f41dca2038bb79d0f9960679e94";
const GOLDEN_LANDMARKS: usize = 1031;
const GOLDEN_SEED: u64 = 20_261_130;
const GOLDEN_SECONDS: f32 = 20.0;

/// The digest and count of the golden track's landmarks under the current code.
fn current() -> (String, usize) {
    let params = Params::default();
    let audio = fermata_synth::synth::track(GOLDEN_SEED, GOLDEN_SECONDS, params.sample_rate);
    let fp = fingerprint(&audio, &params).expect("default parameters are valid");
    let mut hasher = blake3::Hasher::new();
    for l in &fp.landmarks {
        hasher.update(&l.hash.to_le_bytes());
        hasher.update(&l.time.to_le_bytes());
    }
    (hasher.finalize().to_hex().to_string(), fp.landmarks.len())
}

#[test]
fn landmarks_change_only_with_the_algorithm_version() {
    let (digest, count) = current();
    let refresh = format!(
        "the landmarks of the golden track changed (now {count} landmarks, digest {digest}). \
         If this is intended, bump ALGORITHM_VERSION in crates/fp/src/params.rs (indexes made \
         before will then be refused instead of silently matching nothing), and set \
         GOLDEN_ALGORITHM_VERSION, GOLDEN_DIGEST and GOLDEN_LANDMARKS in {} to the new values; \
         refresh the frozen index fixture too (crates/index/tests/frozen.rs says how)",
        file!()
    );
    assert_eq!(
        ALGORITHM_VERSION, GOLDEN_ALGORITHM_VERSION,
        "ALGORITHM_VERSION changed: take the golden digest again under the new version. {refresh}"
    );
    assert_eq!(count, GOLDEN_LANDMARKS, "{refresh}");
    assert_eq!(digest, GOLDEN_DIGEST, "{refresh}");
}
