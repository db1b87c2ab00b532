use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::error::bounded_text;
use super::ValidationError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Institution {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub name: String,
    pub url: Option<String>,
}

impl NewInstitution {
    pub fn new(name: &str, url: Option<&str>) -> Result<Self, ValidationError> {
        Ok(Self {
            name: institution_name(name)?,
            url: url.map(institution_url).transpose()?.flatten(),
        })
    }

    pub fn into_institution(self, id: Uuid, user_id: Uuid, at: DateTime<Utc>) -> Institution {
        Institution {
            id,
            user_id,
            name: self.name,
            url: self.url,
            created_at: at,
            updated_at: at,
        }
    }
}

/// `url: Some(None)` clears the URL.
#[derive(Debug, Clone, Default)]
pub struct InstitutionPatch {
    pub name: Option<String>,
    pub url: Option<Option<String>>,
}

impl InstitutionPatch {
    pub fn new(name: Option<&str>, url: Option<Option<&str>>) -> Result<Self, ValidationError> {
        Ok(Self {
            name: name.map(institution_name).transpose()?,
            url: match url {
                None => None,
                Some(None) => Some(None),
                Some(Some(u)) => Some(institution_url(u)?),
            },
        })
    }

    pub fn apply(self, inst: &mut Institution) {
        if let Some(name) = self.name {
            inst.name = name;
        }
        if let Some(url) = self.url {
            inst.url = url;
        }
    }
}

fn institution_name(raw: &str) -> Result<String, ValidationError> {
    bounded_text("name", raw, 1, 255)
}

/// The most characters a stored URL has.
pub const URL_MAX_CHARS: usize = 500;

/// An http(s) URL, or a bare host name (`bank.example`, `bank.example/login`) which is taken as
/// `https://` + it; at most 500 characters as stored. An empty string means none.
fn institution_url(raw: &str) -> Result<Option<String>, ValidationError> {
    let url = raw.trim();
    if url.is_empty() {
        return Ok(None);
    }
    let stored = if url.starts_with("http://") || url.starts_with("https://") {
        let host = url.split("://").nth(1).unwrap_or("");
        (!host.is_empty()).then(|| url.to_string())
    } else {
        is_bare_host(url).then(|| format!("https://{url}"))
    };
    match stored {
        Some(u) if u.chars().count() <= URL_MAX_CHARS && !u.contains(char::is_whitespace) => {
            Ok(Some(u))
        }
        _ => Err(ValidationError::new(
            "url",
            "must be a web address such as bank.example or https://bank.example, of at most 500 \
             characters",
        )),
    }
}

/// A host name of dot-separated labels of ASCII letters, digits and hyphens, with at least one
/// dot, then optionally `:port` and a path, query or fragment (`/`, `?` or `#` and anything
/// without spaces). `javascript:alert(1)` or `mailto:a@b.example` are not hosts: what comes
/// before their `:` has no dot.
fn is_bare_host(text: &str) -> bool {
    let end = text.find(['/', '?', '#']).unwrap_or(text.len());
    let (authority, rest) = text.split_at(end);
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && !rest.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_name_and_url() {
        assert!(NewInstitution::new("Big Bank", Some("https://bank.example")).is_ok());
        assert_eq!(NewInstitution::new("B", Some("")).unwrap().url, None);
        assert!(NewInstitution::new("  ", None).is_err());
        assert!(NewInstitution::new("B", Some("ftp://x")).is_err());
        assert!(NewInstitution::new("B", Some("javascript:alert(1)")).is_err());
        assert!(NewInstitution::new(&"x".repeat(256), None).is_err());
    }

    #[test]
    fn a_bare_host_is_an_https_address() {
        let url = |raw: &str| NewInstitution::new("B", Some(raw)).map(|n| n.url);
        assert_eq!(
            url("ibkr.com").unwrap().as_deref(),
            Some("https://ibkr.com")
        );
        assert_eq!(
            url(" www.bank.example:8443/login?x=1#top ")
                .unwrap()
                .as_deref(),
            Some("https://www.bank.example:8443/login?x=1#top")
        );
        assert_eq!(
            url("http://bank.example").unwrap().as_deref(),
            Some("http://bank.example"),
            "a scheme given is kept"
        );
        for bad in [
            "localhost",
            "bank",
            "bank..example",
            ".example",
            "bank.example:",
            "bank.example:80a",
            "mailto:a@bank.example",
            "javascript:alert(1)",
            "bank.example://x",
            "bank example.com",
            "bank.example/a b",
            "HTTP://bank.example",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
        // 500 characters once stored: `https://` takes 8 of them.
        let host = format!("{}.example", "a".repeat(484));
        assert_eq!(host.len(), 492);
        assert!(url(&host).is_ok());
        assert!(url(&format!("a{host}")).is_err());
        let err = url("ftp://x").unwrap_err();
        assert_eq!(err.field, "url");
        assert!(err.message.contains("bank.example"), "{}", err.message);
    }

    #[test]
    fn url_length_counts_characters() {
        let wide = format!("https://bank.example/{}", "é".repeat(400));
        assert!(
            NewInstitution::new("B", Some(&wide)).is_ok(),
            "421 characters"
        );
        let long = format!("https://bank.example/{}", "a".repeat(480));
        assert!(
            NewInstitution::new("B", Some(&long)).is_err(),
            "501 characters"
        );
    }
}
