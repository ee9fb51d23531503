//! With the `audio` feature on Linux, compiles csrc/alsa_quiet.c (the handler that
//! keeps ALSA's messages off the terminal). Otherwise there is nothing to build.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "audio")]
    audio();
}

#[cfg(feature = "audio")]
fn audio() {
    println!("cargo:rerun-if-changed=csrc/alsa_quiet.c");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        cc::Build::new()
            .file("csrc/alsa_quiet.c")
            .warnings(true)
            .compile("stardrill_alsa_quiet");
        // After the archive, so its references to alsa-lib resolve.
        println!("cargo:rustc-link-lib=dylib=asound");
    }
}
