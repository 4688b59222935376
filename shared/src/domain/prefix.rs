//! Number prefixes under the SMS pumping defence: each prefix's conversion in fixed windows
//! (codes sent, codes verified), the rule that pauses a prefix whose codes are not entered, and
//! the mode an admin sets (`AUTO`, `BLOCKED`, `ALLOWED`).
//!
//! The rule is one condition of the send's own atomic reservation: a send to a prefix in `AUTO`
//! is reserved only while the window holds fewer than `min_sends` sends or the verified share
//! is at least the minimum rate. Counts are kept scaled so that the store can compare them with
//! no arithmetic: each send adds `rate` (thousandths) to `owed`, each verification 1000 to
//! `credit`; "verified / sent >= rate" is "credit >= owed". Once a send is refused by the rule,
//! every later send in that window is too, however many race: they find the same counts.

use super::state_enum;
use serde::{Deserialize, Serialize};

state_enum!(
    /// How a prefix is treated (set by an admin; `AUTO` when never set).
    PrefixMode {
        Auto => "AUTO",
        Blocked => "BLOCKED",
        Allowed => "ALLOWED",
    }
);

state_enum!(
    /// Whether codes are sent to the prefix now.
    PrefixState {
        Open => "OPEN",
        Paused => "PAUSED",
    }
);

/// What is stored per prefix besides its counts: the admin's mode and the current pause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixControl {
    pub prefix: String,
    /// ISO region of the prefix (`IN`), `ZZ` when unknown.
    pub country: String,
    pub mode: PrefixMode,
    /// Why the mode was set (the admin's words), or why the prefix paused.
    pub reason: Option<String>,
    pub paused_until_ms: Option<i64>,
    pub updated_at_ms: i64,
}

impl PrefixControl {
    /// A prefix no one has set or paused.
    pub fn open(prefix: &str, country: &str) -> PrefixControl {
        PrefixControl {
            prefix: prefix.to_string(),
            country: country.to_string(),
            mode: PrefixMode::Auto,
            reason: None,
            paused_until_ms: None,
            updated_at_ms: 0,
        }
    }

    /// Paused at `now_ms`: always when `BLOCKED`, in `AUTO` while a pause lasts.
    pub fn state(&self, now_ms: i64) -> PrefixState {
        let pausing = self.paused_until_ms.is_some_and(|u| u > now_ms);
        match self.mode {
            PrefixMode::Blocked => PrefixState::Paused,
            PrefixMode::Auto if pausing => PrefixState::Paused,
            _ => PrefixState::Open,
        }
    }
}

/// A prefix's counts in one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    pub sent: u32,
    pub verified: u32,
}

impl Conversion {
    /// The share of sends verified, 0 when nothing was sent.
    pub fn rate(&self) -> f64 {
        match self.sent {
            0 => 0.0,
            n => f64::from(self.verified.min(n)) / f64::from(n),
        }
    }

    /// The rule: one more send is refused when `min_sends` were sent and fewer than `rate`
    /// thousandths of them were verified.
    pub fn refuses(&self, min_sends: u32, rate_permille: u32) -> bool {
        self.sent >= min_sends
            && u64::from(self.verified) * 1000 < u64::from(rate_permille) * u64::from(self.sent)
    }
}

/// Prefixes of one country that paused in a window before new prefixes of that country are
/// judged strictly: pumping rings walk through many prefixes of a range, real users' prefixes
/// rarely pause.
pub const LEARN_AFTER_PAUSES: u32 = 2;

/// The sends a prefix may get in a window before the rule judges it: `min_sends`, or once
/// [`LEARN_AFTER_PAUSES`] prefixes of its country paused in the window, 1 (its first code goes
/// out; the next only after a code of the prefix was entered).
pub fn judged_after(min_sends: u32, country_pauses: u32) -> u32 {
    match country_pauses >= LEARN_AFTER_PAUSES {
        true => 1.min(min_sends),
        false => min_sends,
    }
}

/// The probation a send must also pass: its country is learning (see [`judged_after`]) and its
/// prefix has no code entered in the window. All such prefixes of the country share
/// `min_sends` sends per window, so walking through fresh prefixes buys no more than one
/// prefix would.
pub fn probation_of(
    country: &str,
    window: i64,
    min_sends: u32,
    country_pauses: u32,
    prefix: &Conversion,
) -> Option<Probation> {
    (country_pauses >= LEARN_AFTER_PAUSES && prefix.verified == 0).then(|| Probation {
        country: country.to_string(),
        window,
        max: min_sends,
    })
}

/// The conversion part of a send's reservation: the prefix's counter in window `window` and,
/// when `enforce`, the rule its reservation must pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionGate {
    pub prefix: String,
    pub window: i64,
    /// The window's last millisecond, after which the counts expire.
    pub window_end_ms: i64,
    pub min_sends: u32,
    pub rate_permille: u32,
    /// Refuse by the rule (`AUTO` in enforce mode); otherwise only count.
    pub enforce: bool,
    /// While prefixes of the country keep pausing, a prefix with no code entered in the window
    /// also spends one of the country's shared probation sends.
    pub probation: Option<Probation>,
}

/// The sends that every unproven prefix of a country under attack shares in one window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probation {
    pub country: String,
    pub window: i64,
    pub max: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_pauses_at_min_sends_below_the_rate() {
        let c = |sent, verified| Conversion { sent, verified };
        assert!(!c(19, 0).refuses(20, 200), "too few sends to judge");
        assert!(c(20, 3).refuses(20, 200), "15% < 20%");
        assert!(!c(20, 4).refuses(20, 200), "20% is enough");
        assert!(!c(100, 80).refuses(20, 200));
        assert!(!c(0, 0).refuses(0, 0));
        assert_eq!(c(4, 1).rate(), 0.25);
    }

    #[test]
    fn blocked_always_pauses_allowed_never() {
        let mut p = PrefixControl::open("+9198164", "IN");
        assert_eq!(p.state(0), PrefixState::Open);
        p.paused_until_ms = Some(100);
        assert_eq!(p.state(99), PrefixState::Paused);
        assert_eq!(p.state(100), PrefixState::Open);
        p.mode = PrefixMode::Allowed;
        assert_eq!(p.state(0), PrefixState::Open);
        p.mode = PrefixMode::Blocked;
        assert_eq!(p.state(1_000), PrefixState::Paused);
    }
}
