//! The password lockout of one phone, as a pure state machine the stores apply atomically.
//!
//! A check is *reserved* before argon2 runs (in flight) and *resolved* after. Failures count
//! within a window of `LOGIN_LOCK_SECONDS` from the first one; the check that makes them
//! `max_failures` locks the phone for the same time. Failures and checks in flight together
//! never exceed `max_failures`, so however many guesses arrive at once, at most that many
//! run; a check refused only because others are in flight is [`CheckDenied::Busy`] (retry in
//! a second), never a lock. A reservation abandoned by a crashed process stops counting after
//! [`IN_FLIGHT_STALE_MS`].

use super::otp::{CheckDenied, PasswordCheck};
use serde::{Deserialize, Serialize};

/// A check still in flight after this long was abandoned (argon2 takes well under a second).
pub const IN_FLIGHT_STALE_MS: i64 = 30_000;

/// How a reserved check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    /// The password matched (and any other factor): failures are forgotten.
    Passed,
    /// A wrong password, or a right one with a wrong second factor.
    Failed,
    /// The check could not run (an internal error): it counts neither way.
    Abandoned,
}

/// What is stored per phone. `version` is the stores' compare-and-set counter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginGuard {
    #[serde(default)]
    pub failures: u32,
    /// When the first failure of the current window happened.
    #[serde(default)]
    pub window_start_ms: i64,
    #[serde(default)]
    pub in_flight: u32,
    /// When the latest check was reserved.
    #[serde(default)]
    pub in_flight_at_ms: i64,
    #[serde(default)]
    pub locked_until_ms: i64,
    #[serde(default)]
    pub version: u64,
}

impl LoginGuard {
    /// The state at `now`: an ended lock, failures out of their window and abandoned checks
    /// no longer count.
    fn settled(&self, check: &PasswordCheck) -> LoginGuard {
        let mut g = self.clone();
        let now = check.now_ms;
        if g.locked_until_ms != 0 && g.locked_until_ms <= now {
            g.locked_until_ms = 0;
            g.failures = 0;
        }
        if g.failures > 0 && now - g.window_start_ms >= check.window_ms() {
            g.failures = 0;
        }
        if g.in_flight > 0 && now - g.in_flight_at_ms >= IN_FLIGHT_STALE_MS {
            g.in_flight = 0;
        }
        g
    }

    /// The state with one more check in flight, or why none may start.
    pub fn reserve(&self, check: &PasswordCheck) -> Result<LoginGuard, CheckDenied> {
        let mut g = self.settled(check);
        if g.locked_until_ms > check.now_ms {
            return Err(CheckDenied::Locked {
                until_ms: g.locked_until_ms,
            });
        }
        if g.failures + g.in_flight >= check.max_failures {
            return Err(CheckDenied::Busy);
        }
        g.in_flight += 1;
        g.in_flight_at_ms = check.now_ms;
        Ok(g)
    }

    /// The state after a reserved check ended with `outcome`.
    pub fn resolve(&self, check: &PasswordCheck, outcome: CheckOutcome) -> LoginGuard {
        let mut g = self.settled(check);
        g.in_flight = g.in_flight.saturating_sub(1);
        match outcome {
            CheckOutcome::Abandoned => {}
            CheckOutcome::Passed => {
                g.failures = 0;
                g.window_start_ms = 0;
            }
            CheckOutcome::Failed => {
                if g.failures == 0 {
                    g.window_start_ms = check.now_ms;
                }
                g.failures += 1;
                if g.failures >= check.max_failures && g.locked_until_ms <= check.now_ms {
                    g.locked_until_ms = check.lock_until_ms;
                }
            }
        }
        g
    }

    /// When the record can be forgotten (nothing in it matters any more).
    pub fn expires_at_ms(&self, check: &PasswordCheck) -> i64 {
        (self.window_start_ms + check.window_ms())
            .max(self.locked_until_ms)
            .max(self.in_flight_at_ms + IN_FLIGHT_STALE_MS)
    }
}

impl PasswordCheck {
    /// Failures count for this long after the first (the lock's length: `LOGIN_LOCK_SECONDS`).
    pub fn window_ms(&self) -> i64 {
        self.lock_until_ms - self.now_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(now_ms: i64) -> PasswordCheck {
        PasswordCheck {
            phone: crate::domain::E164::new("+91a"),
            ip: None,
            now_ms,
            max_failures: 5,
            lock_until_ms: now_ms + 900_000,
            hour_window: 0,
            max_per_ip_hour: 30,
        }
    }

    fn fail(g: LoginGuard, now: i64) -> LoginGuard {
        let g = g.reserve(&check(now)).unwrap_or_else(|d| panic!("{d:?}"));
        g.resolve(&check(now), CheckOutcome::Failed)
    }

    #[test]
    fn five_failures_lock_and_the_lock_ends() {
        let mut g = LoginGuard::default();
        for n in 0..5 {
            g = fail(g, n);
        }
        assert_eq!(
            g.reserve(&check(10)),
            Err(CheckDenied::Locked {
                until_ms: 4 + 900_000
            })
        );
        assert!(g.reserve(&check(4 + 900_000)).is_ok(), "a fresh budget");
    }

    #[test]
    fn checks_in_flight_are_busy_not_locked() {
        let mut g = LoginGuard::default();
        for _ in 0..5 {
            g = g.reserve(&check(0)).unwrap();
        }
        assert_eq!(g.reserve(&check(1)), Err(CheckDenied::Busy));
        let g = g.resolve(&check(2), CheckOutcome::Passed);
        assert!(g.reserve(&check(3)).is_ok(), "a slot came back");
        let stale = g.reserve(&check(3 + IN_FLIGHT_STALE_MS));
        assert!(stale.is_ok(), "abandoned checks stop counting");
    }

    #[test]
    fn failures_older_than_the_window_no_longer_count() {
        let mut g = LoginGuard::default();
        for n in 0..4 {
            g = fail(g, n);
        }
        let g = fail(g, 900_001);
        assert_eq!(g.failures, 1, "a new window");
        assert_eq!(g.locked_until_ms, 0);
    }

    #[test]
    fn a_pass_forgets_failures_and_abandoned_checks_count_neither_way() {
        let mut g = LoginGuard::default();
        for n in 0..4 {
            g = fail(g, n);
        }
        let g = g.reserve(&check(5)).unwrap();
        let g = g.resolve(&check(6), CheckOutcome::Abandoned);
        assert_eq!((g.failures, g.in_flight), (4, 0));
        let g = g.reserve(&check(7)).unwrap();
        let g = g.resolve(&check(8), CheckOutcome::Passed);
        assert_eq!((g.failures, g.in_flight), (0, 0));
    }
}
