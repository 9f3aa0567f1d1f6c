//! A new voice from a sample, with any provider whose spec maps voice cloning, chosen by name:
//! `cargo run -p speech-facade --example clone_voice -- <provider> [sample file] [title]`.
//!
//! With the provider's key variable set (`<NAME>_API_KEY`, and `<NAME>_BASE_URL` where its spec
//! requires one) it talks to the real API (cloning usually costs credits) and needs a sample.
//! Otherwise it says so on stderr and talks to a local stand-in that plays the provider from its
//! spec, sending a short sample when no file is given.

mod common;
mod sample;

use std::time::Duration;

use speech_facade::{CloneVoice, Wait};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(name) = args.next() else {
        let known = common::offering(|service| service.speech.clone_voice.is_some());
        return Err(format!(
            "usage: clone_voice <provider> [sample file] [title]; providers: {known:?}"
        )
        .into());
    };
    let (provider, stand_in) = common::connect(&name)?;
    let (path, _sample) = sample::audio_file(args.next(), stand_in.is_some())?;
    let title = args.next().unwrap_or_else(|| "Example voice".into());

    let wait = Wait::up_to(Duration::from_secs(300)).with_progress(|progress| {
        eprintln!(
            "job {}: {} (poll {})",
            progress.job_id, progress.state, progress.polls
        )
    });
    let cloner: &dyn CloneVoice = &provider;
    let voice = cloner.clone_voice(&path, Some(&title), &wait).await?;
    println!("new voice: {voice}");
    Ok(())
}
