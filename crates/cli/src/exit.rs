//! How a command ends: one exit code per kind of failure (the table of `--help` and the README),
//! read from the facade's error variants, so a script can tell a bad key from a failed job.

use std::process::ExitCode;

use speech_facade::{Error, Submission};

/// The kinds of failure a script may act on differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exit {
    Other = 1,
    BadInput = 2,
    Auth = 3,
    Credits = 4,
    RateLimited = 5,
    JobFailed = 6,
    Deadline = 7,
    Unconfirmed = 8,
}

impl Exit {
    pub fn code(self) -> ExitCode {
        ExitCode::from(self as u8)
    }

    /// The kind of `error`.
    pub fn of(error: &Error) -> Self {
        match error {
            Error::InvalidInput { .. }
            | Error::InvalidBaseUrl { .. }
            | Error::Unsupported { .. }
            | Error::Rejected(_) => Self::BadInput,
            Error::MissingConfiguration { .. }
            | Error::InvalidCredential
            | Error::Unauthorized(_) => Self::Auth,
            Error::InsufficientCredits { .. } => Self::Credits,
            Error::RateLimited { .. } => Self::RateLimited,
            Error::JobFailed { .. } => Self::JobFailed,
            Error::Unconfirmed { .. }
            | Error::DeadlineExceeded {
                submission: Submission::Unconfirmed { .. },
                ..
            } => Self::Unconfirmed,
            Error::DeadlineExceeded { .. } => Self::Deadline,
            _ => Self::Other,
        }
    }
}

/// A command that did not succeed: its kind, and what to tell the user.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    /// The job's handle (`speech resume` takes it) when a wait hit its deadline.
    pub handle: Option<Box<crate::resume::Resumable>>,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            handle: None,
        }
    }

    /// Bad input found before anything was sent.
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(Exit::BadInput, message)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::new(Exit::of(&error), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_failure_has_its_own_code() {
        let codes = [
            Exit::Other,
            Exit::BadInput,
            Exit::Auth,
            Exit::Credits,
            Exit::RateLimited,
            Exit::JobFailed,
            Exit::Deadline,
            Exit::Unconfirmed,
        ]
        .map(|exit| exit as u8);
        assert_eq!(codes, [1, 2, 3, 4, 5, 6, 7, 8]);
        let missing = Error::MissingConfiguration { variable: "X_KEY" };
        assert_eq!(Exit::of(&missing), Exit::Auth);
        let unconfirmed = Error::DeadlineExceeded {
            submission: Submission::Unconfirmed {
                operation: "submit",
            },
            last_state: None,
            last_error: None,
            elapsed: std::time::Duration::ZERO,
            polls: 0,
        };
        assert_eq!(Exit::of(&unconfirmed), Exit::Unconfirmed);
        let unanswered = Error::Unconfirmed {
            operation: "submit",
            message: "connection closed before message completed".into(),
            source: None,
        };
        assert_eq!(Exit::of(&unanswered), Exit::Unconfirmed);
    }
}
