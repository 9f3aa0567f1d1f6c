//! `speech batch`: every line of a JSON Lines file synthesized into the output directory, with a
//! bounded number in flight, submits paced to the provider's documented limits, and a journal
//! that makes a second run finish what the first left: done lines are skipped, started jobs are
//! resumed from their handles, and a text that was sent but never answered is not sent again
//! unless asked (`--resubmit-unconfirmed`).

mod input;
mod journal;
mod pace;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use speech_facade::{Error, JobHandle, Provider, Synthesize};
use tokio::sync::Semaphore;

use crate::cli;
use crate::commands::Outcome;
use crate::exit::{Exit, Failure};
use crate::progress::{Board, Report};
use input::Item;
use journal::{Event, Journal};
use pace::Pace;

/// What became of one line in this run.
enum Fate {
    /// Written by this run (`resumed`: from a job an earlier run started).
    Done {
        resumed: bool,
    },
    /// Done by an earlier run.
    Skipped,
    /// Sent by an earlier run that never heard back: not sent again.
    Unconfirmed,
    /// Its job is still running (the deadline passed): the next run resumes it.
    Pending,
    Failed(Failure),
}

/// What a line needs, from the journal.
enum Plan {
    Skip,
    Resume(JobHandle),
    Unconfirmed,
    Submit,
}

pub async fn run(args: cli::Batch) -> Result<Outcome, Failure> {
    let items = input::read(&args.file)?;
    let name = &args.common.provider;
    let service = crate::provider::service(name)?;
    let synthesis = service
        .speech
        .synthesize
        .ok_or_else(|| Failure::input(format!("{name} offers no synthesis")))?;
    let (limit, concurrency) = pace::limits(service, synthesis.operation, args.concurrency);
    let board = Board::new();
    if concurrency < args.concurrency {
        board.println(&format!(
            "{name} documents at most {concurrency} at once: running {concurrency}"
        ));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|error| Failure::input(format!("creating {}: {error}", args.out.display())))?;
    let journal_path = args.out.join(journal::FILE);
    let states = journal::read(&journal_path)
        .map_err(|error| Failure::input(format!("reading {}: {error}", journal_path.display())))?;
    let journal = Journal::open(&journal_path).map_err(|error| {
        Failure::new(
            Exit::Other,
            format!("opening {}: {error}", journal_path.display()),
        )
    })?;
    let provider = crate::provider::connect(name, &args.common.call)?;
    let run = Arc::new(Run {
        provider,
        journal: Arc::new(journal),
        pace: Pace::new(limit),
        slots: Semaphore::new(concurrency as usize),
        call: args.common.call,
        out: args.out,
        board,
    });
    let tasks: Vec<_> = items
        .into_iter()
        .map(|item| {
            let plan = plan(states.get(&item.id), args.resubmit_unconfirmed);
            let run = Arc::clone(&run);
            tokio::spawn(async move {
                let fate = run.line(&item, plan).await;
                (item.id, fate)
            })
        })
        .collect();
    let mut fates = Vec::new();
    for task in tasks {
        let (id, fate) = task.await.map_err(|error| {
            Failure::new(Exit::Other, format!("a batch line panicked: {error}"))
        })?;
        if let Fate::Failed(failure) = &fate {
            run.board.println(&format!("{id}: {}", failure.message));
        }
        fates.push((id, fate));
    }
    summary(&fates)
}

fn plan(state: Option<&Event>, resubmit_unconfirmed: bool) -> Plan {
    match state {
        Some(Event::Done { .. }) => Plan::Skip,
        Some(Event::Started { handle }) => Plan::Resume(handle.clone()),
        Some(Event::Sending) if !resubmit_unconfirmed => Plan::Unconfirmed,
        Some(Event::Sending | Event::Failed { .. }) | None => Plan::Submit,
    }
}

/// What every line of a run shares.
struct Run {
    provider: Provider,
    journal: Arc<Journal>,
    pace: Pace,
    /// One permit per line in flight.
    slots: Semaphore,
    call: cli::Call,
    out: std::path::PathBuf,
    board: Board,
}

impl Run {
    async fn line(&self, item: &Item, plan: Plan) -> Fate {
        match plan {
            Plan::Skip => return Fate::Skipped,
            Plan::Unconfirmed => {
                self.board.println(&format!(
                    "{}: sent by an earlier run without an answer: not sent again",
                    item.id
                ));
                return Fate::Unconfirmed;
            }
            Plan::Resume(_) | Plan::Submit => {}
        }
        let Ok(_slot) = self.slots.acquire().await else {
            return Fate::Failed(Failure::new(Exit::Other, "the batch was stopped"));
        };
        // A bar only for a line in flight: a long batch shows `--concurrency` bars, not one a line.
        let report = &self.board.report(&item.id);
        let resumed = matches!(plan, Plan::Resume(_));
        let (result, started) = match plan {
            Plan::Resume(handle) => {
                report.step(&format!("resuming job {}", handle.id));
                let wait = crate::provider::wait(&self.call, report);
                (self.provider.resume_synthesis(&handle, &wait).await, true)
            }
            _ => match self.submit(item, report).await {
                Ok(submitted) => submitted,
                Err(fate) => return fate,
            },
        };
        let speech = match result {
            Ok(speech) => speech,
            // The job runs on: the journal keeps its handle for the next run.
            Err(error) if error.job().is_some() => {
                report.finish("still running: the next run resumes it");
                return Fate::Pending;
            }
            Err(error) => return self.failed(item, error, started, report),
        };
        let format = item.format.clone();
        let out = &self.out;
        let id = &item.id;
        let place = |content_type: Option<&str>| {
            let extension = format
                .as_deref()
                .unwrap_or_else(|| crate::audio::extension(content_type));
            out.join(format!("{id}.{extension}"))
        };
        let saved = match crate::audio::save(&speech, place, report, self.call.deadline).await {
            Ok(saved) => saved,
            Err(failure) => return Fate::Failed(failure),
        };
        let done = Event::Done {
            file: saved.path.file_name().map(Into::into).unwrap_or_default(),
            bytes: saved.bytes,
            content_type: saved.content_type,
        };
        if let Err(error) = self.journal.append(&item.id, done) {
            return Fate::Failed(self.unjournaled(&error));
        }
        report.finish(&format!("done ({} bytes)", saved.bytes));
        Fate::Done { resumed }
    }

    /// Sends the line's text, its "sending" and its job's handle journaled first; says whether
    /// a job was started.
    async fn submit(
        &self,
        item: &Item,
        report: &Report,
    ) -> Result<(Result<speech_facade::Speech, Error>, bool), Fate> {
        self.pace.turn().await;
        if let Err(error) = self.journal.append(&item.id, Event::Sending) {
            return Err(Fate::Failed(self.unjournaled(&error)));
        }
        report.step("sending");
        // What the start hook saw: whether it ran, and a journal write that failed.
        let heard = Arc::new(Mutex::new((false, None)));
        let wait = {
            let heard = Arc::clone(&heard);
            let report = report.clone();
            let id = item.id.clone();
            let journal = Arc::clone(&self.journal);
            crate::provider::wait(&self.call, &report).on_start(move |handle| {
                report.step(&format!("started job {}", handle.id));
                let started = Event::Started {
                    handle: handle.clone(),
                };
                let written = journal.append(&id, started);
                *heard.lock().unwrap_or_else(|p| p.into_inner()) = (true, written.err());
            })
        };
        let result = self.provider.synthesize(&item.request(), &wait).await;
        let (started, lost) = std::mem::take(&mut *heard.lock().unwrap_or_else(|p| p.into_inner()));
        if let Some(error) = lost {
            return Err(Fate::Failed(self.unjournaled(&error)));
        }
        Ok((result, started))
    }

    /// A line that failed: journaled as failed when the provider answered (so the next run sends
    /// it again), left as "sending" when it may hold the text unanswered (no job started, no
    /// answer to the submit).
    fn failed(&self, item: &Item, error: Error, started: bool, report: &Report) -> Fate {
        let unanswered = !started
            && (Exit::of(&error) == Exit::Unconfirmed || matches!(error, Error::Transport { .. }));
        let failure = Failure::from(error);
        if unanswered {
            report.finish(&format!("{}: not sent again", failure.message));
            return Fate::Unconfirmed;
        }
        let event = Event::Failed {
            message: failure.message.clone(),
        };
        if let Err(error) = self.journal.append(&item.id, event) {
            return Fate::Failed(self.unjournaled(&error));
        }
        report.finish("failed");
        Fate::Failed(failure)
    }

    fn unjournaled(&self, error: &std::io::Error) -> Failure {
        Failure::new(
            Exit::Other,
            format!("writing {}: {error}", self.journal.path().display()),
        )
    }
}

/// The counts of the run, and its exit: success when every line is done; else a text sent
/// without an answer (8) first, a job still running (7) next, then the first failure's kind.
fn summary(fates: &[(String, Fate)]) -> Result<Outcome, Failure> {
    let ids = |wanted: fn(&Fate) -> bool| -> Vec<&str> {
        fates
            .iter()
            .filter(|(_, fate)| wanted(fate))
            .map(|(id, _)| id.as_str())
            .collect()
    };
    let done = ids(|fate| matches!(fate, Fate::Done { resumed: false }));
    let resumed = ids(|fate| matches!(fate, Fate::Done { resumed: true }));
    let skipped = ids(|fate| matches!(fate, Fate::Skipped));
    let unconfirmed = ids(|fate| matches!(fate, Fate::Unconfirmed));
    let pending = ids(|fate| matches!(fate, Fate::Pending));
    let failed: Vec<Value> = fates
        .iter()
        .filter_map(|(id, fate)| match fate {
            Fate::Failed(failure) => Some(json!({
                "id": id,
                "kind": failure.exit,
                "message": failure.message,
            })),
            _ => None,
        })
        .collect();
    let first_failure = fates.iter().find_map(|(_, fate)| match fate {
        Fate::Failed(failure) => Some(failure.exit),
        _ => None,
    });
    let exit = if !unconfirmed.is_empty() {
        Some(Exit::Unconfirmed)
    } else if !pending.is_empty() {
        Some(Exit::Deadline)
    } else {
        first_failure
    };
    let mut text = format!(
        "{} lines: {} done, {} resumed and done, {} done before, {} failed, {} pending, {} unconfirmed",
        fates.len(),
        done.len(),
        resumed.len(),
        skipped.len(),
        failed.len(),
        pending.len(),
        unconfirmed.len()
    );
    if !unconfirmed.is_empty() {
        text.push_str(&format!(
            "\nsent without an answer, not sent again (the provider may have charged them; \
             --resubmit-unconfirmed sends them again): {}",
            unconfirmed.join(", ")
        ));
    }
    if !pending.is_empty() {
        text.push_str(&format!(
            "\nstill running (run again to resume): {}",
            pending.join(", ")
        ));
    }
    Ok(Outcome {
        text,
        json: json!({
            "total": fates.len(),
            "done": done,
            "resumed": resumed,
            "skipped": skipped,
            "failed": failed,
            "pending": pending,
            "unconfirmed": unconfirmed,
        }),
        exit,
    })
}
