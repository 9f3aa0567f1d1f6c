//! The handle of a started job: plain data, so that it can be stored and read back anywhere. The
//! calls that make and read handles are in [`crate::job`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything needed to poll a job again: the status operation, the job id, and every parameter
/// that operation takes, as the start response gave them (a status call may need a model or a
/// cost as well as the job id).
///
/// It serialises (JSON with `serde_json`), so an application can store it when a deadline passes
/// and resume the wait later, in another process, with the provider's resume call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobHandle {
    /// The status operation that reports on the job (e.g. `get_tts_status`).
    pub operation: String,
    /// The job's id.
    pub id: String,
    /// Each parameter of `operation`, by its wire name.
    pub parameters: BTreeMap<String, Value>,
}
