//! Prints the conformance coverage report and the errata report for every spec in `specs/`
//! (`cargo xtask conformance` runs the suite first). Both are snapshotted by the suite, so what
//! this prints is what CI checked.

use std::process::ExitCode;

fn main() -> ExitCode {
    let root = speech_conformance::workspace_root();
    let reports = speech_spec::load_all(&root).and_then(|specs| {
        Ok(format!(
            "# Conformance coverage\n\n{}\n# Doc errata\n\n{}",
            speech_conformance::report::coverage(&specs)?,
            speech_conformance::report::errata(&specs)?
        ))
    });
    match reports {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
