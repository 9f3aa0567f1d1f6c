//! Writing a synthesis's audio to a file, with its bytes reported as they arrive. The file
//! appears complete or not at all: the audio goes to a temporary file beside it, synced, then
//! renamed over it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::TryStreamExt;
use speech_facade::{AudioResult, DownloadLimits, Downloader, Error, Speech};

use crate::exit::Failure;
use crate::progress::Report;

/// The file written.
pub struct Saved {
    pub path: PathBuf,
    pub bytes: u64,
    pub content_type: Option<String>,
}

/// Writes the audio of `speech` to the path `place` gives for its content type (the batch names
/// files by the audio's type), downloading a result URL within `timeout`.
pub async fn save(
    speech: &Speech,
    place: impl FnOnce(Option<&str>) -> PathBuf,
    report: &Report,
    timeout: Duration,
) -> Result<Saved, Failure> {
    match &speech.audio {
        AudioResult::Bytes {
            content_type,
            bytes,
        } => {
            let path = place(content_type.as_deref());
            report.download(Some(bytes.len() as u64));
            let mut file = Atomic::beside(&path)?;
            file.write(bytes)?;
            report.downloaded(bytes.len() as u64);
            let bytes = file.commit()?;
            Ok(Saved {
                path,
                bytes,
                content_type: content_type.clone(),
            })
        }
        AudioResult::Url(url) => {
            let downloader = Downloader::new(timeout).map_err(Error::from)?;
            let limits = DownloadLimits::default();
            let download = downloader.stream(url, &limits).await.map_err(Error::from)?;
            let path = place(download.content_type.as_deref());
            report.download(download.bytes);
            let mut file = Atomic::beside(&path)?;
            let mut body = download.body;
            while let Some(chunk) = body.try_next().await.map_err(Error::from)? {
                file.write(&chunk)?;
                report.downloaded(chunk.len() as u64);
            }
            let bytes = file.commit()?;
            Ok(Saved {
                path,
                bytes,
                content_type: download.content_type,
            })
        }
    }
}

/// A file being written beside its final path; dropped unfinished, it is removed.
struct Atomic<'a> {
    temp: tempfile::NamedTempFile,
    path: &'a Path,
    written: u64,
}

impl<'a> Atomic<'a> {
    fn beside(path: &'a Path) -> Result<Self, Failure> {
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".speech-").suffix(".part");
        // tempfile makes files only their owner can read; the audio gets what any new file
        // gets (`0o666` minus the umask).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder
            .tempfile_in(dir)
            .map_err(|error| written(path, &error))?;
        Ok(Self {
            temp,
            path,
            written: 0,
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.temp
            .write_all(bytes)
            .map_err(|error| written(self.path, &error))?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Syncs the file and renames it to its path; returns its length.
    fn commit(self) -> Result<u64, Failure> {
        let path = self.path;
        self.temp
            .as_file()
            .sync_all()
            .map_err(|error| written(path, &error))?;
        self.temp
            .persist(path)
            .map_err(|error| written(path, &error.error))?;
        Ok(self.written)
    }
}

fn written(path: &Path, error: &std::io::Error) -> Failure {
    Failure::new(
        crate::exit::Exit::Other,
        format!("writing {}: {error}", path.display()),
    )
}

/// A file extension for audio of `content_type` (`audio/mpeg` → `mp3`), `audio` when unknown.
pub fn extension(content_type: Option<&str>) -> &'static str {
    let media = content_type
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match media.as_str() {
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
        "audio/ogg" => "ogg",
        "audio/opus" => "opus",
        "audio/flac" | "audio/x-flac" => "flac",
        "audio/aac" => "aac",
        "audio/webm" => "webm",
        "audio/mp4" | "audio/m4a" | "audio/x-m4a" => "m4a",
        "audio/pcm" | "audio/l16" => "pcm",
        _ => "audio",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_types_name_their_usual_extensions() {
        assert_eq!(extension(Some("audio/mpeg")), "mp3");
        assert_eq!(extension(Some("audio/wav; codec=1")), "wav");
        assert_eq!(extension(Some("application/octet-stream")), "audio");
        assert_eq!(extension(None), "audio");
    }

    #[test]
    fn an_unfinished_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mp3");
        let mut file = Atomic::beside(&path).unwrap();
        file.write(b"partial").unwrap();
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut file = Atomic::beside(&path).unwrap();
        file.write(b"whole").unwrap();
        assert_eq!(file.commit().unwrap(), 5);
        assert_eq!(std::fs::read(&path).unwrap(), b"whole");
    }
}
