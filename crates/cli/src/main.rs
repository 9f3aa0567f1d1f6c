//! `speech`: the speech providers of the workspace's specs from the command line. See the
//! README for every command, the exit codes and the batch journal.

mod audio;
mod batch;
mod cli;
mod commands;
mod exit;
mod mock;
mod progress;
mod provider;
mod resume;

use std::process::ExitCode;

use clap::Parser;
use serde_json::json;

use cli::{Cli, Command};
use commands::Outcome;
use exit::{Exit, Failure};
use progress::Board;

fn main() -> ExitCode {
    // clap exits with 2 on a usage error, as `Exit::BadInput`.
    let cli = Cli::parse();
    if let Command::Mock(args) = cli.command {
        return match mock::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => fail(&failure, false),
        };
    }
    let json = match &cli.command {
        Command::Synthesize(args) => args.common.call.json,
        Command::Transcribe(args) => args.common.call.json,
        Command::CloneVoice(args) => args.common.call.json,
        Command::Voices(args) | Command::Balance(args) => args.common.call.json,
        Command::Resume(args) => args.call.json,
        Command::Batch(args) => args.common.call.json,
        Command::Mock(_) => false,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&Failure::new(Exit::Other, error.to_string()), json),
    };
    match runtime.block_on(run(cli.command)) {
        Ok(outcome) => {
            if json {
                println!("{}", outcome.json);
            } else if !outcome.text.is_empty() {
                println!("{}", outcome.text);
            }
            outcome.exit.map_or(ExitCode::SUCCESS, Exit::code)
        }
        Err(failure) => fail(&failure, json),
    }
}

async fn run(command: Command) -> Result<Outcome, Failure> {
    let command = match command {
        // A batch has a bar per line in flight.
        Command::Batch(args) => return batch::run(args).await,
        other => other,
    };
    let report = Board::new().report("");
    let outcome = match command {
        Command::Synthesize(args) => commands::synthesize(args, &report).await,
        Command::Transcribe(args) => commands::transcribe(args, &report).await,
        Command::CloneVoice(args) => commands::clone_voice(args, &report).await,
        Command::Voices(args) => commands::voices(args, &report).await,
        Command::Balance(args) => commands::balance(args, &report).await,
        Command::Resume(args) => resume::run(args, &report).await,
        Command::Batch(_) | Command::Mock(_) => unreachable!("run above or without a runtime"),
    };
    // The result (or the error) is printed next: no bar left drawn over it.
    report.clear();
    outcome
}

/// Reports `failure`: its message on stderr; with `--json` one document on stdout; a job's
/// handle on stdout, so a script can keep it for `speech resume`.
fn fail(failure: &Failure, json: bool) -> ExitCode {
    eprintln!("error: {}", failure.message);
    let handle = failure
        .handle
        .as_ref()
        .map(|handle| serde_json::to_string(handle).expect("a handle serialises"));
    if json {
        let handle = failure.handle.as_ref().map(|handle| json!(handle));
        let document = json!({
            "error": {"kind": failure.exit, "message": failure.message},
            "handle": handle,
        });
        println!("{document}");
    } else if let Some(handle) = &handle {
        println!("{handle}");
    }
    if let Some(handle) = &handle {
        eprintln!("resume with: speech resume '{handle}'");
    }
    failure.exit.code()
}
