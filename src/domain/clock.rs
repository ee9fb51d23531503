//! Time as an input: the app asks a `Clock`, tests hand it a fake one.

use std::cell::Cell;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Local, SubsecRound};

pub trait Clock {
    /// Monotonic time since an arbitrary origin; never jumps with the wall clock.
    fn now(&self) -> Duration;
    /// The local wall-clock time, for timestamps in session logs.
    fn wall_now(&self) -> DateTime<FixedOffset>;
}

/// One reading of both clocks. A message is handled at one instant: it reads
/// the clock once and hands this on, so every step of it sees the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    pub mono: Duration,
    pub wall: DateTime<FixedOffset>,
}

impl Now {
    pub fn read(clock: &dyn Clock) -> Self {
        Self {
            mono: clock.now(),
            wall: clock.wall_now(),
        }
    }
}

pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn wall_now(&self) -> DateTime<FixedOffset> {
        Local::now().fixed_offset().trunc_subsecs(0)
    }
}

/// A clock that only moves when told to.
pub struct FakeClock {
    now: Cell<Duration>,
    wall_origin: DateTime<FixedOffset>,
}

impl FakeClock {
    pub fn new(wall_origin: DateTime<FixedOffset>) -> Self {
        Self {
            now: Cell::new(Duration::ZERO),
            wall_origin,
        }
    }

    /// 2026-01-05 09:00:00 +01:00, a fixed instant for tests and snapshots.
    pub fn fixed() -> Self {
        let origin = DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00").unwrap_or_default();
        Self::new(origin)
    }

    pub fn advance(&self, by: Duration) {
        self.now.set(self.now.get() + by);
    }

    pub fn set(&self, to: Duration) {
        self.now.set(to);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        self.now.get()
    }

    fn wall_now(&self) -> DateTime<FixedOffset> {
        let elapsed = chrono::Duration::from_std(self.now.get()).unwrap_or_default();
        (self.wall_origin + elapsed).trunc_subsecs(0)
    }
}
