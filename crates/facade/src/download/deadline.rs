//! The optional total deadline of one download.
//!
//! The per-read timeout catches a connection that stalls, not one that drips: a host sending a byte
//! a second never lets a read time out, and would hold the caller for as long as it likes. A
//! deadline is one instant, fixed when the download starts, that every stage (connecting,
//! redirects, headers, each body chunk) races against.

use std::future::Future;
use std::time::Duration;

use tokio::time::{Instant, timeout_at};

use super::DownloadError;

/// When the download started must be over, if ever.
#[derive(Debug, Clone, Copy)]
pub(super) struct Deadline(Option<(Instant, Duration)>);

impl Deadline {
    /// A deadline `total` from now; none when `total` is `None`, or so long that the clock cannot
    /// represent its end (it would never come).
    pub(super) fn start(total: Option<Duration>) -> Self {
        Self(total.and_then(|total| Some((Instant::now().checked_add(total)?, total))))
    }

    /// Runs `work`, or fails with [`DownloadError::DeadlineExceeded`] (dropping `work`) once the
    /// deadline has passed.
    pub(super) async fn run<T>(
        self,
        url: &str,
        work: impl Future<Output = Result<T, DownloadError>>,
    ) -> Result<T, DownloadError> {
        let Some((end, total)) = self.0 else {
            return work.await;
        };
        timeout_at(end, work).await.unwrap_or_else(|_| {
            Err(DownloadError::DeadlineExceeded {
                url: url.to_owned(),
                deadline: total,
            })
        })
    }
}
