//! Writes synthetic session logs, to try `stardrill review` on a big history:
//! `cargo run --release --example gen_sessions -- DATA_DIR COUNT [CORRUPT]`.
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/synth.rs"]
mod synth;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(Ok(n))) = (args.first(), args.get(1).map(|s| s.parse::<u64>())) else {
        eprintln!("usage: gen_sessions DATA_DIR COUNT [CORRUPT]");
        return std::process::ExitCode::from(2);
    };
    let corrupt = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    match synth::write_data_dir(std::path::Path::new(dir), n, corrupt) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_sessions: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
