//! One conformance suite per storage port (one file each under `conformance/`), every case
//! run against the memory adapter and against DynamoDB in the emulator.

#[path = "conformance/admin.rs"]
mod admin;
#[path = "conformance/admin_lists.rs"]
mod admin_lists;
#[path = "conformance/budgets.rs"]
mod budgets;
#[path = "conformance/devices.rs"]
mod devices;
#[path = "conformance/fixtures.rs"]
mod fixtures;
#[path = "conformance/kyc.rs"]
mod kyc;
#[path = "conformance/loans.rs"]
mod loans;
#[path = "conformance/otp.rs"]
mod otp;
#[path = "conformance/passkeys.rs"]
mod passkeys;
#[path = "conformance/phones.rs"]
mod phones;
#[path = "conformance/pool_lists.rs"]
mod pool_lists;
#[path = "conformance/pools.rs"]
mod pools;
#[path = "conformance/prefixes.rs"]
mod prefixes;
#[path = "conformance/profiles.rs"]
mod profiles;
#[path = "conformance/sessions.rs"]
mod sessions;
#[path = "conformance/users.rs"]
mod users;
#[path = "conformance/verifications.rs"]
mod verifications;
#[path = "conformance/wallets.rs"]
mod wallets;
