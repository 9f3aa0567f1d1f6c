//! Per-client settings: timeouts that fit long uploads and slow jobs, and the retry and waiting
//! policies. Every field has a default chosen for the documented APIs; all can be changed.

use std::time::Duration;

use crate::retry::RetryPolicy;
use crate::wait::WaitPolicy;

#[derive(Clone, Debug)]
pub struct Options {
    /// Total time for one HTTP request, body included. Default 300 s: a 20 MB upload at 1 Mbit/s
    /// takes about 160 s (progenitor's own default of 15 s would cut it off).
    pub timeout: Duration,
    /// Time to establish a connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Retries of reads (status polls, lists), and of credit-spending requests only when they
    /// cannot have been sent.
    pub retry: RetryPolicy,
    /// How often a job is polled.
    pub wait: WaitPolicy,
    /// The largest result a download accepts. Default 1 GiB.
    pub max_download_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            wait: WaitPolicy::default(),
            max_download_bytes: 1 << 30,
        }
    }
}

/// Called after every poll that finds a job unfinished.
pub type ProgressCallback = std::sync::Arc<dyn Fn(&JobProgress) + Send + Sync>;

/// How long to wait for a job, and who hears about its progress.
#[derive(Clone)]
pub struct Wait {
    /// Required: the wait ends with [`crate::Error::DeadlineExceeded`] when it passes.
    pub deadline: Duration,
    pub on_progress: Option<ProgressCallback>,
}

impl Wait {
    pub fn up_to(deadline: Duration) -> Self {
        Self {
            deadline,
            on_progress: None,
        }
    }

    /// Calls `on_progress` after every poll that finds the job unfinished.
    pub fn with_progress(
        mut self,
        on_progress: impl Fn(&JobProgress) + Send + Sync + 'static,
    ) -> Self {
        self.on_progress = Some(std::sync::Arc::new(on_progress));
        self
    }
}

/// A job's progress, as the provider reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct JobProgress {
    pub job_id: String,
    pub state: String,
    /// Percent complete, where the provider gives it.
    pub percent: Option<f64>,
    pub polls: u32,
    pub elapsed: Duration,
}
