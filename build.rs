//! With the `audio` feature on Linux, compiles csrc/alsa_quiet.c (the handler that
//! keeps ALSA's messages off the terminal). Where the linker is LLD, a release
//! build links its code in the order of link/symbol-order.txt, packs its
//! relative relocations and links the unwinder and, where it can, the C
//! library in (a static executable).

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "audio")]
    audio();
    release_link();
}

/// Tells LLD to pack relative relocations (below) and to lay out the
/// binary's functions in the order a session first runs them
/// (`cargo run --release --example symbol_order` writes the list).
/// The kernel maps 64 KB of the file around every page a start faults in:
/// with the code a start and a drill run packed together, it maps about
/// 1.5 MB less of the binary. Names the list no longer matches only lose
/// their place. Other linkers do not know the option, so it is only given
/// where rustc links with LLD: x86_64 Linux (GNU), from Rust 1.90, unless
/// the flags choose the linker.
fn release_link() {
    println!("cargo:rerun-if-changed=link/symbol-order.txt");
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let list = Path::new(&env("CARGO_MANIFEST_DIR")).join("link/symbol-order.txt");
    let lld = env("TARGET") == "x86_64-unknown-linux-gnu"
        && rustc_minor() >= Some(90)
        && !env("CARGO_ENCODED_RUSTFLAGS").contains("link");
    if env("PROFILE") != "release" || !lld {
        return;
    }
    if list.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            list.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
    // The unwinder from libgcc_eh.a, linked in as `gcc -static-libgcc`
    // does, instead of libgcc_s.so: one library fewer for the loader at
    // every start (with src/main.rs's log10, libc is the only one left).
    // Not with `audio`: ALSA and whisper's C++ bring libgcc_s in anyway, and
    // C++ exceptions are best left to one unwinder.
    if env("CARGO_FEATURE_AUDIO").is_empty() && c_compiler_has("libgcc_eh.a").is_some() {
        println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
        static_pie(Path::new(&env("OUT_DIR")));
    }
    if loader_reads_relr() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Links the program as a static position-independent executable, the C
/// library included, where the C compiler has glibc's static archives and
/// its start code for one (`rcrt1.o`): no loader runs before `main`, so a
/// start neither maps libc.so nor looks up its ~130 symbols. Measured, a
/// start reaches its first frame 0.1–0.3 ms sooner and peaks 0.7–0.85 MB
/// lower (README, Performance, round 14). Only the program: the tests, benches and
/// examples link as before, and so does any build with `audio`, whose C
/// libraries are shared ones.
///
/// `-C target-feature=+crt-static` would say this to rustc, but Cargo gives
/// those flags to proc-macro crates too, which then cannot be built. So the
/// link keeps rustc's list of libraries (`-lc -lm -lpthread`…) and finds
/// them in a folder of its own first, where each is a linker script naming
/// the static archive; `-static-pie` picks the start code and tells the
/// linker there is no loader.
fn static_pie(out_dir: &Path) {
    let archives = [
        ("c", "libc.a"),
        ("m", "libm.a"),
        ("pthread", "libpthread.a"),
        ("dl", "libdl.a"),
        ("rt", "librt.a"),
        ("util", "libutil.a"),
        ("gcc_s", "libgcc_eh.a"),
    ];
    if c_compiler_has("rcrt1.o").is_none() {
        return;
    }
    let mut scripts = Vec::new();
    for (name, archive) in archives {
        let Some(path) = c_compiler_has(archive) else {
            return;
        };
        scripts.push((
            format!("lib{name}.so"),
            format!("INPUT(\"{}\")\n", path.display()),
        ));
    }
    let dir = out_dir.join("static-libs");
    let written = std::fs::create_dir_all(&dir).is_ok()
        && scripts
            .iter()
            .all(|(file, script)| std::fs::write(dir.join(file), script).is_ok());
    if written {
        println!("cargo:rustc-link-arg-bins=-L{}", dir.display());
        println!("cargo:rustc-link-arg-bins=-static-pie");
    }
}

/// Whether the C library the binary links against (and so the loader that
/// will start it) reads packed relative relocations (`DT_RELR`, glibc 2.36
/// and later), which it marks with the `GLIBC_ABI_DT_RELR` version. A
/// position-independent binary lists a relocation for every pointer in its
/// static data, 24 bytes each (some 4,400 here: the compiled question bank's
/// strings, vtables); packed, they take a few hundred bytes, and a start
/// reads that many fewer pages of the file.
fn loader_reads_relr() -> bool {
    c_compiler_has("libc.so.6").is_some_and(|path| {
        std::fs::read(path).is_ok_and(|libc| {
            libc.windows(b"GLIBC_ABI_DT_RELR".len())
                .any(|w| w == b"GLIBC_ABI_DT_RELR")
        })
    })
}

/// Where the C compiler the link runs through finds `file` among its
/// libraries, if it does (it prints the bare name when it does not).
fn c_compiler_has(file: &str) -> Option<std::path::PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = std::process::Command::new(cc)
        .arg(format!("-print-file-name={file}"))
        .output()
        .ok()?;
    let path = std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    (path.is_absolute() && path.is_file()).then_some(path)
}

/// The minor version of the rustc that builds the crate (`1.90.0` → 90).
fn rustc_minor() -> Option<u32> {
    let rustc = std::env::var_os("RUSTC")?;
    let out = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()?;
    let version = String::from_utf8(out.stdout).ok()?;
    version
        .split_whitespace()
        .nth(1)?
        .split('.')
        .nth(1)?
        .parse()
        .ok()
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
