//! Credentials: API tokens (32 random bytes, stored only as a SHA-256 digest), argon2id
//! password hashes, and the [`Admin`] extractor that resolves a bearer token to a principal.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use kairos_core::ids::UserId;
use kairos_store::{Principal, StoreError};
use rand::RngExt;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

const TOKEN_PREFIX: &str = "kairos_";

/// A new API token: the secret to hand out once, and the digest to store.
#[derive(Debug)]
pub struct IssuedToken {
    pub secret: String,
    pub digest: [u8; 32],
}

/// Makes a new random API token.
pub fn issue_token() -> IssuedToken {
    let bytes: [u8; 32] = rand::rng().random();
    let secret = format!("{TOKEN_PREFIX}{}", hex::encode(bytes));
    let digest = token_digest(&secret);
    IssuedToken { secret, digest }
}

/// The stored digest of a token secret.
pub fn token_digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::validation(
            "password",
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::Internal(e.to_string().into()))
}

/// Checks a password against a stored PHC hash. A malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// An authenticated admin-API caller.
#[derive(Debug, Clone)]
pub struct Admin(pub Principal);

impl Admin {
    /// Whether the caller may act on the host profile `user`: owners and admins on any, a
    /// member only on their own.
    pub fn may_manage(&self, user: UserId) -> bool {
        self.0.role.manages_tenant() || self.0.user_id == Some(user)
    }

    /// Fails with 403 unless the caller may act on `user`.
    pub fn require_manage(&self, user: UserId) -> Result<(), ApiError> {
        if self.may_manage(user) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "members may only manage their own profile, event types, availability and bookings"
                    .to_owned(),
            ))
        }
    }

    /// Fails with 403 unless the caller is an owner or admin.
    pub fn require_tenant_manager(&self) -> Result<(), ApiError> {
        if self.0.role.manages_tenant() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "only owners and admins may do this".to_owned(),
            ))
        }
    }

    /// The host a request is about: the explicit `user_id`, else the caller's own profile.
    pub fn target_user(&self, user_id: Option<UserId>) -> Result<UserId, ApiError> {
        let user = user_id.or(self.0.user_id).ok_or_else(|| {
            ApiError::bad_request(
                "userId",
                "userId is required: this account has no host profile",
            )
        })?;
        self.require_manage(user)?;
        Ok(user)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|secret| secret.starts_with(TOKEN_PREFIX))
            .ok_or(ApiError::Unauthorized)?;
        match state.store.principal_for_token(&token_digest(secret)).await {
            Ok(principal) => Ok(Admin(principal)),
            Err(StoreError::NotFound) => Err(ApiError::Unauthorized),
            Err(other) => Err(ApiError::Internal(Box::new(other))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_digests_match() {
        let first = issue_token();
        let second = issue_token();
        assert_ne!(first.secret, second.secret);
        assert_eq!(token_digest(&first.secret), first.digest);
        assert_eq!(first.secret.len(), TOKEN_PREFIX.len() + 64);
    }

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(hash_password("short").is_err());
    }
}
