//! The jobs the stand-in runs: a start creates one with a fresh id; each poll advances it, pending
//! for a set number of polls, then completed (or failed, when told so); each answer is the
//! documented one for that state with the state, the id, the progress and the result rewritten.

use serde_json::{Value, json};

use super::answers::Answer;
use super::job_rules::{Stage, StartRule, StatusRule, id_text};
use super::pointer;
use super::storage::Storage;

/// What a failed job says where the contract has a message.
const FAILURE_MESSAGE: &str = "The stand-in was told to fail this job.";

#[derive(Default)]
pub(crate) struct Jobs {
    list: Vec<Job>,
}

struct Job {
    /// The id as a path or query carries it.
    key: String,
    id: Value,
    /// The status operation that reports it.
    status_operation: String,
    polls: u32,
    /// Polls of its list that did not show it yet.
    unlisted: u32,
    fails: bool,
}

/// How polls advance a job, and what they report.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pace {
    pub pending_polls: u32,
    /// Polls of a list before a job appears in it.
    pub unlisted_polls: u32,
    /// The state a pending job reports instead of its contract's first pending state.
    pub pending_state: Option<String>,
    /// What a failed job reports instead of the documented (or default) failure.
    pub failure: Option<Failure>,
}

/// A failure's code and message.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    pub code: String,
    pub message: String,
}

impl Jobs {
    /// Starts a job (the `n`-th, from 1) and answers the start. `salt` keeps ids of different
    /// stand-ins apart.
    pub(crate) fn start(&mut self, rule: &StartRule, salt: u16, fails: bool) -> Answer {
        let n = self.list.len() as u64 + 1;
        let id = if rule.numeric_id {
            json!(1000 + n)
        } else {
            json!(format!("{salt:08x}-0000-4000-8000-{n:012x}"))
        };
        let mut answer = rule.answer.clone();
        if let super::answers::Body::Json { value, .. } = &mut answer.body {
            pointer::replace_strings(value, &rule.documented_ids, &id);
            pointer::set(value, &rule.id_pointer, id.clone());
        }
        self.list.push(Job {
            key: id_text(&id),
            id,
            status_operation: rule.poll.clone(),
            polls: 0,
            unlisted: 0,
            fails,
        });
        answer
    }

    pub(crate) fn started(&self) -> usize {
        self.list.len()
    }

    /// Answers a poll of the job `key` (`None` for a list, which reports all its jobs):
    /// `None` when no such job exists.
    pub(crate) fn poll(
        &mut self,
        operation: &str,
        rule: &StatusRule,
        key: Option<&str>,
        pace: &Pace,
        storage: &mut Storage,
    ) -> Option<Answer> {
        let mut report = Report {
            rule,
            pace,
            storage,
        };
        let body = match (key, &rule.contract.items) {
            (_, Some((items, _))) => {
                let listed: Vec<Value> = self
                    .list
                    .iter_mut()
                    .filter(|job| job.status_operation == operation)
                    .filter_map(|job| {
                        if job.unlisted < pace.unlisted_polls {
                            job.unlisted += 1;
                            return None;
                        }
                        Some(report.job(job))
                    })
                    .collect();
                let mut list = rule.examples.first().cloned().unwrap_or_else(|| json!({}));
                match list.pointer_mut(items) {
                    Some(Value::Array(documented)) => {
                        documented.splice(0..0, listed);
                    }
                    _ => {
                        pointer::set(&mut list, items, Value::Array(listed));
                    }
                }
                list
            }
            (Some(key), None) => match self
                .list
                .iter_mut()
                .find(|job| job.status_operation == operation && job.key == key)
            {
                Some(job) => report.job(job),
                None if rule.documented_ids.iter().any(|id| id == key) => {
                    report.body(Stage::Completed, 0, &json!(key), "documented")
                }
                None => return None,
            },
            (None, None) => return None,
        };
        Some(Answer::json(rule.status, &rule.media, body))
    }
}

/// Writing a job's answer.
struct Report<'a> {
    rule: &'a StatusRule,
    pace: &'a Pace,
    storage: &'a mut Storage,
}

impl Report<'_> {
    /// Advances `job` by one poll and reports it.
    fn job(&mut self, job: &mut Job) -> Value {
        let stage = if job.polls < self.pace.pending_polls {
            Stage::Pending
        } else if job.fails {
            Stage::Failed
        } else {
            Stage::Completed
        };
        job.polls = job.polls.saturating_add(1);
        self.body(stage, job.polls, &job.id, &job.key)
    }

    /// The answer (for a list, the item) of a job at `stage`, on its `poll`-th poll: where the
    /// documented answer printed a documented id, it prints `id`.
    fn body(&mut self, stage: Stage, poll: u32, id: &Value, key: &str) -> Value {
        let contract = &self.rule.contract;
        let (mut body, documented) = self.rule.template(stage);
        let state = match (stage, &self.pace.pending_state) {
            (Stage::Pending, Some(state)) => Some(state),
            _ => contract.states(stage).first(),
        };
        if let Some(state) = state {
            pointer::set(&mut body, &contract.state, json!(state));
        }
        match (stage, documented) {
            (Stage::Completed, _) => self.publish_results(&mut body, key, true),
            (_, true) => self.publish_results(&mut body, key, false),
            (_, false) => self.strip_results(&mut body, key),
        }
        if stage == Stage::Failed {
            self.write_failure(&mut body, documented);
        }
        if let Some(percent) = &contract.percent {
            let progress = match stage {
                // Wide enough for any number of pending polls (a job that never ends).
                Stage::Pending => {
                    Some(u64::from(poll) * 100 / (u64::from(self.pace.pending_polls) + 1))
                }
                Stage::Completed => Some(100),
                Stage::Failed => None,
            };
            if let Some(progress) = progress {
                pointer::set(&mut body, percent, json!(progress));
            }
        }
        pointer::replace_strings(&mut body, &self.rule.documented_ids, id);
        if let Some((_, item_id)) = &contract.items {
            pointer::set(&mut body, item_id, id.clone());
        }
        body
    }

    /// A failed job's message and code: the ones the stand-in was given, else the documented
    /// ones, else a message saying it was told to fail.
    fn write_failure(&self, body: &mut Value, documented: bool) {
        let contract = &self.rule.contract;
        let (message, code) = match &self.pace.failure {
            Some(failure) => (Some(failure.message.as_str()), Some(failure.code.as_str())),
            None if documented => (None, None),
            None => (Some(FAILURE_MESSAGE), None),
        };
        if let (Some(message), Some(pointer)) = (message, contract.message.first()) {
            pointer::set(body, pointer, json!(message));
        }
        if let (Some(code), Some(pointer)) = (code, &contract.code) {
            pointer::set(body, pointer, json!(code));
        }
    }

    /// Points each result URL at the storage origin (a text result, such as a transcription,
    /// stays as documented); a completed answer without any result gets one.
    fn publish_results(&mut self, body: &mut Value, key: &str, completed: bool) {
        let mut found = false;
        for result in &self.rule.contract.result {
            let Some(value) = body.pointer(result).filter(|value| !value.is_null()) else {
                continue;
            };
            found = true;
            if let Some(url) = value.as_str().filter(|text| looks_like_url(text)) {
                let published = self.storage.publish(key, Some(url));
                pointer::set(body, result, json!(published));
            }
        }
        if completed
            && !found
            && let Some(first) = self.rule.contract.result.first()
        {
            let published = self.storage.publish(key, None);
            pointer::set(body, first, json!(published));
        }
    }

    /// A state with no result, written from a template that had one: each result is left out
    /// where the schema allows, else `null` where it allows that, else kept (on the storage).
    fn strip_results(&mut self, body: &mut Value, key: &str) {
        for result in &self.rule.contract.result {
            if body.pointer(result).is_none() {
                continue;
            }
            let mut without = body.clone();
            pointer::remove(&mut without, result);
            if self.rule.fits(&without) {
                *body = without;
                continue;
            }
            let mut null = body.clone();
            pointer::set(&mut null, result, Value::Null);
            if self.rule.fits(&null) {
                *body = null;
            }
        }
        self.publish_results(body, key, false);
    }
}

fn looks_like_url(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}
