//! The SMS pumping defence around a send: a prefix that is paused (by an admin's `BLOCKED` or
//! by the conversion rule) gets no SMS; a send in `AUTO` passes the rule inside its own
//! reservation; a refusal by the rule records the pause, logs it and counts it; a verified code
//! counts for its prefix. Test numbers never reach here (they cost no SMS).

use super::Auth;
use crate::config::DefenceMode;
use crate::domain::{
    ConversionGate, Error, OtpRecord, PauseScope, PrefixControl, PrefixMode, PrefixState, Result,
    judged_after, probation_of,
};
use crate::metrics::{BlockReason, OtpEvent};
use crate::phone::Phone;
use crate::services::secs_until;
use crate::store::Standing;

impl Auth<'_> {
    /// The prefix's control and the conversion part of the send's reservation; a paused prefix
    /// is refused here (503, scope `prefix`). In `monitor` mode, a send the rule would refuse
    /// (judged on the counts read here, before it) is logged and counted, and goes on.
    pub(super) async fn prefix_gate(
        &self,
        phone: &Phone,
        prefix: &str,
    ) -> Result<(PrefixControl, Option<ConversionGate>)> {
        let now_ms = self.now_ms();
        let country = phone.country();
        let d = &self.config.defence;
        let window = d.window_at(now_ms);
        let standing = self.prefixes.prefix_standing(prefix, &country, window);
        let Standing {
            control,
            conversion,
            country_pauses,
        } = standing.await?;
        let control = control.unwrap_or_else(|| PrefixControl::open(prefix, &country));
        if control.state(now_ms) == PrefixState::Paused {
            self.count(OtpEvent::Blocked(BlockReason::PrefixPaused), phone);
            let until = control.paused_until_ms.unwrap_or(now_ms);
            let pause = d.pause_seconds * 1000;
            let until = if until > now_ms {
                until
            } else {
                now_ms + pause
            };
            let retry_after = secs_until(until, now_ms);
            tracing::info!(phone = %phone.masked(), prefix, mode = %control.mode, "OTP send refused: prefix paused");
            return Err(Error::OtpSendingPaused {
                retry_after,
                scope: PauseScope::Prefix,
            });
        }
        if d.mode == DefenceMode::Off {
            return Ok((control, None));
        }
        let enforce = d.mode == DefenceMode::Enforce && control.mode == PrefixMode::Auto;
        let min_sends = judged_after(d.min_sends, country_pauses);
        let monitored = d.mode == DefenceMode::Monitor && control.mode == PrefixMode::Auto;
        if monitored && conversion.refuses(min_sends, d.min_rate_permille) {
            let (sent, verified) = (conversion.sent, conversion.verified);
            tracing::warn!(prefix, sent, verified, "prefix would pause (monitor mode)");
            self.count(OtpEvent::PrefixWouldPause, phone);
        }
        let probation = probation_of(&country, window, d.min_sends, country_pauses, &conversion);
        let gate = ConversionGate {
            prefix: prefix.to_string(),
            window,
            window_end_ms: d.window_end_ms(window),
            min_sends,
            rate_permille: d.min_rate_permille,
            enforce,
            probation: probation.filter(|_| enforce),
        };
        Ok((control, Some(gate)))
    }

    /// A send refused by the conversion rule: the prefix pauses (one log line with its counts,
    /// a metric), and the caller is told 503 with scope `prefix`.
    pub(super) async fn prefix_paused(
        &self,
        phone: &Phone,
        control: &PrefixControl,
        gate: &ConversionGate,
    ) -> Result<Error> {
        let now_ms = self.now_ms();
        let counts = self.prefixes.conversion(&gate.prefix, gate.window).await?;
        let until = now_ms + self.config.defence.pause_seconds * 1000;
        let reason = format!(
            "conversion {} of {} sent ({:.0}%) below {:.0}% in the window{}",
            counts.verified,
            counts.sent,
            counts.rate() * 100.0,
            f64::from(gate.rate_permille) / 10.0,
            match gate.min_sends < self.config.defence.min_sends {
                true => "; judged from the first send: other prefixes of the country paused",
                false => "",
            }
        );
        let mut stamped = control.clone();
        stamped.updated_at_ms = now_ms;
        let paused = self
            .prefixes
            .pause_prefix(&stamped, until, &reason, gate.window);
        if paused.await? {
            tracing::warn!(prefix = %gate.prefix, sent = counts.sent, verified = counts.verified, reason, "prefix paused");
            self.count(OtpEvent::PrefixPaused, phone);
        }
        self.count(OtpEvent::Blocked(BlockReason::PrefixPaused), phone);
        let retry_after = secs_until(until, now_ms);
        Ok(Error::OtpSendingPaused {
            retry_after,
            scope: PauseScope::Prefix,
        })
    }

    /// A verified code counts for the prefix and window its send was counted in (one write;
    /// a failure only leaves the conversion lower, and is logged).
    pub(super) async fn count_verified(&self, rec: &OtpRecord) {
        let Some((prefix, window)) = &rec.conversion else {
            return;
        };
        let end_ms = self.config.defence.window_end_ms(*window);
        if let Err(e) = self.prefixes.count_verified(prefix, *window, end_ms).await {
            tracing::warn!(error = %e, "verified code not counted for its prefix");
        }
    }
}
