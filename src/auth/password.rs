//! Password hashing with Argon2id (m = 19 MiB, t = 2, p = 1: the OWASP
//! minimum), stored as PHC strings so parameters can be raised later without
//! invalidating existing hashes.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::domain::user::NewPassword;

/// Hashes a password that passed the policy. Slow on purpose (tens of
/// milliseconds): call it off the async executor.
pub fn hash(password: &NewPassword) -> anyhow::Result<String> {
    hash_raw(password.expose())
}

fn hash_raw(password: &str) -> anyhow::Result<String> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))?;
    Ok(hash.to_string())
}

/// Checks `password` against a stored PHC string. A malformed stored hash
/// counts as a mismatch.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as a real check when the username does not exist, so
/// response times do not reveal which usernames are real.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        hash_raw("a password nobody has; only here to spend time").unwrap_or_default()
    });
    let _ = verify(password, dummy);
}

/// A random password for generated accounts (demo users, CLI resets):
/// 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
pub fn generate() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    // 256 % 57 != 0 gives a negligible bias for a 20-character password.
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let pw = NewPassword::parse("một mật khẩu dài").unwrap();
        let stored = hash(&pw).unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("một mật khẩu dài", &stored));
        assert!(!verify("một mật khẩu dài!", &stored));
        assert!(!verify("anything", "not a phc string"));
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.chars().count(), 20);
        assert!(NewPassword::parse(&a).is_ok());
        assert_ne!(a, b);
    }
}
