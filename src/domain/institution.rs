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

/// An http(s) URL of at most 500 characters; an empty string means none.
fn institution_url(raw: &str) -> Result<Option<String>, ValidationError> {
    let url = raw.trim();
    if url.is_empty() {
        return Ok(None);
    }
    let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
    let host = url.split("://").nth(1).unwrap_or("");
    if url.chars().count() > 500
        || !scheme_ok
        || host.is_empty()
        || url.contains(char::is_whitespace)
    {
        return Err(ValidationError::new(
            "url",
            "must be an http:// or https:// address of at most 500 characters",
        ));
    }
    Ok(Some(url.to_string()))
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
