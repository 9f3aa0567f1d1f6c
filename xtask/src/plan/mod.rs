//! Turning a spec into what the generators consume.
//!
//! progenitor 0.15 generates most of a client, but it cannot express multipart and raw binary
//! uploads, audio responses or several success bodies, and its types make every response enum
//! strict and ignore number ranges and byte limits. The plan splits the work: a copy of the document progenitor can
//! handle, the value types the xtask emits in place of typify's (open enums, bounded values), and the
//! operations the xtask emits itself. All of it is derived from the spec; nothing here names a provider.

mod operations;
mod values;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::spec::{self, Spec};
pub use operations::{
    BinaryBodyPlan, Body, EmittedOperation, FilePartPlan, Parameter, ParameterLocation, StatusKey,
    SuccessBody,
};
pub use values::{ValueKind, ValueType, component_sides, walk};

/// Everything the generators need for one spec.
pub struct Plan {
    /// The spec without the operations the xtask emits, with inline value types hoisted into named
    /// components; handed to progenitor.
    pub progenitor_doc: Value,
    /// Named schemas the xtask emits instead of typify (progenitor is told to use them by name).
    pub values: Vec<ValueType>,
    /// Operations progenitor cannot generate, emitted by the xtask.
    pub operations: Vec<EmittedOperation>,
}

impl Plan {
    pub fn new(spec: &Spec) -> Result<Self> {
        let mut doc = spec.doc.clone();
        let emitted_ids: Vec<String> = spec::operations(&doc)
            .into_iter()
            .filter(|operation| operations::needs_emitter(operation))
            .map(|operation| operation_id(&operation).map(str::to_owned))
            .collect::<Result<_>>()?;
        let file_parts = operations::take_file_parts(&mut doc, &emitted_ids)?;
        let values = values::hoist(&mut doc)?;
        let operations = spec::operations(&doc)
            .into_iter()
            .filter(|operation| {
                operation
                    .id()
                    .is_some_and(|id| emitted_ids.iter().any(|e| e == id))
            })
            .map(|operation| EmittedOperation::new(&doc, &operation, &file_parts))
            .collect::<Result<Vec<_>>>()?;
        operations::remove(&mut doc, &emitted_ids);
        Ok(Self {
            progenitor_doc: doc,
            values,
            operations,
        })
    }
}

fn operation_id<'a>(operation: &spec::Operation<'a>) -> Result<&'a str> {
    match operation.id() {
        Some(id) => Ok(id),
        None => bail!("{} has no operationId", operation.label()),
    }
}
