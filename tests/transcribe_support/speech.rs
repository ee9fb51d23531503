//! Speech for the tests, made by espeak-ng and resampled by sox to what the
//! engine takes: 16 kHz mono f32.

use std::path::Path;
use std::process::Command;

/// `text` spoken by espeak-ng at 150 words a minute, as 16 kHz mono samples.
pub fn espeak(dir: &Path, text: &str) -> Vec<f32> {
    let wav = dir.join("speech.wav");
    run(Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "150", "-w"])
        .arg(&wav)
        .arg(text));
    to_samples(dir, &wav)
}

/// Each phrase spoken, with 0.6 s of silence between them.
pub fn espeak_with_pauses(dir: &Path, phrases: &[&str]) -> Vec<f32> {
    let silence = vec![0.0f32; 9_600];
    let mut out = Vec::new();
    for (i, phrase) in phrases.iter().enumerate() {
        let sub = dir.join(format!("phrase-{i}"));
        std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
        out.extend(espeak(&sub, phrase));
        out.extend(&silence);
    }
    out
}

fn to_samples(dir: &Path, wav: &Path) -> Vec<f32> {
    let raw = dir.join("speech.f32");
    run(Command::new("sox")
        .arg(wav)
        .args([
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "32",
            "-e",
            "floating-point",
            "-t",
            "raw",
        ])
        .arg(&raw));
    let bytes = std::fs::read(&raw).unwrap_or_else(|e| panic!("{}: {e}", raw.display()));
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

fn run(cmd: &mut Command) {
    let name = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {name} ({e}); install espeak-ng and sox (see .ci/run)")
    });
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
