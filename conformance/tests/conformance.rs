//! Every documented example of every spec as a named test (`provider::operation::request::example`,
//! `provider::operation::response::status::example`), each checked and snapshotted; plus the
//! tolerance cases derived from them (`provider::operation::tolerance::...`) and the coverage and
//! errata reports. Cases come from the specs at run time: a new example in a spec is a
//! new test here.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};
use speech_conformance::cases::{Case, cases};
use speech_conformance::{report, run, tolerance};
use speech_spec::Spec;

fn main() {
    let arguments = Arguments::from_args();
    let root = speech_conformance::workspace_root();
    let specs = Arc::new(speech_spec::load_all(&root).expect("the specs load"));
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime"),
    );
    let mut trials = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        for case in cases(spec).expect("the cases of a spec") {
            let specs = Arc::clone(&specs);
            let runtime = Arc::clone(&runtime);
            trials.push(Trial::test(case.name(), move || {
                replay(&runtime, &specs[index], &case)
            }));
        }
    }
    for (index, spec) in specs.iter().enumerate() {
        for case in tolerance::cases(spec).expect("the tolerance cases of a spec") {
            let specs = Arc::clone(&specs);
            let runtime = Arc::clone(&runtime);
            trials.push(Trial::test(case.name(), move || {
                let problems = runtime
                    .block_on(tolerance::run(&specs[index], &case))
                    .map_err(|e| Failed::from(format!("{}: {e:#}", case.name())))?;
                if problems.is_empty() {
                    Ok(())
                } else {
                    Err(format!("{}:\n  {}", case.name(), problems.join("\n  ")).into())
                }
            }));
        }
    }
    for (name, render) in [
        (
            "report::coverage",
            report::coverage as fn(&[Spec]) -> anyhow::Result<String>,
        ),
        ("report::errata", report::errata),
    ] {
        let specs = Arc::clone(&specs);
        trials.push(Trial::test(name, move || {
            let text = render(&specs).map_err(|e| Failed::from(format!("{e:#}")))?;
            snapshot(&name.replace("::", "__"), name, &text)
        }));
    }
    libtest_mimic::run(&arguments, trials).exit();
}

fn replay(runtime: &tokio::runtime::Runtime, spec: &Spec, case: &Case) -> Result<(), Failed> {
    let outcome = runtime
        .block_on(run::run(spec, case))
        .map_err(|e| Failed::from(format!("{}: {e:#}", case.name())))?;
    if !outcome.problems.is_empty() {
        return Err(format!(
            "{} ({}):\n  {}",
            case.name(),
            spec.path.display(),
            outcome.problems.join("\n  ")
        )
        .into());
    }
    let description = format!("{} ({})", case.name(), spec.path.display());
    snapshot(&case.snapshot_name(), &description, &outcome.snapshot)
}

/// Compares `text` with the committed snapshot `conformance/snapshots/<name>.snap`
/// (`cargo insta review` accepts a change).
fn snapshot(name: &str, description: &str, text: &str) -> Result<(), Failed> {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(description);
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, text));
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        Failed::from(format!("snapshot `{name}` differs (diff above): {message}"))
    })
}
