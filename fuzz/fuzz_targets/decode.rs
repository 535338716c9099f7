//! Any byte string, written to a file, must decode to audio or a typed error: never a panic,
//! a hang or an allocation sized by a hostile header.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // Hide ffmpeg: spawning a process per input would fuzz ffmpeg, slowly, not our code.
        // SAFETY: runs once before the fuzz loop starts any thread of ours.
        unsafe { std::env::set_var("PATH", "") };
        // libfuzzer-sys aborts on *every* panic, even one fermata-audio catches and turns into
        // `AudioError::Corrupt` (its guard against decoder bugs). The contract under test is
        // "no panic escapes", so by default panics are silenced here and only escaping ones
        // (caught by libfuzzer-sys's own wrapper, which aborts) count. FERMATA_FUZZ_STRICT=1
        // keeps the aborting hook to hunt panics inside symphonia itself.
        if std::env::var_os("FERMATA_FUZZ_STRICT").is_none() {
            std::panic::set_hook(Box::new(|_| {}));
        }
    },
    |data: &[u8]| {
        let Ok(mut f) = tempfile::Builder::new().suffix(".bin").tempfile() else { return };
        if f.write_all(data).and_then(|_| f.flush()).is_err() {
            return;
        }
        if let Ok((samples, info)) = fermata_audio::decode_to_vec(f.path(), fermata_audio::ANALYSIS_RATE) {
            assert_eq!(samples.len() as u64, info.output_samples);
            assert!(samples.iter().all(|v| v.is_finite()));
        }
    }
);
