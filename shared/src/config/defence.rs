//! The SMS pumping defence that decides by conversion (`SMS_DEFENCE_MODE`,
//! `SMS_CONVERSION_*`): a number prefix whose codes are sent but not entered is paused.

use super::{ConfigError, Env};

/// What conversion-based prefix pauses do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefenceMode {
    /// Pauses take effect (503 `OTP_SENDING_PAUSED`, scope `prefix`).
    Enforce,
    /// The same decisions are logged and counted; nothing is paused.
    Monitor,
    /// No conversion rule (admin `BLOCKED` prefixes still pause).
    Off,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefenceSettings {
    pub mode: DefenceMode,
    pub window_seconds: i64,
    /// Sends in a window before the rule judges a prefix.
    pub min_sends: u32,
    /// The lowest share of sends verified that keeps a prefix open, in thousandths.
    pub min_rate_permille: u32,
    pub pause_seconds: i64,
}

impl DefenceSettings {
    /// The number of the conversion window that holds `now_ms` (windows start at the epoch).
    pub fn window_at(&self, now_ms: i64) -> i64 {
        now_ms.div_euclid(self.window_seconds * 1000)
    }

    /// When window `window` starts.
    pub fn window_start_ms(&self, window: i64) -> i64 {
        window * self.window_seconds * 1000
    }

    /// The last millisecond of window `window`.
    pub fn window_end_ms(&self, window: i64) -> i64 {
        self.window_start_ms(window + 1) - 1
    }
}

/// A rate written `0.2` (0 to 1, at most three decimals) in thousandths.
fn permille(v: &str) -> Option<u32> {
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    if whole.is_empty() && frac.is_empty() || frac.len() > 3 {
        return None;
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(frac) {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: u32 = format!("{frac:0<3}").parse().ok()?;
    let total = whole.checked_mul(1000)?.checked_add(frac)?;
    (total <= 1000).then_some(total)
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(super) fn defence(&self) -> Result<DefenceSettings, ConfigError> {
        let mode = match self.get("SMS_DEFENCE_MODE").as_deref() {
            None | Some("enforce") => DefenceMode::Enforce,
            Some("monitor") => DefenceMode::Monitor,
            Some("off") => DefenceMode::Off,
            Some(other) => {
                return Err(ConfigError(format!(
                    "SMS_DEFENCE_MODE={other} is not enforce|monitor|off"
                )));
            }
        };
        let rate = match self.get("SMS_CONVERSION_MIN_RATE") {
            None => 200,
            Some(v) => permille(&v).ok_or_else(|| {
                ConfigError("SMS_CONVERSION_MIN_RATE must be a number from 0 to 1".into())
            })?,
        };
        Ok(DefenceSettings {
            mode,
            window_seconds: self.num("SMS_CONVERSION_WINDOW_SECONDS", 3600, 60, 86_400)?,
            min_sends: self.num("SMS_CONVERSION_MIN_SENDS", 20, 1, 1_000_000)? as u32,
            min_rate_permille: rate,
            pause_seconds: self.num("SMS_CONVERSION_PAUSE_SECONDS", 3600, 60, 7 * 86_400)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_read_in_thousandths() {
        assert_eq!(permille("0.2"), Some(200));
        assert_eq!(permille("0.125"), Some(125));
        assert_eq!(permille("1"), Some(1000));
        assert_eq!(permille(".5"), Some(500));
        assert_eq!(permille("0"), Some(0));
        for bad in ["", ".", "1.5", "0.1234", "-0.1", "x", "2"] {
            assert_eq!(permille(bad), None, "{bad}");
        }
    }
}
