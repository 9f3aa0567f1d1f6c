//! The job contracts of a spec, read once: how an `x-job-start` operation answers and where its
//! job's id goes, and how the `x-job-status` operation reports a job (state, result, progress).

use anyhow::{Context, Result, bail};
use jsonschema::Validator;
use serde_json::{Map, Value, json};
use speech_spec::json_schema::SchemaSet;
use speech_spec::{Operation, Spec, is_json_media, is_success};

use super::answers::{Answer, examples, first_json_example};

/// How an operation starts a job.
pub(crate) struct StartRule {
    /// The status operation's id.
    pub poll: String,
    /// The documented answer, answered with the contract's status.
    pub answer: Answer,
    /// Where the answer carries the job's id.
    pub id_pointer: String,
    /// The documented answer prints the id as a number.
    pub numeric_id: bool,
    /// The id the documented answer prints, replaced wherever it appears.
    pub documented_ids: Vec<String>,
    /// The status operation's parameter that carries the id (none for a job found in a list).
    pub id_parameter: Option<String>,
}

/// How an operation reports jobs.
pub(crate) struct StatusRule {
    pub contract: Contract,
    /// The parameter that carries the id, and where (`path`, `query`); `None` for a list.
    pub id_parameter: Option<(String, String)>,
    pub status: u16,
    pub media: String,
    /// The documented answers (for a list, the first is the list every answer starts from).
    pub examples: Vec<Value>,
    /// What a job looks like: the documented answers, or for a list, their items.
    pub templates: Vec<Value>,
    /// The ids the documented calls ask for and the documented starts answer: each is a job
    /// that is already done, and is replaced by the asked id wherever an answer prints it.
    pub documented_ids: Vec<String>,
    /// The answer's schema: whether a field may be left out of a state that has no result.
    response: Option<Validator>,
}

/// `x-job-status`, read.
pub(crate) struct Contract {
    pub state: String,
    pub pending: Vec<String>,
    pub completed: Vec<String>,
    pub failed: Vec<String>,
    pub result: Vec<String>,
    pub percent: Option<String>,
    pub message: Vec<String>,
    pub code: Option<String>,
    /// For a job found in a list: the list, and the id inside each item.
    pub items: Option<(String, String)>,
}

/// Which of the job states a template stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    Pending,
    Completed,
    Failed,
}

impl StartRule {
    pub(crate) fn read(spec: &Spec, operation: &Operation, start: &Value) -> Result<Self> {
        let poll = text(start, "poll").context("`x-job-start` names no `poll`")?;
        let status_operation = spec
            .operations()
            .into_iter()
            .find(|candidate| candidate.id() == Some(poll))
            .with_context(|| format!("`x-job-start.poll` names `{poll}`, not an operation"))?;
        let (id_parameter, id_pointer, numeric_parameter) =
            match start.get("job-id").and_then(Value::as_str) {
                Some(pointer) => (None, pointer.to_owned(), false),
                None => {
                    let parameters = start
                        .get("parameters")
                        .and_then(Value::as_object)
                        .context("`x-job-start` has neither `parameters` nor `job-id`")?;
                    let chosen = id_parameter(spec, &status_operation, parameters)?;
                    (Some(chosen.name), chosen.pointer, chosen.numeric)
                }
            };
        let contract_status = start.get("status").and_then(Value::as_u64);
        let (status, media, value) = start_example(spec, operation, contract_status)?;
        let documented = value.pointer(&id_pointer);
        Ok(Self {
            poll: poll.to_owned(),
            answer: Answer::json(status, &media, value.clone()),
            // A number where the documented answer prints one, or where nothing is printed and
            // the status operation takes one.
            numeric_id: documented.map_or(numeric_parameter, Value::is_number),
            documented_ids: documented.map(id_text).into_iter().collect(),
            id_pointer,
            id_parameter,
        })
    }
}

/// The parameter of the status operation that carries the job's id: the first of
/// `x-job-start.parameters`, as `specs/README.md` says (the facade reads the id there too). The
/// others (a model, a cost) are kept as documented.
struct IdParameter {
    name: String,
    /// Where the start answer carries it.
    pointer: String,
    /// Its schema takes a number, not a text.
    numeric: bool,
}

fn id_parameter(
    spec: &Spec,
    status: &Operation,
    parameters: &Map<String, Value>,
) -> Result<IdParameter> {
    let mut declared = Vec::new();
    for parameter in status.parameters() {
        let parameter = spec.resolve(parameter)?;
        let schema = spec.resolve_schema(parameter.get("schema").unwrap_or(&Value::Null))?;
        let numeric = matches!(text(&schema, "type"), Some("integer" | "number"));
        let name = text(parameter, "name").unwrap_or_default();
        declared.push((name, numeric));
    }
    let (name, pointer) = parameters
        .iter()
        .next()
        .context("`x-job-start.parameters` is empty")?;
    Ok(IdParameter {
        name: name.clone(),
        pointer: pointer
            .as_str()
            .context("a parameter's pointer is not text")?
            .to_owned(),
        numeric: declared.iter().any(|(n, numeric)| n == name && *numeric),
    })
}

/// The documented answer of a start: the example of the contract's status, else of the first
/// success status with a JSON example. With none documented, an empty object (which the job's id
/// is written into) with the contract's status, else the first success status.
fn start_example(
    spec: &Spec,
    operation: &Operation,
    contract_status: Option<u64>,
) -> Result<(u16, String, Value)> {
    let mut first_success = None;
    for (status, response) in operation.responses() {
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        if is_success(status) {
            first_success.get_or_insert(code);
        }
        let wanted = match contract_status {
            Some(wanted) => u64::from(code) == wanted,
            None => is_success(status),
        };
        if wanted && let Some((media, value)) = first_json_example(spec, spec.resolve(response)?)? {
            return Ok((code, media, value));
        }
    }
    let status = contract_status
        .and_then(|status| u16::try_from(status).ok())
        .or(first_success)
        .unwrap_or(200);
    Ok((status, "application/json".into(), json!({})))
}

impl StatusRule {
    /// `id_parameter`: the parameter a start of this operation's jobs fills with the id;
    /// `start_ids`: the ids the starts' documented answers print.
    pub(crate) fn read(
        spec: &Spec,
        schemas: &SchemaSet,
        operation: &Operation,
        contract: &Value,
        id_parameter: Option<&str>,
        start_ids: Vec<String>,
    ) -> Result<Self> {
        let contract = Contract::read(contract)?;
        let Documented {
            status,
            media,
            schema,
            examples,
        } = status_examples(spec, operation)?;
        let templates = match &contract.items {
            Some((items, _)) => examples
                .iter()
                .filter_map(|example| example.pointer(items)?.as_array().cloned())
                .flatten()
                .collect(),
            None => examples.clone(),
        };
        let mut located = None;
        let mut documented_ids = start_ids;
        for parameter in operation.parameters() {
            let parameter = spec.resolve(parameter)?;
            let name = text(parameter, "name").unwrap_or_default();
            if contract.items.is_some() || Some(name) != id_parameter {
                continue;
            }
            located = Some((
                name.to_owned(),
                text(parameter, "in").unwrap_or("").to_owned(),
            ));
            for (_, example) in parameter
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                documented_ids.extend(spec.resolve(example)?.get("value").map(id_text));
            }
        }
        if contract.items.is_none() && located.is_none() {
            bail!(
                "{}: no start names the parameter that carries the job's id",
                operation.label()
            );
        }
        Ok(Self {
            contract,
            id_parameter: located,
            status,
            media,
            examples,
            templates,
            documented_ids,
            response: schema.map(|schema| schemas.compile(&schema)).transpose()?,
        })
    }

    /// The documented template for `stage`, and whether it was documented in that state; else
    /// one of another state (completed first), which the caller rewrites.
    pub(crate) fn template(&self, stage: Stage) -> (Value, bool) {
        let in_stage = |wanted: Stage| {
            self.templates.iter().find(|template| {
                template
                    .pointer(&self.contract.state)
                    .and_then(Value::as_str)
                    .is_some_and(|state| self.contract.states(wanted).iter().any(|s| s == state))
            })
        };
        if let Some(template) = in_stage(stage) {
            return (template.clone(), true);
        }
        let other = [Stage::Completed, Stage::Pending, Stage::Failed]
            .into_iter()
            .find_map(in_stage)
            .or(self.templates.first());
        (
            other.cloned().unwrap_or_else(|| Value::Object(Map::new())),
            false,
        )
    }

    /// Whether a job's body (for a list, an item of it) fits the documented answer's schema.
    pub(crate) fn fits(&self, body: &Value) -> bool {
        let Some(validator) = &self.response else {
            return true;
        };
        match (&self.contract.items, self.examples.first()) {
            (Some((items, _)), Some(list)) => {
                let mut list = list.clone();
                super::pointer::set(&mut list, items, Value::Array(vec![body.clone()]));
                validator.is_valid(&list)
            }
            _ => validator.is_valid(body),
        }
    }
}

/// A status operation's success answer, as documented.
struct Documented {
    status: u16,
    media: String,
    schema: Option<Value>,
    examples: Vec<Value>,
}

/// The first success status with JSON examples; with none documented, the first success status
/// (its JSON schema, if any) and no example, so jobs are reported from their contract alone.
fn status_examples(spec: &Spec, operation: &Operation) -> Result<Documented> {
    let mut undocumented = None;
    for (status, response) in operation.responses() {
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        if !is_success(status) {
            continue;
        }
        for (media, object) in spec
            .resolve(response)?
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(media, _)| is_json_media(media))
        {
            let found = Documented {
                status: code,
                media: media.clone(),
                schema: object.get("schema").cloned(),
                examples: examples(spec, object)?,
            };
            if !found.examples.is_empty() {
                return Ok(found);
            }
            undocumented.get_or_insert(found);
        }
    }
    Ok(undocumented.unwrap_or(Documented {
        status: 200,
        media: "application/json".into(),
        schema: None,
        examples: Vec::new(),
    }))
}

impl Contract {
    fn read(contract: &Value) -> Result<Self> {
        let list = |key: &str| -> Vec<String> {
            match contract.get(key) {
                Some(Value::String(one)) => vec![one.clone()],
                Some(Value::Array(all)) => all
                    .iter()
                    .map(|value| {
                        value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_owned)
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let items = match (text(contract, "items"), text(contract, "id")) {
            (Some(items), Some(id)) => Some((items.to_owned(), id.to_owned())),
            (None, _) => None,
            (Some(_), None) => bail!("`x-job-status.items` without `id`"),
        };
        Ok(Self {
            state: text(contract, "state")
                .context("`x-job-status` has no `state`")?
                .to_owned(),
            pending: list("pending"),
            completed: list("completed"),
            failed: list("failed"),
            result: list("result"),
            percent: text(contract, "percent").map(str::to_owned),
            message: list("message"),
            code: text(contract, "code").map(str::to_owned),
            items,
        })
    }

    pub(crate) fn states(&self, stage: Stage) -> &[String] {
        match stage {
            Stage::Pending => &self.pending,
            Stage::Completed => &self.completed,
            Stage::Failed => &self.failed,
        }
    }
}

/// An id as the text a path or query carries.
pub(crate) fn id_text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}
