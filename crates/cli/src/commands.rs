//! The single-call commands: each calls one neutral operation of the facade and says what came
//! of it, as text for a person and as JSON for a script.

use std::path::PathBuf;

use serde_json::{Value, json};
use speech_facade::{CloneVoice, Speech, SpeechRequest, Synthesize, Transcribe, Transcript};

use crate::cli::{self, Call};
use crate::exit::Failure;
use crate::progress::Report;
use crate::provider::{connect, wait};
use crate::resume::{Kind, Resumable};

/// What a command prints: `text` on stdout, or `json` with `--json`; and how it exits when
/// it did only part of its work (a batch with failed lines).
pub struct Outcome {
    pub text: String,
    pub json: Value,
    pub exit: Option<crate::exit::Exit>,
}

pub async fn synthesize(args: cli::Synthesize, report: &Report) -> Result<Outcome, Failure> {
    let call = &args.common.call;
    let text = match (args.text, &args.text_file) {
        (Some(text), _) => text,
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|error| Failure::input(format!("reading {}: {error}", path.display())))?,
        (None, None) => return Err(Failure::input("give --text or --text-file")),
    };
    let mut request = SpeechRequest::new(text, args.voice);
    request.format = args.format;
    request.options = args.options.into_iter().collect();
    let name = &args.common.provider;
    let provider = connect(name, call)?;
    report.step("submitting");
    let speech = provider
        .synthesize(&request, &wait(call, report))
        .await
        .map_err(|error| {
            Resumable::failure(
                error,
                name,
                Kind::Synthesis,
                Some(args.output.clone()),
                call,
            )
        })?;
    spoken(&speech, args.output, report, call).await
}

/// Saves a finished synthesis to `output`.
pub async fn spoken(
    speech: &Speech,
    output: PathBuf,
    report: &Report,
    call: &Call,
) -> Result<Outcome, Failure> {
    let saved = crate::audio::save(speech, |_| output, report, call.deadline).await?;
    report.finish(&format!("wrote {} bytes", saved.bytes));
    Ok(Outcome {
        text: format!("{} ({} bytes)", saved.path.display(), saved.bytes),
        json: json!({
            "file": saved.path,
            "bytes": saved.bytes,
            "content_type": saved.content_type,
            "job_id": speech.job_id,
        }),
        exit: None,
    })
}

pub async fn transcribe(args: cli::Transcribe, report: &Report) -> Result<Outcome, Failure> {
    let call = &args.common.call;
    let name = &args.common.provider;
    readable(&args.file)?;
    let provider = connect(name, call)?;
    report.step("uploading");
    let done = provider
        .transcribe(&args.file, &wait(call, report))
        .await
        .map_err(|error| Resumable::failure(error, name, Kind::Transcription, None, call))?;
    report.finish("transcribed");
    Ok(transcript(&done))
}

pub fn transcript(done: &Transcript) -> Outcome {
    Outcome {
        text: done.text.clone(),
        json: json!({"text": done.text, "job_id": done.job_id}),
        exit: None,
    }
}

pub async fn clone_voice(args: cli::CloneVoice, report: &Report) -> Result<Outcome, Failure> {
    let call = &args.common.call;
    let name = &args.common.provider;
    readable(&args.file)?;
    let provider = connect(name, call)?;
    report.step("uploading");
    let id = provider
        .clone_voice(&args.file, args.name.as_deref(), &wait(call, report))
        .await
        .map_err(|error| Resumable::failure(error, name, Kind::VoiceClone, None, call))?;
    report.finish("cloned");
    Ok(voice(&id))
}

pub fn voice(id: &str) -> Outcome {
    Outcome {
        text: id.to_owned(),
        json: json!({"voice_id": id}),
        exit: None,
    }
}

pub async fn voices(args: cli::Plain, report: &Report) -> Result<Outcome, Failure> {
    let call = &args.common.call;
    let provider = connect(&args.common.provider, call)?;
    let voices = provider.voices(&wait(call, report)).await?;
    report.finish(&format!("{} voices", voices.len()));
    let text = voices
        .iter()
        .map(|voice| match &voice.name {
            Some(name) => format!("{}\t{name}", voice.id),
            None => voice.id.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let json = voices
        .iter()
        .map(|voice| json!({"id": voice.id, "name": voice.name}))
        .collect();
    Ok(Outcome {
        text,
        json: Value::Array(json),
        exit: None,
    })
}

pub async fn balance(args: cli::Plain, report: &Report) -> Result<Outcome, Failure> {
    let call = &args.common.call;
    let provider = connect(&args.common.provider, call)?;
    let balance = provider.balance(&wait(call, report)).await?;
    report.finish("read");
    Ok(Outcome {
        text: balance.to_string(),
        json: json!({"balance": balance}),
        exit: None,
    })
}

/// Refuses a file that cannot be read before connecting, as bad input.
fn readable(path: &std::path::Path) -> Result<(), Failure> {
    std::fs::File::open(path)
        .map(drop)
        .map_err(|error| Failure::input(format!("reading {}: {error}", path.display())))
}
