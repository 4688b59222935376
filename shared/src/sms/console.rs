//! The local server's sender: keeps the newest [`OUTBOX_CAP`] messages for `GET /_dev/sms`
//! and the tests. Logs only the masked recipient: a body holds a code.

use super::{Delivery, Sms, SmsError, SmsSender};
use crate::clock::rfc3339;
use crate::phone::mask;
use async_trait::async_trait;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Mutex;

/// Messages the outbox keeps; older ones are dropped (a load test must not grow it forever).
pub const OUTBOX_CAP: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentSms {
    pub to: String,
    pub body: String,
    pub sent_at: String,
}

#[derive(Debug, Default)]
pub struct ConsoleSms {
    sent: Mutex<VecDeque<SentSms>>,
}

impl ConsoleSms {
    pub fn new() -> Self {
        Self::default()
    }

    fn outbox(&self) -> std::sync::MutexGuard<'_, VecDeque<SentSms>> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every kept message, oldest first.
    pub fn messages(&self) -> Vec<SentSms> {
        self.outbox().iter().cloned().collect()
    }

    /// The messages to `to` (all when `None`): oldest first, or with `limit` the newest
    /// `limit` of them, newest first.
    pub fn query(&self, to: Option<&str>, limit: Option<usize>) -> Vec<SentSms> {
        let outbox = self.outbox();
        let matching = outbox.iter().filter(|m| to.is_none_or(|t| m.to == t));
        match limit {
            None => matching.cloned().collect(),
            Some(n) => matching.rev().take(n).cloned().collect(),
        }
    }

    /// The last message sent to `to`, if any.
    pub fn last_to(&self, to: &str) -> Option<SentSms> {
        self.query(Some(to), Some(1)).pop()
    }
}

#[async_trait]
impl SmsSender for ConsoleSms {
    async fn send(&self, sms: &Sms<'_>) -> Result<Delivery, SmsError> {
        let message_id = uuid::Uuid::new_v4().to_string();
        tracing::info!(to = %mask(sms.to), %message_id, "console SMS queued (read it at GET /_dev/sms)");
        let mut outbox = self.outbox();
        if outbox.len() >= OUTBOX_CAP {
            outbox.pop_front();
        }
        outbox.push_back(SentSms {
            to: sms.to.to_string(),
            body: sms.body.to_string(),
            sent_at: rfc3339(chrono::Utc::now()),
        });
        Ok(Delivery { message_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sms::SmsPurpose;

    async fn send(outbox: &ConsoleSms, to: &str, body: &str) {
        let sms = Sms {
            to,
            body,
            purpose: SmsPurpose::Code,
        };
        outbox.send(&sms).await.unwrap();
    }

    #[tokio::test]
    async fn query_filters_by_phone_and_limits_newest_first() {
        let outbox = ConsoleSms::new();
        for (to, body) in [("+1", "a"), ("+2", "b"), ("+1", "c"), ("+1", "d")] {
            send(&outbox, to, body).await;
        }
        let bodies = |v: Vec<SentSms>| v.into_iter().map(|m| m.body).collect::<Vec<_>>();
        assert_eq!(bodies(outbox.query(None, None)), ["a", "b", "c", "d"]);
        assert_eq!(bodies(outbox.query(Some("+1"), None)), ["a", "c", "d"]);
        assert_eq!(bodies(outbox.query(Some("+1"), Some(2))), ["d", "c"]);
        assert_eq!(
            bodies(outbox.query(Some("+3"), Some(2))),
            Vec::<String>::new()
        );
        assert_eq!(outbox.last_to("+1").map(|m| m.body), Some("d".into()));
    }

    #[tokio::test]
    async fn the_outbox_keeps_only_the_newest_messages() {
        let outbox = ConsoleSms::new();
        for i in 0..OUTBOX_CAP + 5 {
            send(&outbox, "+1", &i.to_string()).await;
        }
        let kept = outbox.messages();
        assert_eq!(kept.len(), OUTBOX_CAP);
        assert_eq!(kept[0].body, "5");
    }
}
