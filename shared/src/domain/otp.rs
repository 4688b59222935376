//! One-time codes, the limits on sending them, and the verification tokens they buy.

use super::ids::E164;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OtpRecord {
    pub phone: E164,
    /// HMAC-SHA256 under SECRET_KEY of (phone, code); the code itself is never stored.
    pub code_hash: String,
    pub attempts: u32,
    pub max_attempts: u32,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    /// The prefix and conversion window its send was counted in (a verification counts there
    /// too); `None` for test numbers.
    #[serde(default)]
    pub conversion: Option<(String, i64)>,
}

impl OtpRecord {
    pub fn exhausted(&self) -> bool {
        self.attempts >= self.max_attempts
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// HMAC-SHA256 under SECRET_KEY of the token; the token itself is never stored.
    pub token_hash: String,
    pub phone: E164,
    pub expires_at_ms: i64,
}

/// One OTP send to reserve atomically: the cooldown and every fixed-window counter it spends,
/// all or none.
#[derive(Debug, Clone, PartialEq)]
pub struct SendPlan {
    pub phone: E164,
    pub ip: String,
    pub now_ms: i64,
    pub cooldown_until_ms: i64,
    /// Identifies this reservation so a rollback only removes its own cooldown.
    pub nonce: String,
    pub hour_window: i64,
    pub day_window: i64,
    pub max_per_hour: u32,
    pub max_per_day: u32,
    pub max_per_ip_hour: u32,
    /// The counters of sends that cost an SMS; `None` for a test number, which sends none.
    pub sms: Option<SmsLimits>,
}

/// What a fixed-window send counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterScope {
    Phone,
    Ip,
    Prefix,
    /// The whole deployment (the SMS budget).
    Deployment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Hour,
    Day,
}

impl Window {
    pub fn seconds(self) -> i64 {
        match self {
            Window::Hour => 3_600,
            Window::Day => 86_400,
        }
    }

    /// The number of the window that `now_ms` falls in (windows start at the epoch, UTC).
    pub fn number_at(self, now_ms: i64) -> i64 {
        now_ms.div_euclid(1000).div_euclid(self.seconds())
    }
}

/// One counter a send spends: `subject` (a phone, IP or prefix; empty for the deployment) in
/// window number `number`, at most `max`, refused as `denial`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendCounter {
    pub scope: CounterScope,
    pub subject: String,
    pub window: Window,
    pub number: i64,
    pub max: u32,
    pub denial: SendDenied,
}

impl SendPlan {
    /// The counters this send spends, in the order their refusals are reported.
    pub fn counters(&self) -> Vec<SendCounter> {
        let counter = |scope, subject: &str, window, max, denial| SendCounter {
            scope,
            subject: subject.to_string(),
            window,
            number: match window {
                Window::Hour => self.hour_window,
                Window::Day => self.day_window,
            },
            max,
            denial,
        };
        use {CounterScope as C, SendDenied as D, Window as W};
        let mut counters = vec![
            counter(
                C::Phone,
                &self.phone,
                W::Hour,
                self.max_per_hour,
                D::PhoneHour,
            ),
            counter(C::Phone, &self.phone, W::Day, self.max_per_day, D::PhoneDay),
            counter(C::Ip, &self.ip, W::Hour, self.max_per_ip_hour, D::IpHour),
        ];
        if let Some(sms) = &self.sms {
            counters.push(counter(
                C::Prefix,
                &sms.prefix,
                W::Hour,
                sms.max_per_prefix_hour,
                D::PrefixHour,
            ));
            counters.extend(budget_counters(
                self.hour_window,
                sms.budget_hour,
                self.day_window,
                sms.budget_day,
            ));
        }
        counters
    }
}

/// The limits on SMS spending: the number prefix's hourly cap and the deployment's budgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsLimits {
    /// The number's prefix (`+9198164`), see `Phone::prefix`.
    pub prefix: String,
    pub max_per_prefix_hour: u32,
    pub budget_hour: u32,
    pub budget_day: u32,
    /// The prefix's conversion counter and rule (`None` when the defence is off).
    pub conversion: Option<super::ConversionGate>,
}

/// The deployment's budget counters: hour window `hour` of at most `per_hour` SMS, day window
/// `day` of at most `per_day`. Every SMS spends them, a code or a security notice.
pub fn budget_counters(hour: i64, per_hour: u32, day: i64, per_day: u32) -> [SendCounter; 2] {
    let counter = |window, number, max, denial| SendCounter {
        scope: CounterScope::Deployment,
        subject: String::new(),
        window,
        number,
        max,
        denial,
    };
    [
        counter(Window::Hour, hour, per_hour, SendDenied::BudgetHour),
        counter(Window::Day, day, per_day, SendDenied::BudgetDay),
    ]
}

/// One password check to reserve before argon2 runs: a slot of the phone's failure budget
/// (and, for sign-ins, of the source IP's hourly budget), so that however many guesses arrive
/// at once, at most `max_failures` are checked per lock window ([`super::LoginGuard`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordCheck {
    pub phone: E164,
    /// The source IP for password sign-ins; `None` for checks behind a session (password
    /// change, account deletion), which spend the phone's budget only.
    pub ip: Option<String>,
    pub now_ms: i64,
    pub max_failures: u32,
    /// When a lock that starts with this check ends.
    pub lock_until_ms: i64,
    pub hour_window: i64,
    pub max_per_ip_hour: u32,
}

impl PasswordCheck {
    /// The source IP's hourly budget this check spends from.
    pub fn ip_window(&self) -> IpWindow {
        IpWindow {
            hour_window: self.hour_window,
            max: self.max_per_ip_hour,
            now_ms: self.now_ms,
        }
    }
}

/// One hour of a source IP's sign-in budget: the hour (epoch hours), its size, and now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpWindow {
    pub hour_window: i64,
    pub max: u32,
    pub now_ms: i64,
}

impl IpWindow {
    /// The hour that holds `now_ms`, with `max` sign-ins.
    pub fn at(now_ms: i64, max: u32) -> IpWindow {
        IpWindow {
            hour_window: now_ms.div_euclid(3_600_000),
            max,
            now_ms,
        }
    }

    /// When the hour ends.
    pub fn end_ms(&self) -> i64 {
        (self.hour_window + 1) * 3_600_000
    }
}

/// Why a password check was refused before it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckDenied {
    /// The phone's budget is spent; locked until then.
    Locked { until_ms: i64 },
    /// The phone's budget is taken by checks in flight (none known to have failed yet).
    Busy,
    /// The source IP's hourly budget is spent.
    IpHour,
}

/// Why a send was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendDenied {
    /// Another code was sent less than the resend interval ago; until when.
    Cooldown {
        until_ms: i64,
    },
    PhoneHour,
    PhoneDay,
    IpHour,
    /// The number prefix's hourly cap.
    PrefixHour,
    /// The deployment's hourly SMS budget.
    BudgetHour,
    /// The deployment's daily SMS budget.
    BudgetDay,
    /// The prefix's conversion is below the minimum rate (the defence's rule).
    PrefixConversion,
}
