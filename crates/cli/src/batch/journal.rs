//! The batch's journal: one JSON record a line, appended and synced before the step it records
//! is taken (a text is recorded as sending before it is sent; its job's handle as soon as the
//! provider answers, before any wait), so a run killed at any point leaves a journal that says
//! what the provider may have, and a next run neither loses a job nor pays for a text twice.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use speech_facade::JobHandle;

/// The journal's file name in the output directory.
pub const FILE: &str = "journal.jsonl";

/// One step of one line of the input, by its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The text is about to be sent: from here on the provider may have it (and charge it).
    Sending,
    /// The provider started a job: resume it with this handle.
    Started { handle: JobHandle },
    /// The audio is in `file`, complete.
    Done {
        file: PathBuf,
        bytes: u64,
        content_type: Option<String>,
    },
    /// The provider refused the text, or its job failed: nothing is pending, so a next run
    /// sends it again.
    Failed { message: String },
}

/// Where each id stands: the last record of each, from a journal's lines.
pub fn read(path: &Path) -> std::io::Result<HashMap<String, Event>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(error),
    };
    let mut states = HashMap::new();
    // A line cut short by a crash mid-write is no record: the step it began was not taken.
    for record in text
        .lines()
        .filter_map(|line| serde_json::from_str::<Record>(line).ok())
    {
        states.insert(record.id, record.event);
    }
    Ok(states)
}

/// The journal, open for appending.
pub struct Journal {
    file: Mutex<File>,
    path: PathBuf,
}

impl Journal {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        // A crash mid-write may have left a partial last line: end it, so the next record
        // starts on its own line.
        let length = file.metadata()?.len();
        let journal = Self {
            file: Mutex::new(file),
            path: path.to_owned(),
        };
        if length > 0 && !ends_with_newline(path)? {
            journal.write(b"\n")?;
        }
        Ok(journal)
    }

    /// Appends `record` and syncs it to disk before returning.
    pub fn append(&self, id: &str, event: Event) -> std::io::Result<()> {
        let record = Record {
            id: id.to_owned(),
            event,
        };
        let mut line = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.write(&line)
    }

    fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        file.write_all(bytes)?;
        file.flush()?;
        file.sync_data()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn ends_with_newline(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path)?;
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_record_of_each_id_counts_and_a_torn_line_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let journal = Journal::open(&path).unwrap();
        let handle = JobHandle {
            operation: "status".into(),
            id: "j-1".into(),
            parameters: Default::default(),
        };
        journal.append("a", Event::Sending).unwrap();
        journal.append("b", Event::Sending).unwrap();
        journal
            .append(
                "a",
                Event::Started {
                    handle: handle.clone(),
                },
            )
            .unwrap();
        drop(journal);
        // A crash in the middle of b's next record.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"id":"b","event":"sta"#).unwrap();
        drop(file);
        let states = read(&path).unwrap();
        assert_eq!(states["a"], Event::Started { handle });
        assert_eq!(states["b"], Event::Sending);
        let journal = Journal::open(&path).unwrap();
        journal
            .append(
                "b",
                Event::Failed {
                    message: "refused".into(),
                },
            )
            .unwrap();
        let states = read(&path).unwrap();
        assert_eq!(
            states["b"],
            Event::Failed {
                message: "refused".into()
            }
        );
        assert!(read(&dir.path().join("none")).unwrap().is_empty());
    }
}
