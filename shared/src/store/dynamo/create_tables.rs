//! Creating the declared tables (local server with `CREATE_TABLES=true`, and tests).

use super::{built, unavailable};
use crate::store::StoreResult;
use crate::store::tables::{IndexSpec, TABLES, TableNames, TableSpec};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};

/// Creates every missing table of [`TABLES`] (on-demand, with its indexes and TTL); the names
/// of those it created (empty when all were present).
pub async fn create_tables(client: &Client, names: &TableNames) -> StoreResult<Vec<String>> {
    let mut created = Vec::new();
    for spec in &TABLES {
        let name = names.get(spec.table);
        if create_table(client, name, spec).await? {
            created.push(name.to_string());
        }
    }
    Ok(created)
}

fn key_schema(pk: &str, sk: &str) -> StoreResult<Vec<KeySchemaElement>> {
    let el = |a: &str, t: KeyType| {
        built(
            KeySchemaElement::builder()
                .attribute_name(a)
                .key_type(t)
                .build(),
        )
    };
    Ok(vec![el(pk, KeyType::Hash)?, el(sk, KeyType::Range)?])
}

fn index(ix: &IndexSpec) -> StoreResult<GlobalSecondaryIndex> {
    built(
        GlobalSecondaryIndex::builder()
            .index_name(ix.name)
            .set_key_schema(Some(key_schema(ix.pk, ix.sk)?))
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::KeysOnly)
                    .build(),
            )
            .build(),
    )
}

/// Creates one table; false when it was already there.
async fn create_table(client: &Client, name: &str, spec: &TableSpec) -> StoreResult<bool> {
    let mut attrs = vec![spec.pk, spec.sk];
    for ix in spec.indexes {
        attrs.extend([ix.pk, ix.sk]);
    }
    attrs.sort_unstable();
    attrs.dedup();
    let definitions = attrs
        .into_iter()
        .map(|a| {
            built(
                AttributeDefinition::builder()
                    .attribute_name(a)
                    .attribute_type(ScalarAttributeType::S)
                    .build(),
            )
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let indexes = spec
        .indexes
        .iter()
        .map(index)
        .collect::<StoreResult<Vec<_>>>()?;
    let created = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(definitions))
        .set_key_schema(Some(key_schema(spec.pk, spec.sk)?))
        .set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(e)
            if e.as_service_error()
                .map(|s| s.is_resource_in_use_exception())
                == Some(true) =>
        {
            return Ok(false);
        }
        Err(e) => return Err(unavailable("CreateTable", e)),
    }
    if let Some(ttl) = spec.ttl_attribute {
        let ttl = TimeToLiveSpecification::builder()
            .enabled(true)
            .attribute_name(ttl)
            .build();
        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(built(ttl)?)
            .send()
            .await
            .map_err(|e| unavailable("UpdateTimeToLive", e))?;
    }
    Ok(true)
}
