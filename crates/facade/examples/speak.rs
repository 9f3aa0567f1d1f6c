//! Text to speech with any provider, chosen by name:
//! `cargo run -p speech-facade --example speak -- <provider> [voice] [text]`.
//!
//! With the provider's key variable set (`<NAME>_API_KEY`, and `<NAME>_BASE_URL` where its spec
//! requires one) it talks to the real API. Otherwise it says so on stderr and talks to a local
//! stand-in that plays the provider from its spec (`specs/<provider>.yaml`): the documented
//! answers, a job that is pending for two polls, and audio on a second local origin.

mod common;

use std::time::Duration;

use speech_facade::{DownloadLimits, Downloader, SpeechRequest, Synthesize, Wait};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(name) = args.next() else {
        let known = common::offering(|service| service.speech.synthesize.is_some());
        return Err(format!("usage: speak <provider> [voice] [text]; providers: {known:?}").into());
    };
    let voice = args.next().unwrap_or_else(|| "default".into());
    let text = args.next().unwrap_or_else(|| {
        "Hello from the speech facade, with one waiting engine for every provider.".into()
    });
    let (provider, _stand_in) = common::connect(&name)?;

    let wait = Wait::up_to(Duration::from_secs(120)).with_progress(|progress| {
        eprintln!(
            "job {}: {} (poll {})",
            progress.job_id, progress.state, progress.polls
        )
    });
    let speaker: &dyn Synthesize = &provider;
    let speech = speaker
        .synthesize(&SpeechRequest::new(text, voice), &wait)
        .await?;
    let path = std::env::temp_dir().join(format!("speech-facade-{name}.audio"));
    let saved = speech
        .save(
            &Downloader::new(Duration::from_secs(60))?,
            &path,
            &DownloadLimits::default(),
        )
        .await?;
    println!(
        "saved {} bytes ({:?}) to {}",
        saved.bytes.unwrap_or(0),
        saved.content_type,
        path.display()
    );
    Ok(())
}
