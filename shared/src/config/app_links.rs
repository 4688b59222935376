//! The apps that may use the API's domain: Android apps (`ANDROID_APP_LINKS`, package names with
//! the SHA-256 fingerprints of their signing certificates) and iOS apps (`IOS_APP_IDS`,
//! `TEAMID.bundle.id`). They are published as `/.well-known/assetlinks.json` (Digital Asset
//! Links: app links and shared sign-in credentials) and `/.well-known/apple-app-site-association`
//! (web credentials), so a real app can use the API's domain as its relying party; each
//! Android fingerprint also names the origin (`android:apk-key-hash:...`) the app's WebAuthn
//! ceremonies carry. A malformed value refuses the start, naming the variable.

use serde_json::{Value, json};

/// An Android app and the fingerprints of the certificates it is signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndroidApp {
    pub package: String,
    /// `AA:BB:...`: 32 bytes, upper-case hex, colon-separated.
    pub fingerprints: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppLinks {
    pub android: Vec<AndroidApp>,
    pub ios: Vec<String>,
}

fn is_package(p: &str) -> bool {
    let parts: Vec<&str> = p.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|s| {
            s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// The 32 bytes of a fingerprint written `AA:BB:...` (either case).
fn fingerprint_bytes(f: &str) -> Option<Vec<u8>> {
    let bytes: Option<Vec<u8>> = f
        .split(':')
        .map(|h| {
            (h.len() == 2)
                .then(|| u8::from_str_radix(h, 16).ok())
                .flatten()
        })
        .collect();
    bytes.filter(|b| b.len() == 32)
}

fn is_ios_app_id(id: &str) -> bool {
    let Some((team, bundle)) = id.split_once('.') else {
        return false;
    };
    team.len() == 10
        && team
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && !bundle.is_empty()
        && bundle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

impl AppLinks {
    /// Parses `ANDROID_APP_LINKS` (`pkg=AA:..;BB:..,pkg2=CC:..`) and `IOS_APP_IDS`
    /// (`TEAMID.bundle.id,...`); unset or empty means none.
    pub fn parse(android: Option<&str>, ios: Option<&str>) -> Result<AppLinks, String> {
        let mut links = AppLinks::default();
        for entry in android.unwrap_or_default().split(',').map(str::trim) {
            if entry.is_empty() {
                continue;
            }
            let bad = || format!("ANDROID_APP_LINKS: `{entry}` is not package=AA:BB:..;..");
            let (package, prints) = entry.split_once('=').ok_or_else(bad)?;
            let package = package.trim();
            let fingerprints: Option<Vec<String>> = prints
                .split(';')
                .map(|f| fingerprint_bytes(f.trim()).map(|_| f.trim().to_ascii_uppercase()))
                .collect();
            match (is_package(package), fingerprints) {
                (true, Some(f)) => links.android.push(AndroidApp {
                    package: package.to_string(),
                    fingerprints: f,
                }),
                _ => return Err(bad()),
            }
        }
        for id in ios.unwrap_or_default().split(',').map(str::trim) {
            if id.is_empty() {
                continue;
            }
            if !is_ios_app_id(id) {
                return Err(format!("IOS_APP_IDS: `{id}` is not TEAMID.bundle.id"));
            }
            links.ios.push(id.to_string());
        }
        Ok(links)
    }

    /// The Digital Asset Links statements, or `None` when no Android app is configured.
    pub fn assetlinks(&self) -> Option<Value> {
        let relation = [
            "delegate_permission/common.handle_all_urls",
            "delegate_permission/common.get_login_creds",
        ];
        let statements: Vec<Value> = self
            .android
            .iter()
            .map(|a| {
                json!({
                    "relation": relation,
                    "target": {
                        "namespace": "android_app",
                        "package_name": a.package,
                        "sha256_cert_fingerprints": a.fingerprints,
                    },
                })
            })
            .collect();
        (!statements.is_empty()).then_some(Value::Array(statements))
    }

    /// The Apple app site association (web credentials), or `None` when no iOS app is set.
    pub fn apple_app_site_association(&self) -> Option<Value> {
        (!self.ios.is_empty()).then(|| json!({ "webcredentials": { "apps": self.ios } }))
    }

    /// The WebAuthn origins of the Android apps: `android:apk-key-hash:` and the base64url
    /// (unpadded) SHA-256 of each signing certificate.
    pub fn android_origins(&self) -> Vec<String> {
        self.android
            .iter()
            .flat_map(|a| a.fingerprints.iter())
            .filter_map(|f| fingerprint_bytes(f))
            .map(|b| format!("android:apk-key-hash:{}", crate::crypto::b64url(&b)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINT: &str = "14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5";

    #[test]
    fn parses_packages_fingerprints_and_team_ids() {
        let android = format!(
            "in.example.app={};{}, in.example.other={}",
            PRINT.to_lowercase(),
            PRINT,
            PRINT
        );
        let links = AppLinks::parse(Some(&android), Some("ABCDE12345.in.example.app")).unwrap();
        assert_eq!(links.android.len(), 2);
        assert_eq!(links.android[0].fingerprints, [PRINT, PRINT], "upper-cased");
        let al = links.assetlinks().unwrap();
        assert_eq!(al[0]["target"]["package_name"], "in.example.app");
        assert_eq!(
            al[0]["relation"][1],
            "delegate_permission/common.get_login_creds"
        );
        let aasa = links.apple_app_site_association().unwrap();
        assert_eq!(
            aasa,
            json!({"webcredentials": {"apps": ["ABCDE12345.in.example.app"]}})
        );
        let origin = &links.android_origins()[0];
        assert_eq!(
            origin,
            "android:apk-key-hash:FG3pg8VzBlDY7rmVLzT8ZBagg0LmHb6oigSWsj_PROU"
        );
    }

    #[test]
    fn unset_means_none_and_malformed_values_are_refused() {
        let none = AppLinks::parse(None, Some("  ")).unwrap();
        assert_eq!(
            (none.assetlinks(), none.apple_app_site_association()),
            (None, None)
        );
        for bad in [
            "in.example.app",
            "app=AA:BB",
            "1bad.pkg=AA",
            &format!("nodots={PRINT}"),
        ] {
            assert!(AppLinks::parse(Some(bad), None).is_err(), "{bad}");
        }
        for bad in ["in.example.app", "abcde12345.in.example", "ABCDE12345."] {
            assert!(AppLinks::parse(None, Some(bad)).is_err(), "{bad}");
        }
    }
}
