use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{Institution, InstitutionPatch, NewInstitution, ValidationError};

use super::double_option;

#[derive(Debug, Serialize, ToSchema)]
pub struct InstitutionOut {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Institution> for InstitutionOut {
    fn from(i: Institution) -> Self {
        Self {
            id: i.id,
            user_id: i.user_id,
            name: i.name,
            url: i.url,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionIn {
    /// 1 to 255 characters.
    #[schema(schema_with = crate::http::constraints::name)]
    pub name: String,
    /// http(s), at most 500 characters.
    #[schema(schema_with = crate::http::constraints::url_or_null)]
    pub url: Option<String>,
}

impl InstitutionIn {
    pub fn parse(&self) -> Result<NewInstitution, ValidationError> {
        NewInstitution::new(&self.name, self.url.as_deref())
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionUpdateIn {
    #[schema(schema_with = crate::http::constraints::name_or_null)]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = crate::http::constraints::url_or_null)]
    pub url: Option<Option<String>>,
}

impl InstitutionUpdateIn {
    pub fn parse(&self) -> Result<InstitutionPatch, ValidationError> {
        InstitutionPatch::new(
            self.name.as_deref(),
            self.url.as_ref().map(|u| u.as_deref()),
        )
    }
}
