//! The prefix port on the in-memory store (under the codes lock, with the send counters).

use super::{MemoryStore, lock};
use crate::domain::{AuditRecord, Conversion, PrefixControl, PrefixMode};
use crate::store::{PrefixHealthRow, PrefixStore, Standing, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl PrefixStore for MemoryStore {
    async fn prefix_control(&self, prefix: &str) -> StoreResult<Option<PrefixControl>> {
        Ok(lock(&self.codes).controls.get(prefix).cloned())
    }

    async fn prefix_standing(
        &self,
        prefix: &str,
        country: &str,
        window: i64,
    ) -> StoreResult<Standing> {
        let d = lock(&self.codes);
        let pauses = d.country_pauses.get(&(country.to_string(), window));
        let conversion = d.conversions.get(&(prefix.to_string(), window));
        Ok(Standing {
            control: d.controls.get(prefix).cloned(),
            conversion: conversion.copied().unwrap_or_default(),
            country_pauses: pauses.copied().unwrap_or(0),
        })
    }

    async fn pause_prefix(
        &self,
        control: &PrefixControl,
        until_ms: i64,
        reason: &str,
        window: i64,
    ) -> StoreResult<bool> {
        let mut d = lock(&self.codes);
        let stored = d
            .controls
            .entry(control.prefix.clone())
            .or_insert_with(|| control.clone());
        if stored.mode != PrefixMode::Auto || stored.paused_until_ms >= Some(until_ms) {
            return Ok(false);
        }
        stored.paused_until_ms = Some(until_ms);
        stored.reason = Some(reason.to_string());
        stored.updated_at_ms = control.updated_at_ms;
        let country = (control.country.clone(), window);
        *d.country_pauses.entry(country).or_insert(0) += 1;
        Ok(true)
    }

    async fn count_verified(&self, prefix: &str, window: i64, _end_ms: i64) -> StoreResult<()> {
        let mut d = lock(&self.codes);
        d.conversions
            .entry((prefix.to_string(), window))
            .or_default()
            .verified += 1;
        Ok(())
    }

    async fn conversion(&self, prefix: &str, window: i64) -> StoreResult<Conversion> {
        let d = lock(&self.codes);
        let key = (prefix.to_string(), window);
        Ok(d.conversions.get(&key).copied().unwrap_or_default())
    }

    async fn set_prefix_mode(
        &self,
        control: &PrefixControl,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        // The codes lock, then the users lock (where the trail is kept): no other path holds
        // both.
        let mut codes = lock(&self.codes);
        let mut users = lock(&self.users);
        codes
            .controls
            .insert(control.prefix.clone(), control.clone());
        users.audit.insert(audit.sort_key(), audit.clone());
        Ok(())
    }

    async fn list_prefixes(
        &self,
        window: i64,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<PrefixHealthRow>> {
        let d = lock(&self.codes);
        let mut prefixes: Vec<&String> = d
            .conversions
            .keys()
            .filter(|(p, w)| *w == window && after.is_none_or(|a| p.as_str() > a))
            .map(|(p, _)| p)
            .collect();
        prefixes.sort();
        prefixes.truncate(limit);
        Ok(prefixes
            .into_iter()
            .map(|p| PrefixHealthRow {
                prefix: p.clone(),
                conversion: d.conversions[&(p.clone(), window)],
                control: d.controls.get(p).cloned(),
            })
            .collect())
    }
}
