//! What every request and answer passes through at the edge, whatever the
//! route: a NUL character anywhere in the address is refused (no field
//! accepts one, and PostgreSQL cannot store one in text), and every answer
//! carries `X-Content-Type-Options: nosniff` and, unless its handler chose
//! otherwise, `Cache-Control: no-store` (answers hold the office's data and
//! must not linger in shared caches or a browser's history).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

use crate::http::error::ApiError;

/// Whether the percent-encoded `raw` holds a NUL, written as `%00` or as
/// the byte itself.
fn has_nul(raw: &str) -> bool {
    raw.as_bytes().contains(&0)
        || raw
            .as_bytes()
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

pub async fn boundary(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let uri = req.uri();
    let nul_in = if has_nul(uri.path()) {
        Some("path")
    } else if uri.query().is_some_and(has_nul) {
        Some("query string")
    } else {
        None
    };
    let mut response = match nul_in {
        Some(part) => {
            let refusal = ApiError::BadRequest {
                code: "nul_character",
                detail: format!(
                    "The {part} of the address contains a NUL character (%00), which no value \
                     may hold. Remove it and send the request again."
                ),
            };
            let (req, _) = req.into_parts();
            ServiceResponse::new(req, actix_web::ResponseError::error_response(&refusal))
                .map_into_right_body()
        }
        None => next.call(req).await?.map_into_left_body(),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nul_written_either_way() {
        assert!(has_nul("key=%00"));
        assert!(has_nul("a=b&c=x%00y"));
        assert!(has_nul("a\0b"));
        assert!(!has_nul("limit=100&cursor=2026-12-01"));
        assert!(!has_nul("q=%C3%B4%20%200"));
        assert!(!has_nul("amount=1000"));
    }
}
