//! PostgreSQL has booleans where SQLite has 0 and 1, so only the statements that leave the
//! flags to the binds are shared.

pub(crate) const INSERT_REFRESH: &str = "INSERT INTO refresh_tokens (jti, user_id, family_id, \
     expires_at, spent_at, revoked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub(crate) const REFRESH_BY_JTI: &str = "SELECT jti, user_id, family_id, expires_at, spent_at, \
     revoked, created_at FROM refresh_tokens WHERE jti = $1";
pub(crate) const INSERT_RESET: &str = "INSERT INTO password_reset_tokens (id, user_id, \
     token_hash, expires_at, used, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
