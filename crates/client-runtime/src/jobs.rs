//! The waiting contract of a provider's asynchronous jobs, as its spec declares it
//! (`x-job-start`, `x-job-status`; see `specs/README.md`). The generated crates expose one constant
//! per operation in their `jobs` module; a waiting engine reads states and results through them, so
//! no state name or result location is repeated in Rust. A response is read by pointer, as a parsed
//! [`Value`] or straight from its bytes ([`crate::json_body::JsonBody`]).

use std::borrow::Cow;

use serde_json::Value;

use crate::json_body::JsonDocument;

/// An operation that starts a job, and how to poll it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobStart {
    /// The operation that starts the job.
    pub operation: &'static str,
    /// The operation that reports its status.
    pub poll: &'static str,
    /// Only this success status starts a job (`None`: any success).
    pub status: Option<u16>,
    /// Each parameter of `poll`, with the JSON Pointer of its value in the start response.
    pub parameters: &'static [(&'static str, &'static str)],
    /// Where the job id is in the start response, when the poll finds the job in a list.
    pub job_id: Option<&'static str>,
}

impl JobStart {
    /// Whether a response with `status` started a job.
    pub fn starts_job(&self, status: u16) -> bool {
        self.status.is_none_or(|expected| expected == status)
    }

    /// The job id in a start response, as text (`job_id` pointer).
    pub fn job_id(&self, response: &(impl JsonDocument + ?Sized)) -> Option<String> {
        match response.value_at(self.job_id?)?.as_ref() {
            Value::String(id) => Some(id.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// The poll parameters found in a start response (JSON), by wire name; absent ones are skipped.
    pub fn poll_parameters(
        &self,
        response: &(impl JsonDocument + ?Sized),
    ) -> Vec<(&'static str, Value)> {
        self.parameters
            .iter()
            .filter_map(|(name, pointer)| Some((*name, response.value_at(pointer)?.into_owned())))
            .filter(|(_, value)| !value.is_null())
            .collect()
    }
}

/// How to read a job's state from its status response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobStatus {
    /// The status operation.
    pub operation: &'static str,
    /// When the status is a list: the JSON Pointer of the array, and of the id within an item;
    /// the job is the item whose id equals the job id.
    pub items: Option<(&'static str, &'static str)>,
    /// JSON Pointer to the state.
    pub state: &'static str,
    /// States that mean "poll again".
    pub pending: &'static [&'static str],
    /// States that mean the job finished and its result is ready.
    pub completed: &'static [&'static str],
    /// States that mean the job failed.
    pub failed: &'static [&'static str],
    /// Where the result is; the first one present wins.
    pub result: &'static [&'static str],
    /// JSON Pointer to the job's progress in percent, where the provider reports one.
    pub percent: Option<&'static str>,
    /// Where a failure message is; the first one present wins.
    pub message: &'static [&'static str],
    /// JSON Pointer to the provider's failure code, where it reports one.
    pub code: Option<&'static str>,
    /// Fixed values of the status call's own parameters, by wire name, as JSON text.
    pub parameters: &'static [(&'static str, &'static str)],
}

/// A job's state, read through a [`JobStatus`].
#[derive(Clone, Debug, PartialEq)]
pub enum JobState {
    /// Not finished: a pending state, or a state the spec does not list (providers add states;
    /// polling on is the safe reading).
    Pending {
        /// The state as the provider reports it.
        state: String,
        /// The progress in percent, where the provider reports one.
        percent: Option<f64>,
    },
    /// Finished.
    Completed {
        /// The state as the provider reports it.
        state: String,
        /// The value at the first result pointer present, if any.
        result: Option<Value>,
    },
    /// Failed.
    Failed {
        /// The state as the provider reports it.
        state: String,
        /// The provider's failure message, where it sends one.
        message: Option<String>,
        /// The provider's failure code, where it sends one.
        code: Option<String>,
    },
}

impl JobStatus {
    /// Reads the state of job `job_id` from a status response (as JSON).
    pub fn read(&self, response: &(impl JsonDocument + ?Sized), job_id: &str) -> JobState {
        let Some((items, id)) = self.items else {
            return self.read_item(response);
        };
        let list = response.value_at(items);
        let listed = list
            .as_deref()
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|item| match item.pointer(id) {
                Some(Value::String(text)) => text == job_id,
                Some(other) => other.as_i64().is_some_and(|n| job_id.parse() == Ok(n)),
                None => false,
            });
        match listed {
            Some(item) => self.read_item(item),
            // Not listed yet: still being created, as far as the caller can tell.
            None => JobState::Pending {
                state: String::new(),
                percent: None,
            },
        }
    }

    fn read_item(&self, response: &(impl JsonDocument + ?Sized)) -> JobState {
        // Every value the contract may need, read at once (a body is walked once): the state,
        // the result pointers, the message pointers, then the percent and code where declared.
        let pointers: Vec<&str> = std::iter::once(self.state)
            .chain(self.result.iter().copied())
            .chain(self.message.iter().copied())
            .chain(self.percent)
            .chain(self.code)
            .collect();
        let values = response.values_at(&pointers);
        let (state, rest) = values.split_first().expect("the state is always read");
        let (results, rest) = rest.split_at(self.result.len());
        let (messages, rest) = rest.split_at(self.message.len());
        let mut rest = rest.iter().map(Option::as_deref);
        let percent = self.percent.and_then(|_| rest.next().flatten());
        let code = self.code.and_then(|_| rest.next().flatten());
        let text = |value: &Value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let state = state.as_deref().map(text).unwrap_or_default();
        if self.completed.contains(&state.as_str()) {
            let result = first_present(results).cloned();
            return JobState::Completed { state, result };
        }
        if self.failed.contains(&state.as_str()) {
            return JobState::Failed {
                state,
                message: first_present(messages).map(text),
                code: code.filter(|value| !value.is_null()).map(text),
            };
        }
        let percent = percent.and_then(Value::as_f64);
        JobState::Pending { state, percent }
    }
}

/// The first of `values` that is present and not `null`.
fn first_present<'a>(values: &'a [Option<Cow<'_, Value>>]) -> Option<&'a Value> {
    values
        .iter()
        .filter_map(|value| value.as_deref())
        .find(|value| !value.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const STATUS: JobStatus = JobStatus {
        operation: "get_job",
        items: None,
        state: "/data/status",
        pending: &["PENDING"],
        completed: &["COMPLETED"],
        failed: &["FAILED"],
        result: &["/data/url", "/data/audio_url"],
        percent: Some("/data/progress"),
        message: &["/data/errorMessage", "/error"],
        code: Some("/code"),
        parameters: &[],
    };

    #[test]
    fn states_results_and_failures_are_read_through_the_pointers() {
        assert_eq!(
            STATUS.read(&json!({"data": {"status": "PENDING", "progress": 40}}), "j"),
            JobState::Pending {
                state: "PENDING".into(),
                percent: Some(40.0)
            }
        );
        assert_eq!(
            STATUS.read(&json!({"data": {"status": "COMPLETED", "url": null, "audio_url": "https://a/b.mp3"}}), "j"),
            JobState::Completed { state: "COMPLETED".into(), result: Some(json!("https://a/b.mp3")) }
        );
        assert_eq!(
            STATUS.read(
                &json!({"data": {"status": "FAILED"}, "error": "Content rejected", "code": "CONTENT_POLICY_VIOLATION"}),
                "j"
            ),
            JobState::Failed {
                state: "FAILED".into(),
                message: Some("Content rejected".into()),
                code: Some("CONTENT_POLICY_VIOLATION".into()),
            }
        );
    }

    #[test]
    fn an_unlisted_state_is_pending() {
        assert_eq!(
            STATUS.read(&json!({"data": {"status": "QUEUED"}}), "j"),
            JobState::Pending {
                state: "QUEUED".into(),
                percent: None
            }
        );
    }

    #[test]
    fn poll_parameters_come_from_the_start_response() {
        let start = JobStart {
            operation: "submit",
            poll: "get_job",
            status: Some(202),
            parameters: &[("runId", "/runId"), ("model", "/model"), ("cost", "/cost")],
            job_id: Some("/runId"),
        };
        assert!(start.starts_job(202) && !start.starts_job(200));
        assert_eq!(
            start.poll_parameters(&json!({"runId": "r1", "model": "m", "cost": null})),
            vec![("runId", json!("r1")), ("model", json!("m"))]
        );
        assert_eq!(start.job_id(&json!({"runId": "r1"})).as_deref(), Some("r1"));
    }

    #[test]
    fn a_job_in_a_list_is_the_item_with_its_id() {
        let list = JobStatus {
            items: Some(("/voices", "/id")),
            state: "/status",
            result: &["/id"],
            percent: None,
            message: &[],
            code: None,
            ..STATUS
        };
        let page = json!({"voices": [{"id": "a", "status": "COMPLETED"}, {"id": "b", "status": "FAILED"}]});
        assert_eq!(
            list.read(&page, "a"),
            JobState::Completed {
                state: "COMPLETED".into(),
                result: Some(json!("a"))
            }
        );
        assert!(matches!(list.read(&page, "b"), JobState::Failed { .. }));
        assert_eq!(
            list.read(&page, "c"),
            JobState::Pending {
                state: String::new(),
                percent: None
            }
        );
    }

    /// A status answer's bytes read as its parsed document: the same states, results and
    /// failures, the same poll parameters and job id, and a job found in a list alike.
    #[test]
    fn a_response_reads_the_same_from_its_bytes_as_parsed() {
        use crate::json_body::JsonBody;
        let bytes = |value: &Value| JsonBody::new(value.to_string().into());
        let answers = [
            json!({"data": {"status": "PENDING", "progress": 40}}),
            json!({"data": {"status": "COMPLETED", "url": null, "audio_url": "https://a/b.mp3"}}),
            json!({"data": {"status": "FAILED"}, "error": "Content rejected", "code": 7}),
            json!({"data": {"status": 3}}),
            json!({"data": {}}),
        ];
        for answer in &answers {
            assert_eq!(
                STATUS.read(&bytes(answer), "j"),
                STATUS.read(answer, "j"),
                "{answer}"
            );
        }
        let list = JobStatus {
            items: Some(("/voices", "/id")),
            state: "/status",
            result: &["/id"],
            ..STATUS
        };
        let page = json!({"voices": [{"id": "a", "status": "PENDING"}, {"id": 12, "status": "COMPLETED"}]});
        for job in ["a", "12", "c"] {
            assert_eq!(
                list.read(&bytes(&page), job),
                list.read(&page, job),
                "{job}"
            );
        }
        let start = JobStart {
            operation: "submit",
            poll: "get_job",
            status: None,
            parameters: &[("runId", "/run/id"), ("model", "/model")],
            job_id: Some("/run/id"),
        };
        let started = json!({"run": {"id": 42}, "model": null});
        assert_eq!(
            start.poll_parameters(&bytes(&started)),
            vec![("runId", json!(42))]
        );
        assert_eq!(start.job_id(&bytes(&started)).as_deref(), Some("42"));
    }
}
