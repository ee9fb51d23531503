//! Recording and playback through a real audio path on a machine with no sound
//! card: ALSA's `file` plugin behind the default device, set up by an
//! `.asoundrc` in a sandboxed HOME (ALSA reads `$HOME/.asoundrc`; see
//! tests/audio_support).
//!
//! ALSA reads its configuration once per process, from the HOME it sees then,
//! so each test runs its device work in a child process (the test binary run
//! again through rusty-fork) with HOME set to its own sandbox. The capture side
//! reads a named pipe this process feeds in real time, as a microphone speaks
//! (a raw file for the crash test, which wants pages on disk fast); the
//! playback side writes a raw file we read. The `null` device under playback
//! has no clock, so it runs faster than real time. The tests wait on sample
//! counts, and bound no wall time but the recorder's own (a lead-in of at
//! most 2 s): a busy machine slows them, it does not fail them.
#![cfg(all(feature = "audio", target_os = "linux"))]
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use audio_support::{Capture, Pacer, write_asoundrc};
use rusty_fork::{rusty_fork_id, rusty_fork_test_name};
use stardrill::audio::{
    Partial, PlayOptions, Player, RecordOptions, Recorder, decode_file, find_partials,
    recover_partials,
};

mod audio_support;

const RATE: usize = 16_000;
/// Seconds of input the capture device loops over.
const INPUT_SECS: usize = 20;

/// Speech-like input at 16 kHz: voiced "syllables" four a second over a quiet
/// hiss, so that every stretch of 64 samples is unique (for exact matching) and
/// the codec has something voice-like to code.
fn input() -> Vec<i16> {
    input_at(RATE, true)
}

/// The same voice at `rate`, with or without the hiss.
fn input_at(rate: usize, hiss: bool) -> Vec<i16> {
    let mut state = 12_345u32;
    (0..INPUT_SECS * rate)
        .map(|i| {
            let t = i as f64 / rate as f64;
            let swell = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
            let voice: f64 = (1..=6)
                .map(|h| (2.0 * std::f64::consts::PI * 140.0 * h as f64 * t).sin() / h as f64)
                .sum();
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let hiss = if hiss {
                ((state >> 16) as f64 / 65_536.0 - 0.5) * 0.02
            } else {
                0.0
            };
            ((0.25 * swell * swell * voice + hiss) * 32_767.0) as i16
        })
        .collect()
}

fn to_f32(samples: &[i16]) -> Vec<f32> {
    samples.iter().map(|&s| f32::from(s) / 32_768.0).collect()
}

use audio_support::read_raw;

/// A sandboxed HOME whose default device captures from a raw file holding
/// the input (fast, unpaced) and plays into `out.raw`.
fn sandbox() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let raw: Vec<u8> = input().iter().flat_map(|s| s.to_le_bytes()).collect();
    let infile = home.path().join("in.raw");
    std::fs::write(&infile, raw).unwrap_or_else(|e| panic!("{e}"));
    write_asoundrc(home.path(), &Capture::File(&infile), RATE);
    home
}

/// A sandboxed HOME whose microphone speaks `input` at `rate` in real time,
/// and the pacer that feeds it (stops when dropped).
fn paced_sandbox(rate: usize, input: Vec<i16>) -> (tempfile::TempDir, Pacer) {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fifo = home.path().join("mic.fifo");
    let pacer = Pacer::start(&fifo, input, rate);
    write_asoundrc(home.path(), &Capture::Paced(&fifo), rate);
    (home, pacer)
}

fn home() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
}

/// Runs the device work in a child process with HOME set to `home`; asserts it
/// succeeded and returns what it wrote to stderr.
fn in_child(name: &str, id: rusty_fork::RustyForkId, home: &Path, child: fn()) -> String {
    rusty_fork::fork(
        name,
        id,
        |cmd| {
            cmd.env("HOME", home).stderr(Stdio::piped());
        },
        |child, output| {
            let mut stderr = child.inner_mut().stderr.take();
            let reader = std::thread::spawn(move || {
                let mut text = String::new();
                if let Some(s) = stderr.as_mut() {
                    let _ = s.read_to_string(&mut text);
                }
                text
            });
            let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
            let stderr = reader.join().unwrap_or_default();
            let mut log = String::new();
            let _ = std::io::Seek::rewind(output);
            let _ = output.read_to_string(&mut log);
            assert!(
                status.success(),
                "child failed ({status}):\n{log}\n{stderr}"
            );
            stderr
        },
        child,
    )
    .unwrap_or_else(|e| panic!("fork: {e}"))
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Where `piece` starts in `input`, exactly.
fn find(input: &[f32], piece: &[f32]) -> Option<usize> {
    input.windows(piece.len()).position(|w| w == piece)
}

/// Leading silence the recorder put in for the time the device took to open.
fn lead_in(samples: &[f32]) -> usize {
    samples.iter().take_while(|&&s| s == 0.0).count()
}

/// RMS in dB of each 10 ms frame.
fn envelope(samples: &[f32]) -> Vec<f32> {
    samples
        .chunks_exact(160)
        .map(|f| {
            10.0 * (f.iter().map(|s| s * s).sum::<f32>() / 160.0)
                .max(1e-10)
                .log10()
        })
        .collect()
}

fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    ab / (aa * bb).sqrt().max(1e-12)
}

/// The lag (-`max` to `max` samples) by which `other` trails `reference`
/// most closely, and the correlation there.
fn best_lag(reference: &[f32], other: &[f32], max: usize) -> (isize, f64) {
    let n = reference.len().min(other.len()) - max;
    (0..=2 * max)
        .map(|k| {
            let lag = k as isize - max as isize;
            let (r, o) = if lag >= 0 {
                (&reference[..n], &other[lag as usize..lag as usize + n])
            } else {
                (
                    &reference[(-lag) as usize..(-lag) as usize + n],
                    &other[..n],
                )
            };
            (lag, correlation(r, o))
        })
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .unwrap_or((0, 0.0))
}

fn record(options: &RecordOptions, secs: f64) -> stardrill::audio::Recording {
    let dir = home().join("audio");
    let recorder = Recorder::start(&dir, "take", options).unwrap_or_else(|e| panic!("{e}"));
    let mut loudest = 0.0f32;
    wait_for("sound", || {
        loudest = loudest.max(recorder.level());
        recorder.secs() >= secs
    });
    assert!(loudest > 0.5, "the meter moves: {loudest}");
    assert_eq!(recorder.error(), None);
    recorder.stop().unwrap_or_else(|e| panic!("{e}"))
}

fn child_records_every_sample() {
    let input = to_f32(&input());
    let options = RecordOptions {
        keep_samples: true,
        ..RecordOptions::default()
    };
    let r = record(&options, 3.0);
    let kept = r.samples.clone().unwrap_or_default();
    assert!(kept.len() >= 3 * RATE, "{}", kept.len());
    assert_eq!(r.secs, kept.len() as f64 / RATE as f64);
    let skip = lead_in(&kept);
    // Silence for the moment the device took to open: the recorder's cap.
    assert!(skip <= 2 * RATE, "{skip} samples of lead-in");
    let kept = &kept[skip..];
    // Samples in = samples recorded, every one of them (up to the end of the
    // device's file, where it wraps around in its own way).
    let at = find(&input, &kept[..64]).unwrap_or_else(|| panic!("recording not found in input"));
    let compared = kept.len().min(input.len() - at);
    assert_eq!(compared, kept.len(), "all of it comes from the input");
    assert!(compared >= RATE, "{compared}");
    for (i, &s) in kept[..compared].iter().enumerate() {
        assert_eq!(s, input[at + i], "sample {i}");
    }
    // The file: owner-only, whole, no part file left, and it decodes to the same sound.
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(&r.path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(meta.len(), r.bytes);
    let names: Vec<String> = std::fs::read_dir(home().join("audio"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(names, ["take.ogg"]);
    let decoded = decode_file(&r.path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(decoded.len(), skip + kept.len());
    let (want, got) = (envelope(kept), envelope(&decoded[skip..]));
    let loud: Vec<f32> = want
        .iter()
        .zip(&got)
        .filter(|(w, _)| **w > -40.0)
        .map(|(w, g)| (w - g).abs())
        .collect();
    let mean = loud.iter().sum::<f32>() / loud.len().max(1) as f32;
    assert!(mean < 1.5, "the decoded envelope is {mean} dB off");
    // The delivery envelope saw the same audio.
    assert!((r.envelope.secs() - r.secs).abs() < 0.011);
}

#[test]
fn records_every_sample_the_microphone_hears() {
    let (home, _pacer) = paced_sandbox(RATE, input());
    let stderr = in_child(
        rusty_fork_test_name!(records_every_sample_the_microphone_hears),
        rusty_fork_id!(),
        home.path(),
        child_records_every_sample,
    );
    assert_eq!(stderr, "", "nothing on stderr");
}

fn child_records_through_the_resampler() {
    let input = to_f32(&input_at(RATE, false));
    let options = RecordOptions {
        keep_samples: true,
        device_rate: Some(48_000),
        ..RecordOptions::default()
    };
    let r = record(&options, 4.0);
    let kept = r.samples.unwrap_or_default();
    // The microphone gives 48 kHz, the recorder converts to 16 kHz: the same
    // sound as made at 16 kHz, in time (the microphone speaks from the start)
    // once the lead-in (silence for the moment the device took to open, at
    // most 2 s) is skipped. The converter's filter may start it a touch early.
    let skip = lead_in(&kept);
    assert!(skip <= 2 * RATE, "{skip} samples of lead-in");
    let kept = &kept[skip.saturating_sub(100)..];
    assert!(kept.len() >= 2 * RATE, "{}", kept.len());
    let (lag, c) = best_lag(&input[..2 * RATE], &kept[..2 * RATE], 400);
    assert!(c > 0.98, "correlation {c} at lag {lag}");
    assert!((0..200).contains(&lag), "{lag} samples out");
}

#[test]
fn records_through_the_resampler_when_the_microphone_runs_at_48_khz() {
    let (home, _pacer) = paced_sandbox(48_000, input_at(48_000, false));
    in_child(
        rusty_fork_test_name!(records_through_the_resampler_when_the_microphone_runs_at_48_khz),
        rusty_fork_id!(),
        home.path(),
        child_records_through_the_resampler,
    );
}

fn child_pause_leaves_time_out() {
    let input = to_f32(&input());
    let options = RecordOptions {
        keep_samples: true,
        ..RecordOptions::default()
    };
    let recorder =
        Recorder::start(&home().join("audio"), "take", &options).unwrap_or_else(|e| panic!("{e}"));
    wait_for("a second", || recorder.secs() >= 1.0);
    recorder.pause();
    assert!(recorder.is_paused());
    // Blocks already on their way are still written; once they are, nothing
    // more comes while paused, though the microphone goes on speaking.
    let mut during = -1.0;
    wait_for("the backlog", || {
        let before = recorder.secs();
        std::thread::sleep(Duration::from_millis(100));
        let settled = recorder.secs() == before;
        during = before;
        settled
    });
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(recorder.secs(), during, "sound came while paused");
    recorder.resume();
    wait_for("more sound", || recorder.secs() >= during + 1.0);
    let r = recorder.stop().unwrap_or_else(|e| panic!("{e}"));
    let kept = r.samples.unwrap_or_default();
    let kept = &kept[lead_in(&kept)..];
    let at = find(&input, &kept[..64]).unwrap_or_else(|| panic!("start not found"));
    // The recording runs on from the input until the pause, then jumps: what the
    // device gave while paused is not in it.
    let cut = (0..kept.len().min(input.len() - at))
        .find(|&i| kept[i] != input[at + i])
        .unwrap_or_else(|| panic!("no gap: the paused time was recorded"));
    assert!(cut as f64 / RATE as f64 >= 1.0 - 0.1, "cut at {cut}");
    let resumed = find(&input, &kept[cut..cut + 64]).unwrap_or_else(|| panic!("resume not found"));
    assert_ne!(resumed, at + cut);
}

#[test]
fn pausing_leaves_the_paused_time_out() {
    let (home, _pacer) = paced_sandbox(RATE, input());
    in_child(
        rusty_fork_test_name!(pausing_leaves_the_paused_time_out),
        rusty_fork_id!(),
        home.path(),
        child_pause_leaves_time_out,
    );
}

fn child_no_device() {
    let recorder = Recorder::start(&home().join("audio"), "take", &RecordOptions::default());
    let line = recorder.err().map(|e| e.to_string()).unwrap_or_default();
    println!("recorder: {line}");
    assert!(line.starts_with("no microphone found"), "{line}");
    assert!(!line.contains('\n'));
    let player = Player::from_samples(vec![0.0; RATE], &PlayOptions::default());
    let line = player.err().map(|e| e.to_string()).unwrap_or_default();
    println!("player: {line}");
    assert!(line.starts_with("no sound output found"), "{line}");
    assert!(!line.contains('\n'));
    assert!(!home().join("audio").join(".take.ogg.part").exists());
}

#[test]
fn no_device_is_one_clear_line_and_alsa_says_nothing_on_stderr() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Without stardrill's handler, ALSA does print here (the check can fail).
    let arecord = Command::new("arecord")
        .args(["-D", "default", "-d", "1", "/dev/null"])
        .env("HOME", home.path())
        .output()
        .unwrap_or_else(|e| panic!("arecord (apt-get install alsa-utils): {e}"));
    assert!(
        String::from_utf8_lossy(&arecord.stderr).contains("ALSA lib"),
        "ALSA stayed quiet even for arecord"
    );
    let stderr = in_child(
        rusty_fork_test_name!(no_device_is_one_clear_line_and_alsa_says_nothing_on_stderr),
        rusty_fork_id!(),
        home.path(),
        child_no_device,
    );
    assert_eq!(stderr, "", "ALSA's messages reached stderr");
}

fn clip() -> Vec<f32> {
    to_f32(&input()[..2 * RATE])
}

/// What the playback device wrote, from the first sound on.
fn played() -> Vec<f32> {
    let out = to_f32(&read_raw(&home().join("out.raw")));
    let start = lead_in(&out);
    out[start..].to_vec()
}

fn child_plays_every_sample() {
    let clip = clip();
    let player = Player::from_samples(clip.clone(), &PlayOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(player.duration_secs(), 2.0);
    assert_eq!(player.position_secs(), 0.0);
    assert!(!player.is_playing());
    player.play();
    assert!(player.is_playing());
    wait_for("the end", || !player.is_playing());
    assert!(player.is_finished());
    assert_eq!(player.position_secs(), 2.0);
    assert_eq!(player.error(), None);
    drop(player);
    let out = played();
    let first = lead_in(&clip);
    for (i, (&o, &c)) in out.iter().zip(&clip[first..]).enumerate() {
        assert!((o - c).abs() <= 1.0 / 32_768.0, "sample {i}: {o} vs {c}");
    }
    assert!(out.len() >= clip.len() - first);
}

#[test]
fn plays_every_sample_and_reports_the_position() {
    let home = sandbox();
    in_child(
        rusty_fork_test_name!(plays_every_sample_and_reports_the_position),
        rusty_fork_id!(),
        home.path(),
        child_plays_every_sample,
    );
}

fn child_seeks() {
    let player =
        Player::from_samples(clip(), &PlayOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    player.seek_to(1.25);
    assert_eq!(player.position_secs(), 1.25);
    player.seek_by(-5.0);
    assert_eq!(player.position_secs(), 0.0);
    player.seek_by(5.0);
    assert_eq!(player.position_secs(), 2.0);
    assert!(player.is_finished());
    // Play at the end starts again from the beginning, and plays through.
    assert!(player.toggle());
    wait_for("the end again", || !player.is_playing());
    assert_eq!(player.position_secs(), 2.0);
    // From a jump: the position moves on from there.
    player.seek_to(1.0);
    player.play();
    wait_for("the end", || !player.is_playing());
    assert_eq!(player.position_secs(), 2.0);
}

#[test]
fn seeks_and_jumps() {
    let home = sandbox();
    in_child(
        rusty_fork_test_name!(seeks_and_jumps),
        rusty_fork_id!(),
        home.path(),
        child_seeks,
    );
}

fn child_plays_at_48_khz() {
    let clip = clip();
    let options = PlayOptions {
        device_rate: Some(48_000),
    };
    let player = Player::from_samples(clip.clone(), &options).unwrap_or_else(|e| panic!("{e}"));
    player.play();
    wait_for("the end", || !player.is_playing());
    assert_eq!(player.position_secs(), 2.0);
    drop(player);
    let out = played();
    let first = lead_in(&clip);
    let (lag, c) = best_lag(&clip[first..first + RATE], &out[..RATE], 200);
    assert!(c > 0.97, "correlation {c} at lag {lag}");
    assert!(lag.abs() < 50, "{lag} samples out");
}

#[test]
fn plays_through_the_resampler_when_the_output_runs_at_48_khz() {
    let home = sandbox();
    in_child(
        rusty_fork_test_name!(plays_through_the_resampler_when_the_output_runs_at_48_khz),
        rusty_fork_id!(),
        home.path(),
        child_plays_at_48_khz,
    );
}

fn child_records_until_killed() {
    let _recorder = Recorder::start(&home().join("audio"), "take", &RecordOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    // The parent kills this process; this only bounds the wait if it does not.
    std::thread::sleep(Duration::from_secs(60));
    panic!("was not killed");
}

#[test]
fn kill_9_loses_at_most_the_last_second_and_the_rest_is_finished_later() {
    let home = sandbox();
    let audio = home.path().join("audio");
    let part = audio.join(".take.ogg.part");
    rusty_fork::fork(
        rusty_fork_test_name!(kill_9_loses_at_most_the_last_second_and_the_rest_is_finished_later),
        rusty_fork_id!(),
        |cmd| {
            cmd.env("HOME", home.path());
        },
        |child, _| {
            // Wait until a few pages are on disk (the fast null device fills them quickly).
            wait_for("pages on disk", || {
                std::fs::metadata(&part).is_ok_and(|m| m.len() > 20_000)
            });
            // A recording in progress is left alone.
            let live = recover_partials(&audio).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(live, [Partial::InUse { part: part.clone() }]);
            child.kill().unwrap_or_else(|e| panic!("{e}"));
            let _ = child.wait();
        },
        child_records_until_killed,
    )
    .unwrap_or_else(|e| panic!("fork: {e}"));
    let size = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    assert_eq!(find_partials(&audio).ok(), Some(vec![part.clone()]));
    let done = recover_partials(&audio).unwrap_or_else(|e| panic!("{e}"));
    let [Partial::Finished { path, secs }] = done.as_slice() else {
        panic!("{done:?}");
    };
    assert_eq!(path, &audio.join("take.ogg"));
    // At 24 kbit/s, 20 kB is several seconds; all but the page being written survive.
    let bytes_per_sec = 24_000.0 / 8.0;
    assert!(
        *secs >= size as f64 / bytes_per_sec - 2.0,
        "{secs} s from {size} bytes"
    );
    let decoded = decode_file(path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(decoded.len() as f64 / RATE as f64, *secs);
    assert!(!part.exists());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode())
        .unwrap_or(0);
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(recover_partials(&audio).ok(), Some(vec![]));
}
