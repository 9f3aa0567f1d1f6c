//! Per-client settings: timeouts that fit long uploads and slow jobs, and the retry and waiting
//! policies. Every field has a default chosen for the documented APIs; all can be changed.

use std::time::Duration;

use crate::download::DownloadLimits;
use crate::http::ConfigureHttp;
use crate::retry::RetryPolicy;
use crate::wait::WaitPolicy;

/// How a provider handle sends requests, waits and reads answers.
#[derive(Clone, Debug)]
pub struct Options {
    /// Longest time for one HTTP request, body included. Default 300 s: a 20 MB upload at
    /// 1 Mbit/s takes about 160 s (progenitor's own default of 15 s would cut it off). Within a
    /// call, a request also ends at the call's deadline ([`Wait::deadline`]) if that comes first.
    pub timeout: Duration,
    /// Time to establish a connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Retries of reads (status polls, lists), and of credit-spending requests only when they
    /// cannot have been sent.
    pub retry: RetryPolicy,
    /// How often a job is polled.
    pub wait: WaitPolicy,
    /// The largest API answer (JSON, error pages: anything but audio) read, in bytes; a larger one
    /// fails with [`crate::Error::ResponseTooLarge`] as soon as it passes the limit, so a hostile
    /// or broken server cannot make a poll take the memory it sends. Default 4 MiB, far above any
    /// documented answer.
    pub max_response_bytes: u64,
    /// The limits of audio received: a provider's direct audio answer is read within them (held
    /// in memory, so keep `max_bytes` to what memory allows), and pass them to
    /// [`crate::Speech::save`] for result URLs.
    pub download: DownloadLimits,
    /// Your changes to the provider's HTTP client (a proxy, root certificates, TLS settings, a
    /// `User-Agent`), applied after the defaults above and before what keeps the key safe: the key
    /// header and refusing redirects are set last. Default none.
    pub http: Option<ConfigureHttp>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            wait: WaitPolicy::default(),
            max_response_bytes: speech_client_runtime::body_limit::DEFAULT_MAX_BYTES,
            download: DownloadLimits::default(),
            http: None,
        }
    }
}

/// Called after every poll that finds a job unfinished.
pub type ProgressCallback = std::sync::Arc<dyn Fn(&JobProgress) + Send + Sync>;

/// Called once with a job's handle when the request that starts it is answered.
pub type StartCallback = std::sync::Arc<dyn Fn(&crate::JobHandle) + Send + Sync>;

/// How long a call may take, and who hears about its job's start and progress.
///
/// The deadline bounds the whole call, measured from when it is made: the request that starts
/// the job, every poll with its retries, and every sleep between them. A call returns by the
/// deadline whatever the server does (an answer that drips, a `Retry-After` longer than the time
/// left); it ends with [`crate::Error::DeadlineExceeded`], which says whether the job was started
/// (with a [`crate::JobHandle`] to resume the wait) or whether the start request may have been
/// accepted without an answer (then it is never sent again).
#[derive(Clone)]
pub struct Wait {
    /// Required: the longest the call may take.
    pub deadline: Duration,
    /// Called after every poll that finds the job unfinished.
    pub on_progress: Option<ProgressCallback>,
    /// Called once when the start request is answered with a job, before the first poll.
    pub on_start: Option<StartCallback>,
}

impl Wait {
    /// A call that may take up to `deadline`, without progress reports.
    pub fn up_to(deadline: Duration) -> Self {
        Self {
            deadline,
            on_progress: None,
            on_start: None,
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

    /// Calls `on_start` with the job's handle as soon as the request that starts it is
    /// answered, before the first poll: the moment to store the handle (a journal, a database)
    /// so that a process that dies while waiting can resume the job instead of submitting (and
    /// paying for) it again. Not called for an answer that is not a job (a direct result) nor by
    /// the resume calls.
    pub fn on_start(
        mut self,
        on_start: impl Fn(&crate::JobHandle) + Send + Sync + 'static,
    ) -> Self {
        self.on_start = Some(std::sync::Arc::new(on_start));
        self
    }
}

/// A job's progress, as the provider reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct JobProgress {
    /// The job's id.
    pub job_id: String,
    /// The state the provider reported.
    pub state: String,
    /// Percent complete, where the provider gives it.
    pub percent: Option<f64>,
    /// Number of polls so far, including the one that produced this report.
    pub polls: u32,
    /// Time since the wait began.
    pub elapsed: Duration,
}
