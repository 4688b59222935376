//! One conformance suite per storage port (one file each under `conformance/`), every case
//! run against the memory adapter and against DynamoDB in the emulator.

/// Instantiates each case for both adapters.
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod memory_store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(integration_tests::memory()).await
                }
            )*
        }
        mod dynamodb_store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    if let Some(s) = integration_tests::dynamo().await {
                        super::$case(s).await
                    }
                }
            )*
        }
    };
}

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
#[path = "conformance/otp.rs"]
mod otp;
#[path = "conformance/phones.rs"]
mod phones;
#[path = "conformance/pool_lists.rs"]
mod pool_lists;
#[path = "conformance/pools.rs"]
mod pools;
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
