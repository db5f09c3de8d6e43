//! Reports as JSON or CSV from the same rows: one row type, two encoders.
//!
//! CSV is chosen with `?format=csv` or `Accept: text/csv`. Headers are the
//! rows' snake_case field names, dates ISO, decimals with a dot; with
//! `?excel=true` the file starts with a UTF-8 byte-order mark so Excel
//! shows Vietnamese text correctly.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::http::error::ApiError;
use crate::ops::OpError;
use crate::ops::reports::Report;

/// How a report is wanted.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Output {
    /// json (default) or csv.
    #[param(inline, value_type = Option<Format>)]
    pub format: Option<String>,
    /// With CSV: start with a UTF-8 byte-order mark for Excel.
    pub excel: Option<bool>,
}

// The encodings a report is offered in (for the contract; `Output`
// keeps the text so a wrong value is answered in words).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
}

/// The encoding asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Json,
    Csv {
        /// Start with a UTF-8 byte-order mark.
        excel: bool,
    },
}

impl Output {
    pub fn new(format: Option<String>, excel: Option<bool>) -> Self {
        Output { format, excel }
    }

    /// The encoding asked for, by `format` or the Accept header.
    pub fn wanted(&self, req: &HttpRequest) -> Result<Wanted, ApiError> {
        Ok(if self.wants_csv(req)? {
            Wanted::Csv {
                excel: self.excel.unwrap_or(false),
            }
        } else {
            Wanted::Json
        })
    }

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

/// A row type with a fixed list of columns, in field order, so a CSV has
/// its header row even when there are no rows.
pub trait Columns {
    const COLUMNS: &'static [&'static str];
}

/// The most lines a report answers with as one JSON document: it is built
/// in memory, where a CSV download streams. A vehicle-day report of a
/// year for 2,000 vehicles has 730,000 lines.
pub const MAX_JSON_ROWS: usize = 100_000;

/// The refusal of a JSON answer over [`MAX_JSON_ROWS`] lines.
fn too_many_rows() -> OpError {
    OpError::invalid(
        "format",
        crate::domain::ParseError::new(
            "report_too_large",
            format!(
                "This report has more than {MAX_JSON_ROWS} lines, too many for one JSON answer; \
                 download it as CSV (format=csv), or ask for a shorter period or fewer vehicles."
            ),
        ),
    )
}

/// Runs the report on the blocking pool and collects its rows (for JSON),
/// at most [`MAX_JSON_ROWS`] of them.
pub async fn collect<T: Send + 'static>(report: Report<T>) -> Result<Vec<T>, ApiError> {
    let rows = actix_web::rt::task::spawn_blocking(move || {
        let mut rows = Vec::new();
        report.run(&mut |r| {
            if rows.len() == MAX_JSON_ROWS {
                return Err(too_many_rows());
            }
            rows.push(r);
            Ok(())
        })?;
        Ok::<_, OpError>(rows)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("report task failed: {e}")))??;
    Ok(rows)
}

/// Runs the report on the blocking pool, folding each row into `acc`
/// (for a chart: a summary that does not grow with the rows).
pub async fn fold<T: 'static, A: Send + 'static>(
    report: Report<T>,
    mut acc: A,
    mut f: impl FnMut(&mut A, T) + Send + 'static,
) -> Result<A, ApiError> {
    actix_web::rt::task::spawn_blocking(move || {
        report.run(&mut |r| {
            f(&mut acc, r);
            Ok(())
        })?;
        Ok::<_, OpError>(acc)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("report task failed: {e}")))?
    .map_err(ApiError::from)
}

/// A report's answer: its rows, to wrap in the JSON document, or the CSV
/// download already under way.
pub enum Answer<T> {
    Rows(Vec<T>),
    Csv(HttpResponse),
}

/// Streams the rows of `report` as `name.csv` when CSV was asked for,
/// else collects them for the JSON document. The one path every streamed
/// report takes.
pub async fn rows_or_csv<T: Serialize + Columns + Send + 'static>(
    wanted: Wanted,
    name: &str,
    report: Report<T>,
) -> Result<Answer<T>, ApiError> {
    match wanted {
        Wanted::Csv { excel } => Ok(Answer::Csv(csv_stream(excel, name, report))),
        Wanted::Json => collect(report).await.map(Answer::Rows),
    }
}

/// Bytes gathered before they are handed to the response.
const CHUNK: usize = 16 * 1024;
/// Chunks in flight between the database thread and the response.
const CHANNEL: usize = 8;

/// A CSV download named `name.csv`, streamed: the report runs on the
/// blocking pool and its rows are encoded as they come and passed through
/// a bounded channel, so memory does not grow with the number of rows and a
/// slow client slows the producer down. The header row is written first,
/// even when no row follows. A fault after the first bytes were sent can
/// only cut the download short; it is logged.
pub fn csv_stream<T: Serialize + Columns + 'static>(
    excel: bool,
    name: &str,
    report: Report<T>,
) -> HttpResponse {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL);
    let request_id = crate::http::observe::current_request_id();
    actix_web::rt::task::spawn_blocking(move || {
        let mut out = Chunks {
            buf: Vec::with_capacity(CHUNK),
            tx,
            gone: false,
        };
        if excel {
            out.buf.extend_from_slice("\u{feff}".as_bytes());
        }
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out);
        let result = (|| -> Result<(), OpError> {
            w.write_record(T::COLUMNS).map_err(csv_fault)?;
            let mut sink = |row: T| -> Result<(), OpError> {
                w.serialize(row).map_err(|e| {
                    if w.get_ref().gone {
                        client_gone()
                    } else {
                        csv_fault(e)
                    }
                })
            };
            report.run(&mut sink)?;
            w.flush().map_err(|e| csv_fault(e.into()))
        })();
        let out = w.into_inner().map_err(|e| e.into_error());
        match (result, out) {
            (Ok(()), Ok(out)) => {
                let _ = out.tx.blocking_send(Ok(Bytes::from(out.buf)));
            }
            (Err(e), Ok(out)) => {
                tracing::error!(error = %e, request_id = ?request_id, "CSV report cut short");
                let _ = out
                    .tx
                    .blocking_send(Err(std::io::Error::other("report cut short")));
            }
            (_, Err(e)) => {
                // The writer could not hand its last bytes on: the client
                // left, and the response ends with the dropped channel.
                tracing::error!(error = %e, request_id = ?request_id, "CSV report cut short");
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .streaming(body)
}

/// Where the CSV writer writes: bytes gathered into chunks of [`CHUNK`]
/// and passed on through the bounded channel (which blocks when the
/// client reads slowly).
struct Chunks {
    buf: Vec<u8>,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    /// The client closed the download.
    gone: bool,
}

impl std::io::Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
            if self.tx.blocking_send(Ok(chunk)).is_err() {
                self.gone = true;
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn csv_fault(e: csv::Error) -> OpError {
    OpError::Output(format!("csv: {e}"))
}

fn client_gone() -> OpError {
    OpError::Output("the client closed the download".into())
}
