use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    stardrill::cli::run(stardrill::cli::args::Cli::parse())
}

/// `log10` and `log10f` for the program, from the `libm` crate: the only
/// functions it calls from the C maths library (ratatui-textarea measures
/// line numbers with one, the delivery meter's decibels use the other).
/// Defined here, they keep `libm.so.6` off the binary's list of libraries,
/// and the loader does not open, map and relocate it at every start: about
/// 300 KB less resident (see the README's Performance section).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod log10 {
    #[unsafe(no_mangle)]
    extern "C" fn log10(x: f64) -> f64 {
        libm::log10(x)
    }

    #[unsafe(no_mangle)]
    extern "C" fn log10f(x: f32) -> f32 {
        libm::log10f(x)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// ratatui-textarea counts a number's digits as `log10(n) as u8 + 1`.
        #[test]
        fn powers_of_ten_are_exact() {
            for k in 0..=15 {
                assert_eq!(log10(10f64.powi(k)), f64::from(k), "10^{k}");
            }
            // Closer to a power than that, the true value rounds to it.
            for k in 1..=12 {
                assert!(log10(10f64.powi(k) - 1.0) < f64::from(k), "10^{k} - 1");
            }
            for k in 0..=7 {
                assert_eq!(log10f(10f32.powi(k)), k as f32, "10^{k}");
            }
        }

        #[test]
        fn within_an_ulp_elsewhere() {
            let (two, half) = (log10(2.0), log10f(0.5));
            assert!((two - std::f64::consts::LOG10_2).abs() <= f64::EPSILON);
            assert!((half + std::f32::consts::LOG10_2).abs() <= f32::EPSILON);
            assert!(log10(0.0).is_infinite() && log10(-1.0).is_nan());
        }
    }
}
