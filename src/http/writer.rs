//! Group commit for SQLite writes.
//!
//! SQLite has one writer, and with `synchronous=FULL` every commit waits for
//! the disk (about 2 ms here). Write jobs sent to [`Writer`] are run by one
//! thread, each in its own savepoint, and committed together: a job that
//! fails rolls back alone, and no job's result is returned before the commit
//! that makes it durable has succeeded. PostgreSQL commits concurrently by
//! itself and does not use this.

use std::any::Any;
use std::sync::mpsc;

use diesel::Connection;
use tokio::sync::oneshot;

use crate::http::error::ApiError;
use crate::storage::{DbConn, PooledConn, write_tx};

type Output = Result<Box<dyn Any + Send>, ApiError>;
type Work = Box<dyn FnOnce(&mut DbConn) -> Output + Send>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Output>,
}

/// Most jobs committed together.
const MAX_BATCH: usize = 64;

pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread on a connection of its own.
    pub fn start(mut conn: PooledConn) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    run_batch(&mut conn, batch);
                }
            })?;
        Ok(Self { jobs: tx })
    }

    /// Runs `f` in the next group-committed transaction.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |conn| f(conn).map(|v| Box::new(v) as Box<dyn Any + Send>));
        self.jobs
            .send(Job { work, reply })
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("the writer thread has stopped")))?;
        let out = answer
            .await
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("the writer dropped a job")))??;
        out.downcast::<T>()
            .map(|b| *b)
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("writer result of an unexpected type")))
    }
}

fn run_batch(conn: &mut DbConn, batch: Vec<Job>) {
    let mut replies = Vec::with_capacity(batch.len());
    let committed = write_tx(conn, |conn| {
        for job in batch {
            // Each job in a savepoint: its failure undoes only its own work.
            // A panicking job must not take the writer thread down with it.
            let result = conn.transaction(|c| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (job.work)(c)))
                    .unwrap_or_else(|_| {
                        Err(ApiError::Internal(anyhow::anyhow!("a write job panicked")))
                    })
            });
            replies.push((job.reply, result));
        }
        Ok::<_, ApiError>(())
    });
    match committed {
        Ok(()) => {
            for (reply, result) in replies {
                let _ = reply.send(result);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, jobs = replies.len(), "group commit failed; nothing of the batch was kept");
            for (reply, result) in replies {
                let answer = match result {
                    // The job's own refusal stands; a success was undone.
                    Err(refusal) => Err(refusal),
                    Ok(_) => Err(ApiError::Unavailable(
                        "The change could not be saved; nothing was changed. Try again.".to_owned(),
                    )),
                };
                let _ = reply.send(answer);
            }
        }
    }
}
