//! Where password hashing runs: a few dedicated threads, one per core, with
//! a bounded number of checks allowed to wait for them.
//!
//! Each Argon2id check takes 19 MiB and tens of milliseconds of one core.
//! Run on the general blocking pool, a flood of wrong sign-ins ran as many
//! checks at once as it sent requests: memory grew with the flood (14 GB for
//! 64 at once), every thread's allocator arena kept its share afterwards,
//! and ordinary requests waited behind the hashing for seconds. Here at most
//! `threads` checks run at once, on the same few threads (so the same few
//! arenas), and at most `threads + queue` are admitted; the rest are turned
//! away at once with [`Saturated`], which the HTTP edge answers with 503 and
//! `Retry-After`. Nothing waits unboundedly, and the memory bound is
//! `threads × 19 MiB`, whatever the load.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, oneshot};

type Job = Box<dyn FnOnce() + Send>;

/// Every thread is busy and the queue is full: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("password checks are saturated; try again in a moment")]
pub struct Saturated;

pub struct PasswordWork {
    jobs: Mutex<Sender<Job>>,
    admitted: Arc<Semaphore>,
    threads: usize,
}

impl PasswordWork {
    /// Checks waiting per hashing thread before new ones are turned away.
    /// With Argon2id's default cost (≈ 30 ms on one core) a full queue is
    /// about half a second of waiting.
    pub const QUEUE_PER_THREAD: usize = 16;

    /// One thread per core (at least one), each with
    /// [`QUEUE_PER_THREAD`](Self::QUEUE_PER_THREAD) places in the queue.
    pub fn for_this_machine() -> std::io::Result<Self> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::start(threads, threads * Self::QUEUE_PER_THREAD)
    }

    /// Starts `threads` hashing threads (at least one) and admits at most
    /// `threads + queue` checks at a time.
    pub fn start(threads: usize, queue: usize) -> std::io::Result<Self> {
        let threads = threads.max(1);
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || work(&receiver))?;
        }
        Ok(Self {
            jobs: Mutex::new(sender),
            admitted: Arc::new(Semaphore::new(threads + queue)),
            threads,
        })
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` on a hashing thread, or refuses at once when as many checks
    /// as admitted are already running or waiting.
    pub async fn run<T, F>(&self, f: F) -> Result<T, Saturated>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| Saturated)?;
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let out = f();
            drop(permit);
            let _ = tx.send(out);
        });
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| Saturated)?;
        rx.await.map_err(|_| Saturated)
    }
}

fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let job = match receiver.lock().unwrap_or_else(|p| p.into_inner()).recv() {
            Ok(job) => job,
            // The owner is gone: the process is shutting down.
            Err(_) => return,
        };
        // A panicking check loses its answer (the caller sees `Saturated`),
        // not the thread.
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).is_err() {
            tracing::error!("a password check panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn runs_the_work_and_returns_its_answer() {
        let work = PasswordWork::start(2, 2).unwrap();
        assert_eq!(work.run(|| 6 * 7).await, Ok(42));
        assert_eq!(work.threads(), 2);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn turns_away_what_exceeds_the_threads_and_the_queue() {
        // One thread, one place in the queue: two checks admitted.
        let work = Arc::new(PasswordWork::start(1, 1).unwrap());
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = Arc::new(Mutex::new(hold));
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        let running = {
            let work = work.clone();
            let hold = hold.clone();
            tokio::spawn(async move {
                work.run(move || {
                    started_tx.send(()).unwrap();
                    hold.lock().unwrap().recv().unwrap();
                    1
                })
                .await
            })
        };
        let waiting = {
            let work = work.clone();
            tokio::spawn(async move { work.run(|| 2).await })
        };
        while work.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        started.recv().unwrap();
        // Both places are taken: the third is refused without waiting.
        assert_eq!(work.run(|| 3).await, Err(Saturated));
        release.send(()).unwrap();
        assert_eq!(running.await.unwrap(), Ok(1));
        assert_eq!(waiting.await.unwrap(), Ok(2));
        // Places are given back once the work is done.
        assert_eq!(work.run(|| 4).await, Ok(4));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_panicking_check_does_not_take_its_thread_down() {
        let work = PasswordWork::start(1, 0).unwrap();
        assert_eq!(work.run(|| -> i32 { panic!("boom") }).await, Err(Saturated));
        assert_eq!(work.run(|| 5).await, Ok(5));
    }
}
