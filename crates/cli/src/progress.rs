//! Progress on stderr: a bar per job (state and percent while it is polled, bytes while its audio
//! downloads) when stderr is a terminal; otherwise plain lines, one per poll or step, with no
//! escape codes, so a log or a CI run stays readable.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use speech_facade::JobProgress;

/// Where the progress of one call (or of one line of a batch) goes. Cloning shares the bar.
#[derive(Clone)]
pub struct Report {
    bar: ProgressBar,
    /// stderr is not a terminal: plain lines instead of the bar.
    plain: bool,
    /// Names the batch line a message is about (empty for a single call).
    label: Arc<str>,
}

/// The bars of a batch, one per line in flight.
pub struct Board {
    multi: MultiProgress,
    plain: bool,
}

impl Board {
    pub fn new() -> Self {
        let plain = !std::io::stderr().is_terminal();
        let target = if plain {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        Self {
            multi: MultiProgress::with_draw_target(target),
            plain,
        }
    }

    /// The report of one call; `label` prefixes its lines (a batch line's id).
    pub fn report(&self, label: &str) -> Report {
        let bar = self.multi.add(spinner());
        if !label.is_empty() {
            bar.set_prefix(format!("{label}: "));
        }
        Report {
            bar,
            plain: self.plain,
            label: Arc::from(label),
        }
    }

    /// A line above the bars (or a plain line).
    pub fn println(&self, line: &str) {
        if self.plain {
            eprintln!("{line}");
        } else {
            let _ = self.multi.println(line);
        }
    }
}

fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix}{msg} {elapsed}")
            .expect("a valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

impl Report {
    /// A line about this call: `<label>: <text>`.
    pub fn step(&self, text: &str) {
        let line = if self.label.is_empty() {
            text.to_owned()
        } else {
            format!("{}: {text}", self.label)
        };
        if self.plain {
            eprintln!("{line}");
        } else {
            self.bar.set_message(text.to_owned());
        }
    }

    /// A poll that found the job unfinished.
    pub fn poll(&self, progress: &JobProgress) {
        let percent = progress
            .percent
            .map(|percent| format!(" {percent:.0}%"))
            .unwrap_or_default();
        self.step(&format!(
            "job {}: {}{percent} (poll {})",
            progress.job_id, progress.state, progress.polls
        ));
        if !self.plain
            && let Some(percent) = progress.percent
        {
            self.bar.set_length(100);
            self.bar.set_position(percent.clamp(0.0, 100.0) as u64);
        }
    }

    /// The audio download starts; `total` is its declared length.
    pub fn download(&self, total: Option<u64>) {
        match total {
            Some(total) => self.step(&format!("downloading {total} bytes")),
            None => self.step("downloading"),
        }
        if !self.plain {
            self.bar.set_position(0);
            self.bar.set_length(total.unwrap_or(0));
            self.bar.set_style(
                ProgressStyle::with_template(
                    "{prefix}{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}",
                )
                .expect("a valid template"),
            );
        }
    }

    /// `bytes` more of the audio arrived.
    pub fn downloaded(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    /// The call ended: the bar goes (the result is printed on stdout).
    pub fn finish(&self, text: &str) {
        self.step(text);
        self.clear();
    }

    /// Removes the bar, whatever became of the call.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}
