//! The maintainer reports: which documented operation and status is proven by which example
//! (coverage), and the doc errata with their decisions.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use serde_json::Value;
use speech_spec::Spec;

use crate::cases::{CaseKind, cases};
use crate::tolerance;

/// A table per provider: operation × status (and `request`), with the cases that prove it: the
/// documented examples, or for a status printed without a body, a status-only case with the
/// reason the spec gives.
pub fn coverage(specs: &[Spec]) -> Result<String> {
    let mut out = String::new();
    let (mut proven, mut unproven, mut tolerance_total) = (0, 0, 0);
    for spec in specs {
        let cases = cases(spec)?;
        writeln!(out, "## {} ({})\n", spec.provider, spec.path.display())?;
        writeln!(out, "| operation | status | examples |")?;
        writeln!(out, "|---|---|---|")?;
        for operation in spec.operations() {
            let id = operation
                .id()
                .context("an operation without an operationId")?;
            let requests: Vec<&str> = cases
                .iter()
                .filter(|case| case.operation == id)
                .filter_map(|case| match &case.kind {
                    CaseKind::Request { example } => Some(example.as_str()),
                    CaseKind::Response { .. } | CaseKind::Status { .. } => None,
                })
                .collect();
            proven += requests.len();
            writeln!(out, "| {id} | request | {} |", list(&requests))?;
            if requests.is_empty() {
                unproven += 1;
            }
            for (status, response) in operation.responses() {
                let response = spec.resolve(response)?;
                let examples: Vec<String> = cases
                    .iter()
                    .filter(|case| case.operation == id)
                    .filter_map(|case| match &case.kind {
                        CaseKind::Response {
                            status: s,
                            media_type,
                            example,
                        } if s == status => Some(format!("{example} ({media_type})")),
                        _ => None,
                    })
                    .collect();
                proven += examples.len();
                let cell = if examples.is_empty() {
                    let reason = response
                        .get("x-no-documented-example")
                        .and_then(Value::as_str)
                        .unwrap_or("no body printed");
                    proven += 1;
                    format!("status only ({reason})")
                } else {
                    examples.join(", ")
                };
                writeln!(out, "| {id} | {status} | {cell} |")?;
            }
        }
        for name in spec
            .doc
            .pointer("/components/examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, _)| name)
        {
            let reference = format!("\"#/components/examples/{name}\"");
            if !spec.doc.to_string().contains(&reference) {
                unproven += 1;
                writeln!(
                    out,
                    "\nUNPROVEN: `components.examples.{name}` is attached to no operation, so it is not replayed"
                )?;
            }
        }
        let tolerance = tolerance::cases(spec)?.len();
        writeln!(
            out,
            "\ntolerance cases derived from these examples: {tolerance}\n"
        )?;
        tolerance_total += tolerance;
    }
    writeln!(
        out,
        "cases: {proven} documented + {tolerance_total} tolerance; documented but unproven: {unproven}"
    )?;
    Ok(out)
}

/// Every `x-errata` entry of every spec with its decision.
pub fn errata(specs: &[Spec]) -> Result<String> {
    let mut out = String::new();
    let mut total = 0;
    for spec in specs {
        let errata = spec
            .doc
            .get("x-errata")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        total += errata.len();
        writeln!(out, "## {} ({} errata)\n", spec.provider, errata.len())?;
        for erratum in errata {
            let field = |key: &str| {
                erratum
                    .get(key)
                    .and_then(Value::as_str)
                    .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
                    .unwrap_or_default()
            };
            writeln!(
                out,
                "- {} ({}, {})",
                field("id"),
                field("seed"),
                field("section")
            )?;
            writeln!(out, "  issue: {}", field("issue"))?;
            writeln!(out, "  decision: {}", field("decision"))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "errata: {total}")?;
    Ok(out)
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "UNPROVEN: no documented call".to_owned()
    } else {
        items.join(", ")
    }
}
