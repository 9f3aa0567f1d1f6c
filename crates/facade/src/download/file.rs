//! Writing a file that appears complete or not at all: the body goes to a temporary file beside
//! the target, which replaces the target only once everything is on disk. The one writer of the
//! crate, for downloads and for audio received in an answer.

use std::io;
use std::path::Path;

use futures_util::TryStreamExt;
use tempfile::NamedTempFile;
use tokio::io::{AsyncWriteExt, BufWriter};

use super::{Body, DownloadError, io_error, len_u64};

/// Write buffer of [`super::Downloader::to_file`]: network chunks are often a few kilobytes, and
/// each write of a `tokio::fs::File` is a trip to the blocking pool, so writes are gathered into
/// larger ones.
const WRITE_BUFFER: usize = 256 << 10;

/// Name prefix of the temporary files: hidden on Unix, and recognisable if a crash (where no
/// destructor runs) ever leaves one behind.
const TEMP_PREFIX: &str = ".download-";

/// Name suffix of the temporary files, so that no tool mistakes one for finished audio.
const TEMP_SUFFIX: &str = ".part";

/// Writes `body` to `path` atomically; returns the number of bytes written. On any failure the
/// temporary file is removed and `path` is untouched.
pub(crate) async fn write_atomically(path: &Path, body: Body) -> Result<u64, DownloadError> {
    let temp = create_temp(path)?;
    let written = write_body(body, &temp, path).await?;
    // A failed persist hands the temporary file back; dropping it removes it.
    temp.persist(path)
        .map_err(|failed| io_error(path, failed.error))?;
    Ok(written)
}

/// Creates the temporary file next to `path`: the same directory keeps the final rename on one
/// file system, which is what makes it atomic.
///
/// Creating (like the final rename) is a single metadata call and runs inline; the bulk writes and
/// the sync, which can take long, go through tokio's blocking pool.
fn create_temp(path: &Path) -> Result<NamedTempFile, DownloadError> {
    if path.file_name().is_none() {
        let source = io::Error::new(io::ErrorKind::InvalidInput, "the path names no file");
        return Err(io_error(path, source));
    }
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    temp_builder()
        .tempfile_in(dir)
        .map_err(|source| io_error(path, source))
}

/// tempfile creates files readable by their owner only; the download should end up with the
/// permissions of any newly created file instead, so ask for `0o666` and let the umask apply.
fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
}

/// Writes the body into `temp`, then flushes and syncs it so that the rename that follows never
/// exposes a file whose data is not yet on disk. Returns the number of bytes written.
async fn write_body(
    mut body: Body,
    temp: &NamedTempFile,
    path: &Path,
) -> Result<u64, DownloadError> {
    let file = temp
        .as_file()
        .try_clone()
        .map_err(|source| io_error(path, source))?;
    let mut writer = BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::from_std(file));
    let mut written = 0_u64;
    while let Some(chunk) = body.try_next().await? {
        writer
            .write_all(&chunk)
            .await
            .map_err(|source| io_error(path, source))?;
        written = written.saturating_add(len_u64(&chunk));
    }
    writer
        .flush()
        .await
        .map_err(|source| io_error(path, source))?;
    writer
        .get_ref()
        .sync_all()
        .await
        .map_err(|source| io_error(path, source))?;
    Ok(written)
}
