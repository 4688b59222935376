//! The one declaration of the DynamoDB tables: logical ids in `template.yaml`, the environment
//! variable holding each name, the local default name, the key schema, the TTL attribute and
//! the indexes. Config, table creation, the template test and the test harness all loop over
//! [`TABLES`]; nothing else spells a table out.
//!
//! users: `USER#<id>`/`PROFILE` (user, with its session and device counts),
//!        `PHONE#<e164>`/`PHONE` (uniqueness claim), `USER#<id>`/`SESSION#<sid>` (TTL after
//!        expiry), `USER#<id>`/`DEVICE#<device_id>`, KYC, wallet and ledger items under
//!        `USER#<id>`, `AUDIT`/`<at>#<audit_id>` (the admin audit trail, never deleted) and
//!        `ADMIN#<hash>`/`SESSION` (admin console sessions, TTL), `USER#<id>`/`PASSKEY#<id>`
//!        and `USER#<id>`/`PASSKEYS` (the count), `CRED#<credential id>`/`CRED` (the claim
//!        of a passkey's credential: whose it is), `PREFIX#<prefix>`/`CONTROL` (an SMS prefix's
//!        mode and pause) and `PREFIX#<prefix>`/`C#<window>` (its conversion counts, TTL).
//!        Index `lists` (keys only): `list_pk`/`list_sk` = `USERS#<status>`/`<created>#<id>` on
//!        profiles (the admin users list), `KYC#<status>`/`<submitted>#<id>` on KYC records
//!        (by KYC status; `KYC#PENDING` oldest first is the review queue) and
//!        `AUDIT#<target>`/`<at>#<id>` on audit records (one user's trail), and
//!        `PREFIXES#<window>`/`<prefix>` on conversion counts (the window's prefixes). Only these
//!        four kinds of item carry the attributes.
//! otps:  `OTP#<e164>`/`CODE`, `VT#<hash>`/`VT` (verification tokens), `SEND#<e164>`/`COOLDOWN`,
//!        `SEND#<e164>`/`H#<hour>` and `D#<day>` (send counters), `IP#<ip>`/`H#<hour>`,
//!        `PREFIX#<prefix>`/`H#<hour>` (number prefix), `SMS#BUDGET`/`H#<hour>` and `D#<day>`
//!        (the deployment's SMS budget), `LOGIN#<e164>`/`FAILS` (password failures and
//!        lock), `CEREMONY#<hash>`/`CEREMONY` (passkey ceremonies), `IP#<ip>`/`PK#<hour>`
//!        (ceremonies started); all with TTL.
//! pools: `POOL#<id>`/`META` (the pool and its seat counter), `POOL#<id>`/`MEMBER#<user_id>`,
//!        and the user's side, written in the same transactions: `USER#<id>`/`OWNED#<pool_id>`,
//!        `USER#<id>`/`JOINED#<pool_id>` (so "my pools" is a strongly consistent key query).

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const TTL_ATTRIBUTE: &str = "ttl";

/// A table of the deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Users,
    Otps,
    Pools,
}

/// A global secondary index (string keys, keys only projected: a write to an item that does
/// not change its index keys costs no index write; readers fetch the items by key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSpec {
    pub name: &'static str,
    pub pk: &'static str,
    pub sk: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    pub table: Table,
    /// Logical id in `template.yaml`.
    pub logical_id: &'static str,
    /// Environment variable holding the table name.
    pub env: &'static str,
    /// The name used when the variable is unset (local runs only; Lambda requires it).
    pub default_name: &'static str,
    pub pk: &'static str,
    pub sk: &'static str,
    pub ttl_attribute: Option<&'static str>,
    pub indexes: &'static [IndexSpec],
    /// Holds records that must survive a mistake (accounts, money, pools): deletion protection,
    /// point-in-time recovery and retained on stack deletion. Short-lived codes and counters
    /// get none of it (a restore would bring spent codes back).
    pub durable: bool,
}

/// The users table's index of lists (admin users list, one user's audit trail).
pub const LISTS_INDEX: IndexSpec = IndexSpec {
    name: "lists",
    pk: "list_pk",
    sk: "list_sk",
};

pub const TABLES: [TableSpec; 3] = [
    TableSpec {
        table: Table::Users,
        logical_id: "UsersTable",
        env: "USERS_TABLE",
        default_name: "users",
        pk: PK,
        sk: SK,
        ttl_attribute: Some(TTL_ATTRIBUTE),
        indexes: &[LISTS_INDEX],
        durable: true,
    },
    TableSpec {
        table: Table::Otps,
        logical_id: "OtpsTable",
        env: "OTPS_TABLE",
        default_name: "otps",
        pk: PK,
        sk: SK,
        ttl_attribute: Some(TTL_ATTRIBUTE),
        indexes: &[],
        durable: false,
    },
    TableSpec {
        table: Table::Pools,
        logical_id: "PoolsTable",
        env: "POOLS_TABLE",
        default_name: "pools",
        pk: PK,
        sk: SK,
        ttl_attribute: None,
        indexes: &[],
        durable: true,
    },
];

impl Table {
    /// Position in [`TABLES`] (exhaustive: a new table is a compile error here until declared).
    const fn index(self) -> usize {
        match self {
            Table::Users => 0,
            Table::Otps => 1,
            Table::Pools => 2,
        }
    }

    pub fn spec(self) -> &'static TableSpec {
        &TABLES[self.index()]
    }
}

/// The deployed name of every table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableNames([String; TABLES.len()]);

impl TableNames {
    /// Names read through `get` (an environment lookup); returns them with the variables that
    /// were unset (their defaults were used).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> (TableNames, Vec<&'static str>) {
        let mut missing = Vec::new();
        let names = TABLES.map(|spec| {
            get(spec.env).unwrap_or_else(|| {
                missing.push(spec.env);
                spec.default_name.to_string()
            })
        });
        (TableNames(names), missing)
    }

    /// Every name built by `name(spec)` (tests: fresh tables per test).
    pub fn with(name: impl Fn(&TableSpec) -> String) -> TableNames {
        TableNames(TABLES.map(|spec| name(&spec)))
    }

    pub fn get(&self, table: Table) -> &str {
        &self.0[table.index()]
    }
}

impl Default for TableNames {
    fn default() -> Self {
        TableNames::with(|spec| spec.default_name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_declared_at_its_position() {
        for (i, spec) in TABLES.iter().enumerate() {
            assert_eq!(spec.table.index(), i, "{}", spec.logical_id);
            assert_eq!(spec.table.spec(), spec);
        }
    }

    #[test]
    fn names_come_from_the_variables_with_defaults() {
        let (names, missing) =
            TableNames::from_lookup(|k| (k == "POOLS_TABLE").then(|| "p".to_string()));
        assert_eq!(names.get(Table::Pools), "p");
        assert_eq!(names.get(Table::Users), "users");
        assert_eq!(missing, ["USERS_TABLE", "OTPS_TABLE"]);
    }
}
