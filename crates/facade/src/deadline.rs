//! The caller's deadline, as one instant that every request, retry and sleep of a call is held to.
//!
//! A deadline given as "up to 10 s" must bound the whole call whatever the server does: a status
//! response that drips one byte a second, a `Retry-After` longer than the time left, a retry budget
//! of several attempts. So the call does not hand a duration to each piece (they would add up);
//! it fixes the instant once, and each piece runs under [`Deadline::run`] or asks
//! [`Deadline::allows`] before sleeping. Time is tokio's, so paused-clock tests drive it.

use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::Either;
use tokio::time::Instant;

/// When a call must be over.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    started: Instant,
    /// `None` when the deadline is too far away to represent: effectively unbounded.
    at: Option<Instant>,
}

impl Deadline {
    /// The deadline `limit` from now.
    pub(crate) fn after(limit: Duration) -> Self {
        let started = Instant::now();
        Self {
            started,
            at: started.checked_add(limit),
        }
    }

    /// Time since the deadline was set.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Time left; zero once the deadline has passed.
    pub(crate) fn remaining(&self) -> Duration {
        self.at.map_or(Duration::MAX, |at| {
            at.saturating_duration_since(Instant::now())
        })
    }

    /// Whether the deadline has passed.
    pub(crate) fn passed(&self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at)
    }

    /// Whether a sleep of `delay` would still end before the deadline.
    pub(crate) fn allows(&self, delay: Duration) -> bool {
        delay < self.remaining()
    }

    /// Runs `work` until it finishes or the deadline passes, whichever comes first; `None` when the
    /// deadline came first (the work is dropped, which cancels any request in flight). Work that is
    /// ready at once finishes even at the deadline.
    ///
    /// The returned future holds `work` once (an `async fn` would hold it twice, as its argument
    /// and inside the timeout), so wrapping a large request future costs no extra copy of it.
    pub(crate) fn run<F: Future>(
        &self,
        work: F,
    ) -> impl Future<Output = Option<F::Output>> + use<F> {
        match self.at {
            Some(at) => Either::Left(tokio::time::timeout_at(at, work).map(Result::ok)),
            None => Either::Right(work.map(Some)),
        }
    }

    /// Sleeps until `at`, or until the deadline if that comes first.
    pub(crate) async fn sleep_until(&self, at: Instant) {
        let wake = self.at.map_or(at, |deadline| at.min(deadline));
        tokio::time::sleep_until(wake).await;
    }

    /// The deadline as an instant, if it can be represented.
    pub(crate) fn instant(&self) -> Option<Instant> {
        self.at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn work_past_the_deadline_is_cut_off_at_it() {
        let deadline = Deadline::after(Duration::from_secs(2));
        let slow = tokio::time::sleep(Duration::from_secs(30));
        assert!(deadline.run(slow).await.is_none());
        assert_eq!(deadline.elapsed(), Duration::from_secs(2));
        assert!(deadline.passed());
        assert_eq!(deadline.remaining(), Duration::ZERO);
        assert!(!deadline.allows(Duration::ZERO));
    }

    #[tokio::test(start_paused = true)]
    async fn ready_work_finishes_even_at_the_deadline() {
        let deadline = Deadline::after(Duration::ZERO);
        assert_eq!(deadline.run(async { 7 }).await, Some(7));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unrepresentable_deadline_never_passes() {
        let deadline = Deadline::after(Duration::MAX);
        assert!(deadline.instant().is_none());
        assert!(deadline.allows(Duration::from_secs(1 << 40)));
        assert_eq!(deadline.run(async { 1 }).await, Some(1));
    }
}
