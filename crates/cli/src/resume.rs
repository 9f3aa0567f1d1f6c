//! The handle `speech` prints when a wait hits its deadline: the facade's `JobHandle` with the
//! provider, what the job makes and what to do with its result, so `speech resume` finishes the
//! job (polls, then saves or prints) without submitting it again.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use speech_facade::{CloneVoice, Error, JobHandle, Synthesize, Transcribe};

use crate::cli::{Call, Resume};
use crate::commands::{Outcome, spoken, transcript, voice};
use crate::exit::Failure;
use crate::progress::Report;

/// What a started job makes, so the resumed wait handles its result as the first call would.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Synthesis,
    Transcription,
    VoiceClone,
}

/// Everything needed to finish a job in another process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resumable {
    pub provider: String,
    pub kind: Kind,
    pub job: JobHandle,
    /// Where a synthesis's audio goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<PathBuf>,
    /// The base URL the job was started at, when it was given on the command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
}

impl Resumable {
    /// The failure of a call that ended with `error`: a deadline passed on a started job carries
    /// the handle to resume it with.
    pub fn failure(
        error: Error,
        provider: &str,
        kind: Kind,
        output: Option<PathBuf>,
        call: &Call,
    ) -> Failure {
        let job = error.job().cloned();
        let mut failure = Failure::from(error);
        failure.handle = job.map(|job| {
            Box::new(Self {
                provider: provider.to_owned(),
                kind,
                job,
                // Absolute, so the handle can be resumed from any directory.
                output: output.map(|path| std::path::absolute(&path).unwrap_or(path)),
                base_url: call.base_url.clone(),
            })
        });
        failure
    }
}

/// `speech resume`: waits for the handle's job again, then saves or prints its result.
pub async fn run(args: Resume, report: &Report) -> Result<Outcome, Failure> {
    let text = match args.handle.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|error| Failure::input(format!("reading {path}: {error}")))?,
        None => args.handle.clone(),
    };
    let handle: Resumable = serde_json::from_str(&text)
        .map_err(|error| Failure::input(format!("not a handle printed by speech: {error}")))?;
    let mut call = args.call;
    if call.base_url.is_none() {
        call.base_url.clone_from(&handle.base_url);
    }
    let provider = crate::provider::connect(&handle.provider, &call)?;
    let wait = crate::provider::wait(&call, report);
    let fail =
        |error, output| Resumable::failure(error, &handle.provider, handle.kind, output, &call);
    match handle.kind {
        Kind::Synthesis => {
            let output = args
                .output
                .or_else(|| handle.output.clone())
                .ok_or_else(|| Failure::input("the handle names no output file: give -o FILE"))?;
            let speech = provider
                .resume_synthesis(&handle.job, &wait)
                .await
                .map_err(|error| fail(error, Some(output.clone())))?;
            spoken(&speech, output, report, &call).await
        }
        Kind::Transcription => {
            let done = provider
                .resume_transcription(&handle.job, &wait)
                .await
                .map_err(|error| fail(error, None))?;
            Ok(transcript(&done))
        }
        Kind::VoiceClone => {
            let id = provider
                .resume_clone(&handle.job, &wait)
                .await
                .map_err(|error| fail(error, None))?;
            Ok(voice(&id))
        }
    }
}
