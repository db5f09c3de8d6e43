//! Reports as JSON or CSV from the same rows: one row type, two encoders.
//!
//! CSV is chosen with `?format=csv` or `Accept: text/csv`. Headers are the
//! rows' snake_case field names, dates ISO, decimals with a dot; with
//! `?excel=true` the file starts with a UTF-8 byte-order mark so Excel
//! shows Vietnamese text correctly.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::http::error::ApiError;

/// How a report is wanted.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Output {
    /// json (default) or csv.
    pub format: Option<String>,
    /// With CSV: start with a UTF-8 byte-order mark for Excel.
    pub excel: Option<bool>,
}

impl Output {
    /// Whether CSV was asked for, by `format` or the Accept header.
    pub fn wants_csv(&self, req: &HttpRequest) -> Result<bool, ApiError> {
        match self.format.as_deref() {
            Some("csv") => Ok(true),
            Some("json") => Ok(false),
            Some(other) => Err(ApiError::BadRequest {
                code: "invalid_query",
                detail: format!("format '{other}' is not offered: use json or csv."),
            }),
            None => Ok(req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|a| a.contains("text/csv"))),
        }
    }
}

/// Encodes rows as CSV (with the header row).
pub fn csv_bytes<T: Serialize>(rows: &[T], excel: bool) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::with_capacity(64 + rows.len() * 64);
    if excel {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::Writer::from_writer(out);
    for r in rows {
        w.serialize(r)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))?;
    }
    w.into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))
}

/// A CSV download named `name.csv`.
pub fn csv_response<T: Serialize>(
    rows: &[T],
    excel: bool,
    name: &str,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(csv_bytes(rows, excel)?))
}
