//! Reading requests: JSON bodies, query strings and path ids, with every
//! failure turned into a problem response (never actix's plain-text errors).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::http::error::{ApiError, FieldError};
use crate::http::guard::SignInCheck;

/// Largest JSON body accepted. CSV uploads have their own limit.
pub const JSON_LIMIT: usize = 64 * 1024;

/// A JSON request body, read with a size limit and deserialised with the path
/// of any refused field (`lines[2].amount`), unknown fields refused by the
/// request types themselves (`deny_unknown_fields`).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let essence = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            })
            .unwrap_or(false);
        let declared_len = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        let req = req.clone();
        let read = async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the request body as JSON with the header 'Content-Type: application/json'."
                        .to_owned(),
                ));
            }
            let too_large = || {
                ApiError::PayloadTooLarge(format!(
                    "The request body is larger than {} KiB. Send less data per request.",
                    JSON_LIMIT / 1024
                ))
            };
            let body = read_body(&mut payload, declared_len, JSON_LIMIT, too_large).await?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Err(ApiError::BadRequest {
                    code: "body_missing",
                    detail: "The request body is empty: send a JSON object.".to_owned(),
                });
            }
            parse_json(&body).map(Json)
        };
        Box::pin(async move {
            let read = read.await;
            if read.is_err() {
                SignInCheck::settled(&req).await;
            }
            read
        })
    }
}

/// Reads a request body of at most `limit` bytes: refused with
/// `too_large` as soon as its declared or received length passes the
/// limit, so an oversized body is never held whole.
async fn read_body(
    payload: &mut Payload,
    declared_len: Option<usize>,
    limit: usize,
    too_large: impl Fn() -> ApiError,
) -> Result<web::BytesMut, ApiError> {
    if declared_len.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::BadRequest {
            code: "body_unreadable",
            detail: "The request body could not be read completely. Send it again.".to_owned(),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads an optional field of a change (a `PATCH` body): a field left out
/// keeps its value, and `null` is refused as a value of the wrong type
/// rather than read as "left out". Use with `#[serde(default,
/// deserialize_with = "not_null")]` and `#[schema(nullable = false)]`.
pub fn not_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// Largest CSV upload accepted (a bank statement of a month).
pub const CSV_LIMIT: usize = 4 * 1024 * 1024;

/// Largest register file accepted by the consolidation import.
pub const IMPORT_CSV_LIMIT: usize = 32 * 1024 * 1024;

/// A CSV file sent as the raw request body with `Content-Type: text/csv`
/// (`application/csv` and `text/plain` are accepted too), of at most
/// `LIMIT` bytes.
#[derive(Debug)]
pub struct CsvBody<const LIMIT: usize = CSV_LIMIT>(pub web::Bytes);

impl<const LIMIT: usize> FromRequest for CsvBody<LIMIT> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let essence = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                matches!(
                    essence.as_str(),
                    "text/csv" | "application/csv" | "text/plain"
                )
            })
            .unwrap_or(false);
        let declared_len = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        let req = req.clone();
        let read = async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the CSV file itself as the request body with the header \
                     'Content-Type: text/csv'."
                        .to_owned(),
                ));
            }
            let too_large = || {
                ApiError::PayloadTooLarge(format!(
                    "The file is larger than {} MiB. Split it into smaller files (by month, by board).",
                    LIMIT / 1024 / 1024
                ))
            };
            let body = read_body(&mut payload, declared_len, LIMIT, too_large).await?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Err(ApiError::BadRequest {
                    code: "body_missing",
                    detail: "The request body is empty: send the CSV file.".to_owned(),
                });
            }
            Ok(CsvBody(body.freeze()))
        };
        Box::pin(async move {
            let read = read.await;
            if read.is_err() {
                SignInCheck::settled(&req).await;
            }
            read
        })
    }
}

/// Deserialises a JSON object, telling syntax errors (400) from refused
/// fields (422). Every request body of this API is an object; arrays and
/// scalars are refused up front (serde would otherwise read an array
/// positionally into a struct).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        // Valid JSON of another kind is read and refused (422); anything
        // else, bytes that are not UTF-8 included, is not JSON at all (400).
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            return Err(malformed(&e));
        }
        return Err(ApiError::Validation(vec![FieldError::new(
            "",
            "invalid_type",
            "The request body must be a JSON object, like {\"name\": \"…\"}.",
        )]));
    }
    if has_escaped_nul(body) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "",
            "nul_character",
            "A text value contains a NUL character (\\u0000), which no field accepts. Remove it.",
        )]));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(de);
    result.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let (code, message) = describe_data_error(&inner.to_string());
                let field = if path == "." { String::new() } else { path };
                ApiError::Validation(vec![FieldError::new(field, code, message)])
            }
            _ => malformed(&inner),
        }
    })
}

/// Whether a JSON text holds the escape `\u0000` inside a string (a raw NUL
/// byte is not valid JSON and fails parsing anyway).
fn has_escaped_nul(body: &[u8]) -> bool {
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' {
            if body.get(i + 1) == Some(&b'u') && body.get(i + 2..i + 6) == Some(b"0000") {
                return true;
            }
            // Skip the escaped character, so `\\u0000` (a backslash, then
            // the letters) is not mistaken for a NUL.
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// 400 `malformed_json`, with where the reading stopped.
fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::BadRequest {
        code: "malformed_json",
        detail: format!(
            "The request body is not valid JSON in UTF-8 (line {}, column {}). Check quotes, \
             commas, brackets and the text encoding.",
            e.line(),
            e.column()
        ),
    }
}

/// Turns serde's wording into a stable code and a sentence for people.
fn describe_data_error(raw: &str) -> (&'static str, String) {
    // serde appends " at line X column Y"; the field path says more.
    let msg = raw.split(" at line ").next().unwrap_or(raw);
    let code = if msg.starts_with("unknown field") {
        "unknown_field"
    } else if msg.starts_with("missing field") {
        "required"
    } else if msg.starts_with("invalid type") {
        "invalid_type"
    } else if msg.starts_with("invalid length") {
        "invalid_length"
    } else {
        "invalid_value"
    };
    let mut human = msg.to_owned();
    for (rust, plain) in [
        ("i64", "a whole number"),
        ("i32", "a whole number"),
        ("i16", "a whole number"),
        ("u32", "a whole number"),
        ("u16", "a whole number"),
        ("u8", "a whole number"),
        ("a boolean", "true or false"),
        ("UUID parsing failed", "not a valid id"),
    ] {
        human = human.replace(rust, plain);
    }
    let message = match code {
        "unknown_field" => format!("{human}. Remove the field or check its spelling."),
        "required" => format!("{human}: this field is required."),
        _ => format!("{human}."),
    };
    (code, message)
}

/// Query strings that do not fit the endpoint's parameters are a 400.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match &err {
        QueryPayloadError::Deserialize(e) => {
            format!("The query string was not understood: {e}. Check parameter names and values.")
        }
        _ => "The query string was not understood. Check parameter names and values.".to_owned(),
    };
    ApiError::BadRequest {
        code: "invalid_query",
        detail,
    }
    .into()
}

/// A path segment that is not a valid id names nothing: 404.
pub fn path_error(_err: PathError, req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound(format!(
        "Nothing exists at {}: the id in the address is not a valid id.",
        req.path()
    ))
    .into()
}

/// Unknown addresses get a problem response too: 405 with `Allow` when the
/// address is an endpoint of another method, else 404.
pub async fn no_route(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    let allowed = crate::http::openapi::methods_of(req.path());
    if !allowed.is_empty() {
        let allow = allowed.join(", ");
        return Err(ApiError::MethodNotAllowed {
            detail: format!(
                "{} {} is not supported; this address answers {allow}.",
                req.method(),
                req.path()
            ),
            allow,
        });
    }
    Err(ApiError::NotFound(format!(
        "There is no endpoint {} {}. The API is described at /api/v1/openapi.yaml.",
        req.method(),
        req.path()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only deserialised, to probe the error messages")]
    struct Probe {
        name: String,
        seats: i32,
    }

    fn field_errors(e: ApiError) -> Vec<FieldError> {
        match e {
            ApiError::Validation(errors) => errors,
            other => panic!("expected validation error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_types_name_the_field() {
        let errors =
            field_errors(parse_json::<Probe>(br#"{"name":"x","seats":"many"}"#).unwrap_err());
        assert_eq!(errors[0].field, "seats");
        assert_eq!(errors[0].code, "invalid_type");
        assert!(
            errors[0].message.contains("a whole number"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn unknown_and_missing_fields_are_refused() {
        let errors = field_errors(
            parse_json::<Probe>(br#"{"name":"x","seats":1,"colour":"red"}"#).unwrap_err(),
        );
        assert_eq!(errors[0].code, "unknown_field");
        let errors = field_errors(parse_json::<Probe>(br#"{"name":"x"}"#).unwrap_err());
        assert_eq!(errors[0].code, "required");
    }

    #[test]
    fn only_objects_are_accepted() {
        for body in [&b"[\"x\", 1]"[..], b"null", b"42", b" \"text\""] {
            let errors = field_errors(parse_json::<Probe>(body).unwrap_err());
            assert_eq!(errors[0].code, "invalid_type");
        }
    }

    #[test]
    fn an_escaped_nul_is_refused_and_an_escaped_backslash_is_not() {
        let e = parse_json::<Probe>(br#"{"name":"a\u0000b","seats":1}"#).unwrap_err();
        assert_eq!(field_errors(e)[0].code, "nul_character");
        let ok: Probe = parse_json(br#"{"name":"a\\u0000b","seats":1}"#).unwrap();
        assert_eq!(ok.name, "a\\u0000b");
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        for body in [
            &br#"{"name": "#[..],
            b"\xff\xfe{}",
            b"{\"name\": \"\xc3\x28\", \"seats\": 1}",
            b"not json",
            b"\"unterminated",
            b"[1, 2",
        ] {
            match parse_json::<Probe>(body).unwrap_err() {
                ApiError::BadRequest { code, .. } => assert_eq!(code, "malformed_json", "{body:?}"),
                other => panic!("{body:?}: {other:?}"),
            }
        }
    }
}
