//! Asks the kernel's scheduler for short turns on the CPU for the main
//! thread, which reads keys and draws the screen: it runs in bursts of tens
//! of microseconds and then sleeps.
//!
//! Why: a key is answered by one `write` of the changed cells. That write
//! wakes the kernel's worker that carries the bytes to the terminal, and
//! with the default turn (a slice of about 1–3 ms) the worker, being owed
//! CPU time, takes the CPU from the loop at once. The loop is then still
//! waiting to run when the worker wakes the terminal, so the scheduler sends
//! the terminal to the other CPU, which has to be woken first: on a virtual
//! machine that trip alone costs about 0.1 ms of every key. With a turn of
//! 100 µs (the shortest the kernel takes; EEVDF's custom slice, Linux 6.12
//! and later), the loop, whose deadline is then the earlier, finishes its
//! burst and sleeps, and the terminal is woken where it slept. Asked for
//! from the start, it also brings a drill's first frame about 0.1 ms sooner
//! (README, "Round 15").
//!
//! Only this thread: threads and programs it starts get the usual turn
//! (`SCHED_FLAG_RESET_ON_FORK`), so the long work done on threads of its
//! own (reading the history, transcribing) shares the CPU as before. Its
//! niceness and policy are kept; real-time and idle policies, older kernels
//! and other systems are left as they are. Unprivileged users may ask.

/// The turn asked for: the kernel's minimum custom slice.
pub const TURN_NS: u64 = 100_000;

/// Asks for short turns for the calling thread; where the kernel does not
/// offer them or refuses, nothing changes.
#[cfg(target_os = "linux")]
pub fn ask_short_turns() {
    let Some(mut attr) = attr::get() else {
        return;
    };
    if !matches!(attr.policy, attr::SCHED_OTHER | attr::SCHED_BATCH) {
        return;
    }
    attr.runtime = TURN_NS;
    attr.flags = attr::RESET_ON_FORK;
    attr::set(&attr);
}

#[cfg(not(target_os = "linux"))]
pub fn ask_short_turns() {}

/// The calling thread's slice as the kernel reports it (Linux 6.12 and
/// later; earlier kernels report none).
#[cfg(target_os = "linux")]
pub fn current_turn_ns() -> Option<u64> {
    turn_ns_of(0)
}

/// The slice of thread `tid` (a process's id names its main thread), as the
/// kernel reports it; 0 is the calling thread.
#[cfg(target_os = "linux")]
pub fn turn_ns_of(tid: i32) -> Option<u64> {
    attr::get_of(tid)
        .map(|attr| attr.runtime)
        .filter(|&ns| ns > 0)
}

#[cfg(target_os = "linux")]
mod attr {
    pub const SCHED_OTHER: u32 = 0;
    pub const SCHED_BATCH: u32 = 3;
    #[cfg(test)]
    pub const SCHED_IDLE: u32 = 5;
    pub const RESET_ON_FORK: u64 = 0x01;

    /// The kernel's `struct sched_attr` in its first version (48 bytes),
    /// without the utilisation clamps, which are then left untouched.
    #[repr(C)]
    #[derive(Debug, Default)]
    pub struct SchedAttr {
        pub size: u32,
        pub policy: u32,
        pub flags: u64,
        pub nice: i32,
        pub priority: u32,
        pub runtime: u64,
        pub deadline: u64,
        pub period: u64,
    }

    const SIZE: u32 = size_of::<SchedAttr>() as u32;

    /// The calling thread's attributes.
    pub fn get() -> Option<SchedAttr> {
        get_of(0)
    }

    /// Thread `tid`'s attributes (0: the calling thread).
    pub fn get_of(tid: i32) -> Option<SchedAttr> {
        let mut attr = SchedAttr::default();
        // SAFETY: `attr` is a writable `struct sched_attr` of `SIZE` bytes,
        // which the kernel fills for thread `tid`.
        let done = unsafe {
            libc::syscall(
                libc::SYS_sched_getattr,
                tid,
                &raw mut attr,
                libc::c_uint::from(SIZE),
                0,
            )
        };
        (done == 0).then_some(attr)
    }

    /// Sets the calling thread's attributes; a refusal changes nothing.
    pub fn set(attr: &SchedAttr) {
        let attr = SchedAttr {
            size: SIZE,
            ..*attr
        };
        // SAFETY: `attr` is a complete `struct sched_attr` of the size it
        // names, which the kernel only reads.
        let _ = unsafe { libc::syscall(libc::SYS_sched_setattr, 0, &raw const attr, 0) };
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// Custom slices came with Linux 6.12.
    fn kernel_has_custom_slices() -> bool {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let mut numbers = release
            .split(|c: char| !c.is_ascii_digit())
            .map(|n| n.parse::<u32>().unwrap_or(0));
        let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
        (major, minor) >= (6, 12)
    }

    #[test]
    fn the_thread_gets_short_turns_and_keeps_its_niceness() {
        // On a thread of its own: the test harness's threads are left as they are.
        std::thread::spawn(|| {
            // Nicer than the default, as `nice stardrill` would start it.
            // SAFETY: setpriority on the calling thread (its id) only.
            let tid = unsafe { libc::gettid() };
            let niced = unsafe { libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 3) };
            assert_eq!(niced, 0);
            ask_short_turns();
            let attr = attr::get().expect("sched_getattr works on Linux");
            assert_eq!(attr.nice, 3, "the niceness is kept");
            assert_eq!(attr.policy, attr::SCHED_OTHER);
            if kernel_has_custom_slices() {
                assert_eq!(current_turn_ns(), Some(TURN_NS));
                let child = std::thread::spawn(current_turn_ns).join().unwrap();
                assert!(
                    child.is_some_and(|ns| ns > TURN_NS),
                    "a thread it starts gets the usual turn, not {child:?}"
                );
            } else {
                assert_eq!(current_turn_ns(), None);
            }
        })
        .join()
        .unwrap();
    }

    #[test]
    fn other_policies_are_left_alone() {
        std::thread::spawn(|| {
            let mut attr = attr::get().expect("sched_getattr works on Linux");
            attr.policy = attr::SCHED_IDLE;
            attr::set(&attr);
            let before = current_turn_ns();
            ask_short_turns();
            let after = attr::get().expect("sched_getattr works on Linux");
            assert_eq!(after.policy, attr::SCHED_IDLE);
            assert_eq!(current_turn_ns(), before);
        })
        .join()
        .unwrap();
    }
}
