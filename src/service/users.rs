//! Users: registration, credentials and administration.

use std::sync::Arc;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use uuid::Uuid;

use crate::domain::{
    self, CurrencyCode, Email, NewUser, Page, PageRequest, Password, User, UserPatch, Username,
};
use crate::store::{Store, StoreError};

use super::{Entity, ServiceError, ServiceResult};

/// What a user may change about an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub email: Option<Email>,
    pub username: Option<Username>,
    pub password: Option<Password>,
    /// Required, and checked, when a user changes their own password.
    pub current_password: Option<String>,
    pub is_active: Option<bool>,
    pub is_superuser: Option<bool>,
    pub base_currency: Option<CurrencyCode>,
}

#[derive(Clone)]
pub struct UserService {
    store: Arc<dyn Store>,
}

pub const BAD_CREDENTIALS: &str = "Incorrect username or password";
pub const INACTIVE_USER: &str = "Inactive user";

impl UserService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    #[tracing::instrument(skip_all)]
    pub async fn register(
        &self,
        email: Email,
        username: Username,
        password: Password,
        is_superuser: bool,
    ) -> ServiceResult<User> {
        if self.store.user_by_email(email.as_str()).await?.is_some() {
            return Err(ServiceError::Conflict("Email already registered".into()));
        }
        if self
            .store
            .user_by_username(username.as_str())
            .await?
            .is_some()
        {
            return Err(ServiceError::Conflict("Username already registered".into()));
        }
        let password_hash = hash_password(password).await?;
        let user = NewUser {
            email,
            username,
            password_hash,
            is_superuser,
            base_currency: CurrencyCode::usd(),
        }
        .into_user(Uuid::new_v4(), domain::now());
        self.store
            .insert_user(&user)
            .await
            .map_err(duplicate_user)?;
        Ok(user)
    }

    /// Checks a login (username or email) and password. The same message answers an unknown
    /// login and a wrong password, and both take an Argon2 verification, so neither reveals
    /// which accounts exist.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, login: &str, password: &str) -> ServiceResult<User> {
        let user = self.find(login).await?;
        let hash = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| DUMMY_HASH.to_string());
        let ok = verify_password(password.to_string(), hash).await?;
        match user {
            Some(user) if ok => {
                if user.is_active {
                    Ok(user)
                } else {
                    Err(ServiceError::bad_request("username", INACTIVE_USER))
                }
            }
            _ => Err(ServiceError::Unauthorized(BAD_CREDENTIALS.into())),
        }
    }

    /// Finds a user by email or username.
    #[tracing::instrument(skip_all)]
    pub async fn find(&self, login: &str) -> ServiceResult<Option<User>> {
        let login = login.trim();
        if login.contains('@') {
            if let Ok(email) = Email::parse(login) {
                return Ok(self.store.user_by_email(email.as_str()).await?);
            }
        }
        Ok(self.store.user_by_username(login).await?)
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    pub async fn get(&self, id: Uuid) -> ServiceResult<User> {
        self.store
            .user(id)
            .await?
            .ok_or_else(|| ServiceError::not_found(Entity::User, "User not found"))
    }

    /// Reads a user as `actor`: themselves, or anyone for a superuser; 404 otherwise.
    #[tracing::instrument(skip_all, fields(user_id = %actor.id, id = %id))]
    pub async fn get_as(&self, actor: &User, id: Uuid) -> ServiceResult<User> {
        if actor.id != id && !actor.is_superuser {
            return Err(ServiceError::not_found(Entity::User, "User not found"));
        }
        self.get(id).await
    }

    #[tracing::instrument(skip_all, fields(user_id = %actor.id))]
    pub async fn list(&self, actor: &User, page: PageRequest) -> ServiceResult<Page<User>> {
        require_superuser(actor)?;
        Ok(self.store.users(page).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_all(&self) -> ServiceResult<Vec<User>> {
        Ok(self.store.users(PageRequest::all()).await?.items)
    }

    /// Updates a user as `actor` (themselves, or anyone for a superuser). Only a superuser may
    /// change `is_active` or `is_superuser`; changing one's own password needs the current one.
    #[tracing::instrument(skip_all, fields(user_id = %actor.id, id = %id))]
    pub async fn update(&self, actor: &User, id: Uuid, update: UserUpdate) -> ServiceResult<User> {
        let mut user = self.get_as(actor, id).await?;
        if (update.is_active.is_some() || update.is_superuser.is_some()) && !actor.is_superuser {
            return Err(ServiceError::Forbidden(
                "Only a superuser may change is_active or is_superuser".into(),
            ));
        }
        let mut patch = UserPatch {
            is_active: update.is_active,
            is_superuser: update.is_superuser,
            base_currency: update.base_currency,
            ..UserPatch::default()
        };
        if let Some(email) = update.email.filter(|e| *e != user.email) {
            if self.store.user_by_email(email.as_str()).await?.is_some() {
                return Err(ServiceError::Conflict("Email already registered".into()));
            }
            patch.email = Some(email);
        }
        if let Some(username) = update.username.filter(|u| *u != user.username) {
            if self
                .store
                .user_by_username(username.as_str())
                .await?
                .is_some()
            {
                return Err(ServiceError::Conflict("Username already registered".into()));
            }
            patch.username = Some(username);
        }
        if let Some(password) = update.password {
            let acting_on_self = actor.id == user.id;
            if acting_on_self || !actor.is_superuser {
                let current = update.current_password.unwrap_or_default();
                if !verify_password(current, user.password_hash.clone()).await? {
                    return Err(ServiceError::bad_request(
                        "current_password",
                        "Current password is incorrect",
                    ));
                }
            }
            patch.password_hash = Some(hash_password(password).await?);
        }
        if let Some(code) = &patch.base_currency {
            if self.store.currency(code).await?.is_none() {
                return Err(ServiceError::not_found(
                    Entity::Currency,
                    format!("Currency {code} not found"),
                ));
            }
        }
        let password_changed = patch.password_hash.is_some();
        let deactivated = patch.is_active == Some(false);
        patch.apply(&mut user);
        user.updated_at = domain::now();
        self.store
            .update_user(&user)
            .await
            .map_err(duplicate_user)?;
        if password_changed || deactivated {
            self.store.revoke_user_tokens(user.id).await?;
        }
        Ok(user)
    }

    /// Sets a password without asking for the old one (administration, password reset).
    #[tracing::instrument(skip_all, fields(id = %id))]
    pub async fn set_password(&self, id: Uuid, password: Password) -> ServiceResult<User> {
        let mut user = self.get(id).await?;
        user.password_hash = hash_password(password).await?;
        user.updated_at = domain::now();
        self.store.update_user(&user).await?;
        self.store.revoke_user_tokens(user.id).await?;
        Ok(user)
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    pub async fn set_superuser(&self, id: Uuid, is_superuser: bool) -> ServiceResult<User> {
        let mut user = self.get(id).await?;
        user.is_superuser = is_superuser;
        user.updated_at = domain::now();
        self.store.update_user(&user).await?;
        Ok(user)
    }

    #[tracing::instrument(skip_all, fields(user_id = %actor.id, id = %id))]
    pub async fn delete(&self, actor: &User, id: Uuid) -> ServiceResult<()> {
        require_superuser(actor)?;
        self.store.delete_user(id).await.map_err(|e| match e {
            StoreError::NotFound => ServiceError::not_found(Entity::User, "User not found"),
            other => other.into(),
        })
    }

    /// The owner of a personal store: the first superuser, created on first use with a random
    /// password (set one with `finances user passwd` to use the API as this user).
    #[tracing::instrument(skip_all)]
    pub async fn local_owner(&self) -> ServiceResult<User> {
        if let Some(owner) = self.existing_local_owner().await? {
            return Ok(owner);
        }
        let name = std::env::var("USER")
            .ok()
            .and_then(|u| Username::parse(&u).ok())
            .unwrap_or_else(|| Username::parse("owner").expect("a valid literal"));
        let email = Email::parse(&format!("{}@localhost.localdomain", name.as_str()))
            .or_else(|_| Email::parse("owner@localhost.localdomain"))?;
        let random: String = {
            use rand::Rng;
            let bytes: [u8; 24] = rand::thread_rng().gen();
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        };
        self.register(email, name, Password::parse(&random)?, true)
            .await
    }
}

impl UserService {
    /// The owner [`UserService::local_owner`] picks, without creating one when there is none.
    #[tracing::instrument(skip_all)]
    pub async fn existing_local_owner(&self) -> ServiceResult<Option<User>> {
        let users = self.store.users(PageRequest::all()).await?;
        if let Some(owner) = users.items.iter().find(|u| u.is_superuser && u.is_active) {
            return Ok(Some(owner.clone()));
        }
        Ok(users.items.into_iter().find(|u| u.is_active))
    }
}

pub fn require_superuser(actor: &User) -> ServiceResult<()> {
    if actor.is_superuser {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "Superuser privileges required".into(),
        ))
    }
}

fn duplicate_user(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(c) if c.contains("email") => {
            ServiceError::Conflict("Email already registered".into())
        }
        StoreError::Conflict(c) if c.contains("username") => {
            ServiceError::Conflict("Username already registered".into())
        }
        other => other.into(),
    }
}

/// A valid Argon2id hash of a random secret, verified against when a login is unknown so that
/// the answer takes as long as for a known one.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0kmEiy4sEJ6eCh0b/Y1Etb6pGcpWBikJqLU2lZqDj9Y";

/// Argon2id with the crate's recommended parameters, off the async threads.
#[tracing::instrument(skip_all)]
pub async fn hash_password(password: Password) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(ServiceError::internal)?
}

#[tracing::instrument(skip_all)]
pub async fn verify_password(password: String, hash: String) -> ServiceResult<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| ServiceError::internal(format!("stored password hash is invalid: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(ServiceError::internal)?
}
