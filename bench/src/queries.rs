//! Query generation: reproducible excerpts under each degradation, written as audio files that
//! every system under test reads the same way.

use crate::corpus::{Rng, Split, Track};
use anyhow::{Context, Result, bail};
use fermata_synth::degrade;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Rate at which sources are decoded for cutting and degrading (the codecs get CD-rate input).
const WORK_RATE: u32 = 44_100;

/// One processing step of a condition.
#[derive(Clone, Copy, Debug)]
enum Step {
    WhiteNoise(f32),
    PinkNoise(f32),
    Reverb,
    /// Band-pass 300–3400 Hz and resample to 8 kHz: a telephone line.
    Phone,
    Gain(f32),
    /// A sox effect chain (speed, tempo, pitch).
    Sox(&'static [&'static str]),
    /// Encode with ffmpeg into a file of this extension with these codec arguments.
    Encode(&'static str, &'static [&'static str]),
}

/// A named degradation.
pub struct Condition {
    pub name: &'static str,
    steps: &'static [Step],
    /// How much longer the source cut must be than the query (speed and tempo shorten it).
    stretch: f64,
    /// A second signal mixed with the excerpt before the steps, if any.
    mix: Option<Mix>,
}

/// A second signal mixed into a query, at `level_db` relative to the excerpt's loudness (RMS).
#[derive(Clone, Copy, Debug)]
pub struct Mix {
    pub source: MixSource,
    pub level_db: f32,
}

/// Where the second signal of a mix comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MixSource {
    /// Another recording from the same side of the split (registered queries get another
    /// registered recording, which must be reported too; unregistered ones another unregistered).
    Recording,
    /// Synthetic speech (espeak-ng, five languages): a talk-over that no system should report.
    Speech,
}

const MP3_128: Step = Step::Encode("mp3", &["-c:a", "libmp3lame", "-b:a", "128k"]);
const MP3_64: Step = Step::Encode("mp3", &["-c:a", "libmp3lame", "-b:a", "64k"]);

/// Every condition of the benchmark, in report order.
pub const CONDITIONS: &[Condition] = &[
    Condition {
        name: "clean",
        steps: &[],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "mp3-128",
        steps: &[MP3_128],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "mp3-64",
        steps: &[MP3_64],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "opus-32",
        steps: &[Step::Encode("opus", &["-c:a", "libopus", "-b:a", "32k"])],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "white-20dB",
        steps: &[Step::WhiteNoise(20.0)],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "white-10dB",
        steps: &[Step::WhiteNoise(10.0)],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "white-5dB",
        steps: &[Step::WhiteNoise(5.0)],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "white-0dB",
        steps: &[Step::WhiteNoise(0.0)],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "pink-20dB",
        steps: &[Step::PinkNoise(20.0)],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "pink-10dB",
        steps: &[Step::PinkNoise(10.0)],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "pink-5dB",
        steps: &[Step::PinkNoise(5.0)],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "pink-0dB",
        steps: &[Step::PinkNoise(0.0)],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "reverb",
        steps: &[Step::Reverb],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "phone",
        steps: &[Step::Phone],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "phone+mp3-64",
        steps: &[
            Step::Phone,
            Step::Encode("mp3", &["-c:a", "libmp3lame", "-b:a", "64k"]),
        ],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "gain-12dB",
        steps: &[Step::Gain(-12.0)],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "speed+2%",
        steps: &[Step::Sox(&["speed", "1.02"])],
        stretch: 1.06,
        mix: None,
    },
    Condition {
        name: "speed-2%",
        steps: &[Step::Sox(&["speed", "0.98"])],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "speed+5%",
        steps: &[Step::Sox(&["speed", "1.05"])],
        stretch: 1.06,
        mix: None,
    },
    Condition {
        name: "speed-5%",
        steps: &[Step::Sox(&["speed", "0.95"])],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "tempo+5%",
        steps: &[Step::Sox(&["tempo", "1.05"])],
        stretch: 1.06,
        mix: None,
    },
    Condition {
        name: "tempo-5%",
        steps: &[Step::Sox(&["tempo", "0.95"])],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "pitch+1st",
        steps: &[Step::Sox(&["pitch", "100"])],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "pitch-1st",
        steps: &[Step::Sox(&["pitch", "-100"])],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "pink-10dB+reverb+mp3",
        steps: &[Step::Reverb, Step::PinkNoise(10.0), MP3_128],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "speed+10%",
        steps: &[Step::Sox(&["speed", "1.1"])],
        stretch: 1.12,
        mix: None,
    },
    Condition {
        name: "speed-10%",
        steps: &[Step::Sox(&["speed", "0.9"])],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "tempo+10%",
        steps: &[Step::Sox(&["tempo", "1.1"])],
        stretch: 1.12,
        mix: None,
    },
    Condition {
        name: "tempo-10%",
        steps: &[Step::Sox(&["tempo", "0.9"])],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "pink-0dB+reverb+mp3",
        steps: &[Step::Reverb, Step::PinkNoise(0.0), MP3_128],
        stretch: 1.0,
        mix: None,
    },
    Condition {
        name: "speech-0dB",
        steps: &[],
        stretch: 1.0,
        mix: Some(Mix {
            source: MixSource::Speech,
            level_db: 0.0,
        }),
    },
    Condition {
        name: "song-over-song-0dB",
        steps: &[],
        stretch: 1.0,
        mix: Some(Mix {
            source: MixSource::Recording,
            level_db: 0.0,
        }),
    },
    Condition {
        name: "background-12dB",
        steps: &[],
        stretch: 1.0,
        mix: Some(Mix {
            source: MixSource::Recording,
            level_db: -12.0,
        }),
    },
    Condition {
        name: "background-18dB",
        steps: &[],
        stretch: 1.0,
        mix: Some(Mix {
            source: MixSource::Recording,
            level_db: -18.0,
        }),
    },
];

/// Looks up conditions by name ("all" for every one).
pub fn select(names: &str) -> Result<Vec<&'static Condition>> {
    if names == "all" {
        return Ok(CONDITIONS.iter().collect());
    }
    names
        .split(',')
        .map(|n| {
            CONDITIONS
                .iter()
                .find(|c| c.name == n.trim())
                .with_context(|| {
                    let all: Vec<&str> = CONDITIONS.iter().map(|c| c.name).collect();
                    format!("unknown condition {n:?}; known: {}", all.join(", "))
                })
        })
        .collect()
}

/// One query file and the right answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Query {
    pub file: PathBuf,
    pub condition: String,
    pub length_s: f64,
    /// The registered track and where in it the query starts; None for unregistered audio.
    pub truth: Option<Truth>,
    /// A second registered recording mixed into the query, which must be reported as well.
    #[serde(default)]
    pub second: Option<Truth>,
}

/// Where a registered query comes from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Truth {
    pub track: PathBuf,
    pub offset_s: f64,
}

struct Plan<'a> {
    track: &'a Track,
    /// The recording mixed in (mix conditions from recordings) and where it is cut.
    second: Option<(&'a Track, f64)>,
    registered: bool,
    condition: &'static Condition,
    length_s: f64,
    offset_s: f64,
    seed: u64,
    file: PathBuf,
}

/// Makes `per_cell` registered and `unregistered_per_cell` unregistered queries for every
/// (condition, length) pair, under `out`.
pub fn generate(
    split: &Split,
    conditions: &[&'static Condition],
    lengths: &[f64],
    per_cell: usize,
    unregistered_per_cell: usize,
    seed: u64,
    out: &Path,
) -> Result<Vec<Query>> {
    for tool in ["ffmpeg", "sox"] {
        if Command::new(tool).arg("--version").output().is_err() {
            bail!("{tool} is needed to make queries; install it (apt-get install ffmpeg sox)");
        }
    }
    let mut plans = Vec::new();
    for (ci, condition) in conditions.iter().enumerate() {
        for (li, &length_s) in lengths.iter().enumerate() {
            let mut rng = Rng::new(seed ^ ((ci as u64) << 32) ^ ((li as u64) << 48));
            for (registered, count, pool) in [
                (true, per_cell, &split.registered),
                (false, unregistered_per_cell, &split.unregistered),
            ] {
                for k in 0..count {
                    let track = &pool[rng.below(pool.len())];
                    let need = length_s * condition.stretch + 0.5;
                    let offset_s =
                        (rng.unit() * (track.seconds - need).max(0.0) * 10.0).floor() / 10.0;
                    let kind = if registered { "r" } else { "u" };
                    let second = match condition.mix {
                        Some(Mix {
                            source: MixSource::Recording,
                            ..
                        }) if pool.len() > 1 => {
                            // Another recording of the same side, never the same one.
                            let j = (pool.iter().position(|t| t.path == track.path).unwrap_or(0)
                                + 1
                                + rng.below(pool.len() - 1))
                                % pool.len();
                            let other = &pool[j];
                            let at = (rng.unit() * (other.seconds - need).max(0.0) * 10.0).floor()
                                / 10.0;
                            Some((other, at))
                        }
                        _ => None,
                    };
                    let dir = out.join(condition.name).join(format!("{length_s}s"));
                    plans.push(Plan {
                        track,
                        second,
                        registered,
                        condition,
                        length_s,
                        offset_s,
                        seed: rng.next_u64(),
                        file: dir.join(format!("{kind}{k:03}")),
                    });
                }
            }
        }
    }
    // Decode each source once, in parallel with the others.
    let mut sources: Vec<&Track> = plans
        .iter()
        .flat_map(|p| std::iter::once(p.track).chain(p.second.map(|s| s.0)))
        .collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    sources.dedup_by(|a, b| a.path == b.path);
    let decoded: std::collections::HashMap<PathBuf, Vec<f32>> = sources
        .par_iter()
        .map(|t| {
            fermata_audio::decode_to_vec(&t.path, WORK_RATE)
                .map(|(s, _)| (t.path.clone(), s))
                .with_context(|| format!("decoding {}", t.path.display()))
        })
        .collect::<Result<_>>()?;
    let bar = indicatif::ProgressBar::new(plans.len() as u64).with_message("making queries");
    let queries = plans
        .par_iter()
        .map(|p| {
            let second = p.second.map(|(t, _)| decoded[&t.path].as_slice());
            let q = make(p, &decoded[&p.track.path], second);
            bar.inc(1);
            q
        })
        .collect::<Result<Vec<Query>>>()?;
    bar.finish_and_clear();
    Ok(queries)
}

fn make(p: &Plan<'_>, source: &[f32], second: Option<&[f32]>) -> Result<Query> {
    if let Some(dir) = p.file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut rate = WORK_RATE;
    let cut_s = p.length_s * p.condition.stretch + 0.3;
    let mut audio = degrade::excerpt(source, rate, p.offset_s, cut_s);
    if let Some(mix) = p.condition.mix {
        let other = match (mix.source, second, p.second) {
            (MixSource::Recording, Some(samples), Some((_, at))) => {
                degrade::excerpt(samples, rate, at, cut_s)
            }
            (MixSource::Recording, ..) => bail!("a mix condition needs two recordings"),
            (MixSource::Speech, ..) => speech(&p.file, cut_s, p.seed)?,
        };
        audio = mix_at(&audio, &other, mix.level_db);
    }
    let mut file = p.file.with_extension("wav");
    let mut on_disk = false;
    for step in p.condition.steps {
        match *step {
            Step::WhiteNoise(snr) => audio = degrade::add_white_noise(&audio, snr, p.seed),
            Step::PinkNoise(snr) => audio = degrade::add_pink_noise(&audio, snr, p.seed),
            Step::Reverb => audio = degrade::reverb(&audio, rate, 0.7, 0.5, p.seed),
            Step::Gain(db) => audio = degrade::gain_db(&audio, db),
            Step::Phone => {
                audio = fermata_audio::resample(
                    &degrade::band_pass(&audio, rate, 300.0, 3400.0),
                    rate,
                    8000,
                )?;
                rate = 8000;
            }
            Step::Sox(effect) => {
                let input = p.file.with_extension("in.wav");
                fermata_audio::write_wav(&input, &audio, rate)?;
                let output = p.file.with_extension("wav");
                run(Command::new("sox")
                    .arg(&input)
                    .arg(&output)
                    .args(effect)
                    .args(["trim", "0", &p.length_s.to_string()]))?;
                std::fs::remove_file(&input)?;
                audio = fermata_audio::decode_to_vec(&output, rate)?.0;
            }
            Step::Encode(ext, args) => {
                let input = p.file.with_extension("in.wav");
                let cut = degrade::excerpt(&audio, rate, 0.0, p.length_s);
                fermata_audio::write_wav(&input, &cut, rate)?;
                file = p.file.with_extension(ext);
                run(Command::new("ffmpeg")
                    .args(["-nostdin", "-v", "error", "-y", "-i"])
                    .arg(&input)
                    .args(args)
                    .arg(&file))?;
                std::fs::remove_file(&input)?;
                on_disk = true;
            }
        }
    }
    if !on_disk {
        fermata_audio::write_wav(
            &file,
            &degrade::excerpt(&audio, rate, 0.0, p.length_s),
            rate,
        )?;
    }
    Ok(Query {
        file,
        condition: p.condition.name.to_string(),
        length_s: p.length_s,
        truth: p.registered.then(|| Truth {
            track: p.track.path.clone(),
            offset_s: p.offset_s,
        }),
        second: p.second.filter(|_| p.registered).map(|(t, at)| Truth {
            track: t.path.clone(),
            offset_s: at,
        }),
    })
}

/// `main` with `other` added at `level_db` relative to `main`'s RMS (other looped or cut to fit).
fn mix_at(main: &[f32], other: &[f32], level_db: f32) -> Vec<f32> {
    let rms = |x: &[f32]| {
        (x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
    };
    let (a, b) = (rms(main), rms(other));
    if other.is_empty() || b == 0.0 {
        return main.to_vec();
    }
    let g = (a / b * 10f64.powf(level_db as f64 / 20.0)) as f32;
    let mixed: Vec<f32> = main
        .iter()
        .enumerate()
        .map(|(i, &x)| x + g * other[i % other.len()])
        .collect();
    // Keep the sum within full scale, as a mixing desk would.
    let peak = mixed.iter().fold(0f32, |m, &v| m.max(v.abs()));
    if peak > 0.99 {
        mixed.iter().map(|&v| v * 0.99 / peak).collect()
    } else {
        mixed
    }
}

/// Sentences spoken over the music, in the five languages fermata serves.
const SPEECH: &[(&str, &str)] = &[
    (
        "en",
        "Welcome back to the show. Today we talk about the festival line up, the new album, and what the band told us after the concert last night.",
    ),
    (
        "es",
        "Bienvenidos de nuevo al programa. Hoy hablamos del festival, del nuevo disco y de lo que nos contó el grupo después del concierto de anoche.",
    ),
    (
        "fr",
        "Bonjour à tous et bienvenue dans l'émission. Aujourd'hui nous parlons du festival, du nouvel album et de ce que le groupe nous a raconté hier soir.",
    ),
    (
        "ko",
        "다시 오신 것을 환영합니다. 오늘은 축제 라인업과 새 앨범, 그리고 어젯밤 공연이 끝난 뒤 밴드가 들려준 이야기를 나눕니다.",
    ),
    (
        "pt",
        "Bem-vindos de volta ao programa. Hoje falamos do festival, do novo álbum e do que a banda nos contou depois do concerto de ontem à noite.",
    ),
];

/// `len_s` seconds of synthetic speech at [`WORK_RATE`]: a language, speed and pitch chosen by
/// `seed`, sentences repeated until long enough.
fn speech(file: &Path, len_s: f64, seed: u64) -> Result<Vec<f32>> {
    let mut rng = Rng::new(seed ^ 0x5eec);
    let (lang, text) = SPEECH[rng.below(SPEECH.len())];
    let words_per_minute = 140 + rng.below(50);
    let pitch = 25 + rng.below(50);
    let wav = file.with_extension("speech.wav");
    let out = Command::new("espeak-ng")
        .args(["-v", lang, "-s", &words_per_minute.to_string()])
        .args(["-p", &pitch.to_string(), "-w"])
        .arg(&wav)
        .arg(text)
        .output();
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => bail!("espeak-ng failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => bail!(
            "espeak-ng is needed for the speech condition; install it (apt-get install espeak-ng)"
        ),
    }
    let (voice, _) = fermata_audio::decode_to_vec(&wav, WORK_RATE)?;
    std::fs::remove_file(&wav)?;
    let need = (len_s * WORK_RATE as f64) as usize;
    // Speech has pauses between sentences: a short gap before each repeat.
    let gap = vec![0.0f32; (0.4 * WORK_RATE as f64) as usize];
    let mut all = Vec::with_capacity(need + voice.len());
    while all.len() < need && !voice.is_empty() {
        all.extend_from_slice(&voice);
        all.extend_from_slice(&gap);
    }
    all.truncate(need);
    Ok(all)
}

fn run(cmd: &mut Command) -> Result<()> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}
