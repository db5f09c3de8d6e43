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

use super::db::DbError;
use super::{DbConn, PooledConn, write_tx};

type Value = Box<dyn Any + Send>;

/// How a job ended other than with its value.
enum Failure {
    /// The job's own error, of the caller's type: it stands as given.
    Refused(Value),
    /// The savepoint could not be taken, released or rolled back.
    Db(diesel::result::Error),
    Panicked,
    /// The job succeeded but the batch's commit failed: nothing was kept.
    NotSaved,
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Failure::Db(e)
    }
}

type Output = Result<Value, Failure>;
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
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |conn| match f(conn) {
            Ok(v) => Ok(Box::new(v) as Value),
            Err(e) => Err(Failure::Refused(Box::new(e))),
        });
        self.jobs
            .send(Job { work, reply })
            .map_err(|_| DbError::Fault("the writer thread has stopped".to_owned()))?;
        let out = answer
            .await
            .map_err(|_| DbError::Fault("the writer dropped a job".to_owned()))?;
        match out {
            Ok(value) => value.downcast::<T>().map(|b| *b).map_err(|_| {
                DbError::Fault("a writer result of an unexpected type".to_owned()).into()
            }),
            Err(Failure::Refused(e)) => Err(e.downcast::<E>().map(|b| *b).unwrap_or_else(|_| {
                DbError::Fault("a writer error of an unexpected type".to_owned()).into()
            })),
            Err(Failure::Db(e)) => Err(e.into()),
            Err(Failure::Panicked) => Err(DbError::Fault("a write job panicked".to_owned()).into()),
            Err(Failure::NotSaved) => Err(DbError::NotSaved.into()),
        }
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
                    .unwrap_or(Err(Failure::Panicked))
            });
            replies.push((job.reply, result));
        }
        Ok::<_, diesel::result::Error>(())
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
                // The job's own refusal stands; a success was undone.
                let answer = match result {
                    Err(refusal) => Err(refusal),
                    Ok(_) => Err(Failure::NotSaved),
                };
                let _ = reply.send(answer);
            }
        }
    }
}
