//! Access tokens: short-lived HS256 JWTs.
//!
//! The algorithm is pinned on validation (a token claiming `none`, HS512 or
//! RS256 is refused), `exp` is required and checked with no leeway, and the
//! token carries the user's token version: a password change, role change or
//! deactivation bumps the version in the database and so ends every token
//! issued before it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::user::Role;

const ISSUER: &str = "sharedoffice";

/// What a token says about its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// The role at issue time (informative; requests use the stored role).
    pub role: String,
    /// The user's board id, if any.
    pub board: Option<Uuid>,
    /// The user's token version at issue time.
    pub ver: i32,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

/// Why a presented token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

/// Signs and checks tokens with one secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

/// A freshly issued token.
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl TokenKeys {
    /// `secret` must hold at least 32 bytes (checked by the configuration).
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        // `exp` is checked against the service's clock in `verify`.
        validation.validate_exp = false;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        role: Role,
        board: Option<Uuid>,
        version: i32,
        now: DateTime<Utc>,
    ) -> anyhow::Result<IssuedToken> {
        let ttl = chrono::Duration::from_std(self.ttl)?;
        let expires_at = now + ttl;
        let claims = Claims {
            sub: user_id,
            role: role.as_str().to_owned(),
            board,
            ver: version,
            iss: ISSUER.to_owned(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedToken { token, expires_at })
    }

    /// The claims of a token signed with this secret that has not expired
    /// at `now`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| TokenError::Invalid)?;
        if claims.exp < now.timestamp() {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32], Duration::from_secs(3600))
    }

    #[test]
    fn a_token_round_trips() {
        let keys = keys();
        let user = Uuid::now_v7();
        let issued = keys.issue(user, Role::Clerk, None, 3, Utc::now()).unwrap();
        let claims = keys.verify(&issued.token, Utc::now()).unwrap();
        assert_eq!(claims.sub, user);
        assert_eq!(claims.role, "clerk");
        assert_eq!(claims.ver, 3);
    }

    #[test]
    fn expired_tokens_and_other_secrets_are_refused() {
        let keys = keys();
        let old = Utc::now() - chrono::Duration::hours(2);
        let issued = keys
            .issue(Uuid::now_v7(), Role::Admin, None, 0, old)
            .unwrap();
        assert_eq!(
            keys.verify(&issued.token, Utc::now()),
            Err(TokenError::Expired)
        );
        // Valid up to its last second by the clock it is checked against.
        let at_expiry = old + chrono::Duration::hours(1);
        assert!(keys.verify(&issued.token, at_expiry).is_ok());
        let after = at_expiry + chrono::Duration::seconds(1);
        assert_eq!(keys.verify(&issued.token, after), Err(TokenError::Expired));

        let other = TokenKeys::new(&[8u8; 32], Duration::from_secs(3600));
        let foreign = other
            .issue(Uuid::now_v7(), Role::Admin, None, 0, Utc::now())
            .unwrap();
        assert_eq!(
            keys.verify(&foreign.token, Utc::now()),
            Err(TokenError::Invalid)
        );
    }
}
