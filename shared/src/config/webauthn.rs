//! The relying party of passkeys: its id (a domain the apps and the console share), the name
//! authenticators show, the web origins allowed to run ceremonies (Android apps' origins are
//! added from `ANDROID_APP_LINKS`), and the per-IP limit on starting ceremonies.

use super::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebauthnSettings {
    /// `WEBAUTHN_RP_ID`: `None` only where no function checks passkeys (refused in Lambda by
    /// functions that do).
    pub rp_id: Option<String>,
    pub rp_name: String,
    /// `WEBAUTHN_ORIGINS`, each `scheme://host[:port]`.
    pub origins: Vec<String>,
    pub ceremonies_per_ip_hour: u32,
}

/// A domain name: labels of letters, digits and inner hyphens, at least one dot unless it is
/// `localhost`; no IP address (WebAuthn refuses one as a relying party id).
pub fn is_rp_id(v: &str) -> bool {
    let labels: Vec<&str> = v.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let all_digits = labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit()));
    v.len() <= 253
        && labels.iter().all(label_ok)
        && !all_digits
        && (labels.len() >= 2 || v == "localhost")
}

/// An origin as a browser sends it: `https://host[:port]`, or `http://` for `localhost`.
fn is_origin(v: &str) -> bool {
    let Ok(url) = url::Url::parse(v) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    let secure = url.scheme() == "https" || (url.scheme() == "http" && host == "localhost");
    secure
        && url.path() == "/"
        && !v.ends_with('/')
        && url.query().is_none()
        && url.username().is_empty()
        && url.origin().ascii_serialization() == v
}

impl WebauthnSettings {
    /// From the raw settings; `rp_id` falls back to `local_rp_id` (the local server's
    /// `localhost`), origins to `default_origin` (the local server's own) or to
    /// `https://<rp id>`.
    pub fn parse(
        rp_id: Option<String>,
        rp_name: String,
        origins: Vec<String>,
        local: Option<u16>,
        ceremonies_per_ip_hour: u32,
    ) -> Result<WebauthnSettings, ConfigError> {
        let rp_id = rp_id.or_else(|| local.map(|_| "localhost".to_string()));
        if let Some(id) = rp_id.as_deref().filter(|id| !is_rp_id(id)) {
            return Err(ConfigError(format!(
                "WEBAUTHN_RP_ID={id} is not a domain name (no scheme, port or IP address)"
            )));
        }
        let origins = match (origins.is_empty(), local, &rp_id) {
            (false, _, _) => origins,
            (true, Some(port), _) => vec![format!("http://localhost:{port}")],
            (true, None, Some(id)) => vec![format!("https://{id}")],
            (true, None, None) => Vec::new(),
        };
        if let Some(bad) = origins.iter().find(|o| !is_origin(o)) {
            return Err(ConfigError(format!(
                "WEBAUTHN_ORIGINS: {bad} is not an origin (https://host[:port], or http://localhost[:port])"
            )));
        }
        Ok(WebauthnSettings {
            rp_id,
            rp_name,
            origins,
            ceremonies_per_ip_hour,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        rp: Option<&str>,
        origins: &[&str],
        local: Option<u16>,
    ) -> Result<WebauthnSettings, ConfigError> {
        let origins = origins.iter().map(|o| o.to_string()).collect();
        WebauthnSettings::parse(rp.map(String::from), "App".into(), origins, local, 300)
    }

    #[test]
    fn local_runs_default_to_localhost_on_their_port() {
        let s = parse(None, &[], Some(3000)).unwrap();
        assert_eq!(s.rp_id.as_deref(), Some("localhost"));
        assert_eq!(s.origins, ["http://localhost:3000"]);
    }

    #[test]
    fn deployed_origins_default_to_the_rp_id_over_https() {
        let s = parse(Some("auth.example.com"), &[], None).unwrap();
        assert_eq!(s.origins, ["https://auth.example.com"]);
        assert_eq!(parse(None, &[], None).unwrap().rp_id, None);
    }

    #[test]
    fn rp_ids_are_domain_names() {
        for good in [
            "example.com",
            "auth.example.co.in",
            "localhost",
            "a-b.example",
        ] {
            assert!(is_rp_id(good), "{good}");
        }
        for bad in [
            "https://example.com",
            "example.com:443",
            "127.0.0.1",
            "Example.com",
            "com",
            "-a.com",
            "a..com",
        ] {
            assert!(!is_rp_id(bad), "{bad}");
            assert!(
                parse(Some(bad), &[], None)
                    .unwrap_err()
                    .0
                    .contains("WEBAUTHN_RP_ID")
            );
        }
    }

    #[test]
    fn origins_are_secure_bare_origins() {
        let good = [
            "https://example.com",
            "https://app.example.com:8443",
            "http://localhost:3000",
        ];
        assert_eq!(
            parse(Some("example.com"), &good, None).unwrap().origins,
            good
        );
        for bad in [
            "http://example.com",
            "https://example.com/",
            "https://example.com/login",
            "example.com",
            "https://u@example.com",
        ] {
            let e = parse(Some("example.com"), &[bad], None).unwrap_err();
            assert!(e.0.contains("WEBAUTHN_ORIGINS"), "{bad}");
        }
    }
}
