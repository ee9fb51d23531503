//! The answer countdown, computed from when it started and how long it was
//! paused, never by counting ticks, so it cannot drift.

use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeLeft {
    /// Whole seconds left, rounded up: a fresh two-minute answer shows 2:00.
    Remaining(u64),
    /// Whole seconds past the limit.
    Overtime(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    limit: Duration,
    started: Duration,
    paused_total: Duration,
    paused_since: Option<Duration>,
    stopped_at: Option<Duration>,
}

impl Countdown {
    pub fn start(limit: Duration, now: Duration) -> Self {
        Self {
            limit,
            started: now,
            paused_total: Duration::ZERO,
            paused_since: None,
            stopped_at: None,
        }
    }

    /// True before the countdown's start, during think time.
    pub fn is_waiting(&self, now: Duration) -> bool {
        now < self.started
    }

    /// Starts now instead of at the planned time (think time cut short).
    pub fn start_now(&mut self, now: Duration) {
        if now < self.started {
            self.started = now;
        }
    }

    pub fn limit(&self) -> Duration {
        self.limit
    }

    pub fn started(&self) -> Duration {
        self.started
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped_at.is_some()
    }

    /// Answering time so far, pauses excluded.
    pub fn elapsed(&self, now: Duration) -> Duration {
        let end = self.stopped_at.or(self.paused_since).unwrap_or(now);
        end.saturating_sub(self.started)
            .saturating_sub(self.paused_total)
    }

    pub fn paused(&self, now: Duration) -> Duration {
        let running_pause = match (self.paused_since, self.stopped_at) {
            (Some(since), None) => now.saturating_sub(since),
            _ => Duration::ZERO,
        };
        self.paused_total + running_pause
    }

    pub fn overtime(&self, now: Duration) -> Duration {
        self.elapsed(now).saturating_sub(self.limit)
    }

    pub fn is_over(&self, now: Duration) -> bool {
        self.elapsed(now) >= self.limit
    }

    pub fn time_left(&self, now: Duration) -> TimeLeft {
        let elapsed = self.elapsed(now);
        match self.limit.checked_sub(elapsed) {
            Some(left) if !left.is_zero() => {
                TimeLeft::Remaining(left.as_secs() + u64::from(left.subsec_nanos() > 0))
            }
            _ => TimeLeft::Overtime((elapsed - self.limit).as_secs()),
        }
    }

    /// Share of the limit used, 0.0 to 1.0.
    pub fn ratio_used(&self, now: Duration) -> f64 {
        if self.limit.is_zero() {
            return 1.0;
        }
        (self.elapsed(now).as_secs_f64() / self.limit.as_secs_f64()).min(1.0)
    }

    pub fn pause(&mut self, now: Duration) {
        if self.paused_since.is_none() && self.stopped_at.is_none() {
            self.paused_since = Some(now);
        }
    }

    pub fn resume(&mut self, now: Duration) {
        if let Some(since) = self.paused_since.take() {
            self.paused_total += now.saturating_sub(since);
        }
    }

    pub fn stop(&mut self, now: Duration) {
        self.resume(now);
        if self.stopped_at.is_none() {
            self.stopped_at = Some(now);
        }
    }

    /// How long until the shown second changes; `None` while paused or stopped,
    /// when nothing on screen moves and the loop can sleep until input.
    pub fn until_next_change(&self, now: Duration) -> Option<Duration> {
        if self.paused_since.is_some() || self.stopped_at.is_some() {
            return None;
        }
        if now < self.started {
            let wait = self.started - now;
            let into_second = Duration::from_nanos(u64::from(wait.subsec_nanos()));
            return Some(if into_second.is_zero() {
                SECOND
            } else {
                into_second
            });
        }
        let into_second = Duration::from_nanos(u64::from(self.elapsed(now).subsec_nanos()));
        Some(SECOND - into_second)
    }
}

/// `m:ss`, for times on screen.
pub fn clock_face(secs: u64) -> String {
    let mut face = String::with_capacity(8);
    push_clock_face(&mut face, secs);
    face
}

/// Appends `clock_face(secs)` to `out`.
pub fn push_clock_face(out: &mut String, secs: u64) {
    out.push_str(itoa::Buffer::new().format(secs / 60));
    out.push(':');
    let seconds = (secs % 60) as u8;
    out.push(char::from(b'0' + seconds / 10));
    out.push(char::from(b'0' + seconds % 10));
}

/// The columns `clock_face(secs)` takes.
pub fn clock_face_width(secs: u64) -> usize {
    (secs / 60)
        .checked_ilog10()
        .map_or(1, |digits| digits as usize + 1)
        + 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_face_is_minutes_and_two_digit_seconds_as_wide_as_said() {
        for secs in [0, 9, 59, 60, 599, 600, 3599, 5999, 6000, 359_999, u64::MAX] {
            assert_eq!(clock_face(secs), format!("{}:{:02}", secs / 60, secs % 60));
            assert_eq!(clock_face_width(secs), clock_face(secs).len(), "{secs}");
        }
    }

    fn s(secs: f64) -> Duration {
        Duration::from_secs_f64(secs)
    }

    #[test]
    fn counts_down_from_the_limit_rounding_up() {
        let c = Countdown::start(s(120.0), s(10.0));
        assert_eq!(c.time_left(s(10.0)), TimeLeft::Remaining(120));
        assert_eq!(c.time_left(s(10.4)), TimeLeft::Remaining(120));
        assert_eq!(c.time_left(s(11.0)), TimeLeft::Remaining(119));
        assert_eq!(c.time_left(s(129.5)), TimeLeft::Remaining(1));
    }

    #[test]
    fn keeps_counting_overtime_after_zero() {
        let c = Countdown::start(s(120.0), s(0.0));
        assert_eq!(c.time_left(s(120.0)), TimeLeft::Overtime(0));
        assert!(c.is_over(s(120.0)));
        assert_eq!(c.time_left(s(132.7)), TimeLeft::Overtime(12));
        assert_eq!(c.overtime(s(132.5)), s(12.5));
    }

    #[test]
    fn pause_freezes_the_clock_and_is_excluded_from_elapsed() {
        let mut c = Countdown::start(s(120.0), s(0.0));
        c.pause(s(30.0));
        assert_eq!(c.elapsed(s(90.0)), s(30.0));
        assert_eq!(c.until_next_change(s(90.0)), None);
        c.resume(s(100.0));
        assert_eq!(c.elapsed(s(100.0)), s(30.0));
        assert_eq!(c.elapsed(s(110.0)), s(40.0));
        assert_eq!(c.paused(s(110.0)), s(70.0));
        // A second pause adds up.
        c.pause(s(110.0));
        c.pause(s(115.0));
        assert_eq!(c.paused(s(120.0)), s(80.0));
    }

    #[test]
    fn stop_freezes_elapsed_even_mid_pause() {
        let mut c = Countdown::start(s(60.0), s(0.0));
        c.pause(s(10.0));
        c.stop(s(20.0));
        assert_eq!(c.elapsed(s(500.0)), s(10.0));
        assert_eq!(c.paused(s(500.0)), s(10.0));
        assert!(c.is_stopped());
        c.pause(s(600.0));
        assert!(!c.is_paused());
    }

    #[test]
    fn wakes_exactly_when_the_shown_second_changes() {
        let c = Countdown::start(s(120.0), s(0.0));
        assert_eq!(c.until_next_change(s(0.0)), Some(s(1.0)));
        let wait = c.until_next_change(s(5.25)).expect("running");
        assert!((wait.as_secs_f64() - 0.75).abs() < 1e-9);
        // Sleeping exactly that long lands on the next shown value.
        assert_eq!(c.time_left(s(5.25) + wait), TimeLeft::Remaining(114));
    }

    #[test]
    fn think_time_delays_the_start() {
        let mut c = Countdown::start(s(120.0), s(15.0));
        assert!(c.is_waiting(s(3.0)));
        assert_eq!(c.elapsed(s(3.0)), Duration::ZERO);
        assert_eq!(c.time_left(s(3.0)), TimeLeft::Remaining(120));
        let wait = c.until_next_change(s(3.25)).expect("thinking");
        assert!((wait.as_secs_f64() - 0.75).abs() < 1e-9);
        assert_eq!(c.elapsed(s(20.0)), s(5.0));
        c.start_now(s(1.0));
        assert!(!c.is_waiting(s(1.0)));
        assert_eq!(c.elapsed(s(11.0)), s(10.0));
    }

    #[test]
    fn ratio_is_clamped() {
        let c = Countdown::start(s(100.0), s(0.0));
        assert!((c.ratio_used(s(25.0)) - 0.25).abs() < 1e-9);
        assert!((c.ratio_used(s(500.0)) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn clock_face_formats_minutes_and_seconds() {
        assert_eq!(clock_face(120), "2:00");
        assert_eq!(clock_face(9), "0:09");
        assert_eq!(clock_face(3725), "62:05");
    }
}
