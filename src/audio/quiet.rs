//! Keeps audio libraries' own messages off the terminal.
//!
//! alsa-lib writes its errors to stderr, under the full-screen interface. On
//! Linux a handler (csrc/alsa_quiet.c) takes them instead, for every thread, and
//! keeps the latest, so an error can say in one line what ALSA said.

/// Where the message count stood, to ask later whether ALSA said something since.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark(u64);

#[cfg(target_os = "linux")]
mod sys {
    use std::ffi::{CStr, c_char, c_int, c_ulong};

    unsafe extern "C" {
        fn stardrill_alsa_quiet() -> c_int;
        fn stardrill_alsa_last(out: *mut c_char, cap: usize) -> c_ulong;
    }

    pub fn install() {
        // SAFETY: sets alsa-lib's process-wide handler to a C function that only
        // formats into its own buffer under a mutex.
        unsafe {
            stardrill_alsa_quiet();
        }
    }

    pub fn last() -> (u64, String) {
        let mut buf = [0 as c_char; 256];
        // SAFETY: the buffer is writable for its full length; the C side writes at
        // most `cap` bytes, the last one a NUL.
        let count = unsafe { stardrill_alsa_last(buf.as_mut_ptr(), buf.len()) };
        // SAFETY: NUL-terminated above (the C side always terminates).
        let text = unsafe { CStr::from_ptr(buf.as_ptr()) };
        // c_ulong is 32 bits on some targets.
        #[allow(clippy::useless_conversion)]
        let count = u64::from(count);
        (count, text.to_string_lossy().trim().to_string())
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    pub fn install() {}

    pub fn last() -> (u64, String) {
        (0, String::new())
    }
}

/// Routes the audio libraries' messages away from stderr. Called by everything
/// in this module before it touches a device; cheap to call again. Call it at
/// start-up, too, if anything else might touch audio first.
pub fn quiet_library_messages() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(sys::install);
}

/// The latest message an audio library wrote (instead of printing it), if any.
pub fn last_library_message() -> Option<String> {
    let (count, text) = sys::last();
    (count > 0 && !text.is_empty()).then_some(text)
}

pub(crate) fn mark() -> Mark {
    quiet_library_messages();
    Mark(sys::last().0)
}

/// The latest library message, if there has been one since `mark`.
pub(crate) fn said_since(mark: Mark) -> Option<String> {
    let (count, text) = sys::last();
    (count > mark.0 && !text.is_empty()).then_some(text)
}
