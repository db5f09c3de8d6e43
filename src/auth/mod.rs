//! Authentication primitives: password hashing and access tokens. Who may do
//! what is decided in [`crate::domain::access`] and enforced by the HTTP
//! extractors in [`crate::http::guard`].

pub mod hashing;
pub mod password;
pub mod token;
