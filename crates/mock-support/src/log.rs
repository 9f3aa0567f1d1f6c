//! Capturing what a program logs, to check it (e.g. that no line carries a key).

use std::sync::{Arc, Mutex};

/// An `io::Write` sink that keeps everything written to it; clones share the buffer, so one can
/// be handed to a log subscriber (`.with_writer(move || log.clone())`) and read afterwards.
#[derive(Clone, Default)]
pub struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl CapturedLog {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log lock")).into_owned()
    }
}

impl std::io::Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
