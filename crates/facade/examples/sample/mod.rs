//! The audio file a transcription or a voice clone sends.

use std::path::PathBuf;

/// The audio file to send: the one given, else (only with a `local` stand-in) a short sample
/// written to a temporary directory that lives as long as the returned guard.
pub fn audio_file(
    given: Option<String>,
    local: bool,
) -> Result<(PathBuf, Option<tempfile::TempDir>), Box<dyn std::error::Error>> {
    if let Some(path) = given {
        return Ok((PathBuf::from(path), None));
    }
    if !local {
        return Err("give the path of an audio file".into());
    }
    let directory = tempfile::tempdir()?;
    let path = directory.path().join("sample.mp3");
    std::fs::write(&path, speech_mock_support::audio_sample("audio/mpeg"))?;
    eprintln!(
        "no audio file given: sending a short sample, {}",
        path.display()
    );
    Ok((path, Some(directory)))
}
