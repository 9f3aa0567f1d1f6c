//! `speech mock`: a provider's stand-in server (`speech_mock_support::StandIn`) played from the
//! spec its crate ships (`service::SERVICE.spec`), for scripts and tests that need the provider
//! without the network. Its URL is the first line on stdout; then one line per request answered,
//! `<METHOD> <path> <status> <operation>` (`storage` for the result files), so a script can count
//! what was sent.

use std::io::Write;

use speech_mock_support::{Origin, Served, StandIn};

use crate::cli;
use crate::exit::{Exit, Failure};

/// Serves until the process is stopped.
pub fn run(args: cli::Mock) -> Result<(), Failure> {
    let service = crate::provider::service(&args.provider)?;
    let playing = |error: anyhow::Error| Failure::new(Exit::Other, format!("{error:#}"));
    let mut builder = StandIn::from_text(service.name, service.spec)
        .map_err(playing)?
        .port(args.port)
        .pending_polls(args.pending_polls)
        .log(|served| {
            // A reader that went away is no reason to stop serving.
            let _ = writeln!(std::io::stdout().lock(), "{}", line(served));
        });
    if let Some(key) = args.key {
        builder = builder.key(key);
    }
    if args.fail {
        builder = builder.fail_all();
    }
    let stand_in = builder.start().map_err(playing)?;
    println!("{}", stand_in.url());
    eprintln!(
        "{} stand-in at {} (result files at {}); stop it with Ctrl-C",
        service.name,
        stand_in.url(),
        stand_in.storage_url()
    );
    loop {
        std::thread::park();
    }
}

fn line(served: &Served) -> String {
    let status = served
        .status
        .map_or_else(|| "-".to_owned(), |status| status.to_string());
    let operation = match (served.origin, &served.operation) {
        (Origin::Storage, _) => "storage",
        (Origin::Api, Some(operation)) => operation,
        (Origin::Api, None) => "-",
    };
    format!("{} {} {status} {operation}", served.method, served.path)
}
