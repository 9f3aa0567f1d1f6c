//! The command line as clap reads it: every command, its arguments and the flags they share.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// The exit codes, as `--help` prints them (the same table is in the README).
const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  any other failure (the provider's server, the network, an unexpected answer)
  2  bad input: command-line usage, a file that cannot be read, a request the provider rejects,
     an operation the provider does not offer, no base URL where the documented one is a
     placeholder
  3  authentication: the key's variable is not set, or the provider refuses the key
  4  insufficient credits
  5  rate limited
  6  the job failed at the provider
  7  the deadline passed: the job's handle is printed on stdout (`speech resume` finishes it)
  8  a request was sent but never answered: the provider may have accepted (and charged) it, so
     it was not sent again";

/// Speech synthesis, transcription and voice cloning with any provider the tool was built with.
///
/// The API key is read from the environment variable the provider's spec names (the error says
/// which when it is not set); the base URL from `--base-url`, else the spec's variable, else the
/// documented one.
#[derive(Debug, Parser)]
#[command(name = "speech", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Speaks a text into an audio file.
    Synthesize(Synthesize),
    /// Prints the text spoken in an audio file.
    Transcribe(Transcribe),
    /// Makes a voice from a recording and prints its id.
    CloneVoice(CloneVoice),
    /// Lists the voices the account can speak with.
    Voices(Plain),
    /// Prints the account's remaining credits.
    Balance(Plain),
    /// Finishes a job whose wait hit its deadline, from the handle that was printed then,
    /// without submitting it again.
    Resume(Resume),
    /// Synthesizes every line of a JSON Lines file, resumably (see the README).
    Batch(Batch),
    /// Runs a provider's stand-in server on loopback: prints its URL, then one line per request.
    Mock(Mock),
}

/// The flags every command that calls a provider takes.
#[derive(Debug, Args)]
pub struct Common {
    /// The provider, by its spec's name.
    #[arg(long, short)]
    pub provider: String,
    #[command(flatten)]
    pub call: Call,
}

/// How a provider is called, whichever it is.
#[derive(Debug, Args)]
pub struct Call {
    /// The API's base URL, instead of the spec's environment variable or documented URL.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The longest the whole call may take (`90s`, `5m`, `1h 30m`).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "10m")]
    pub deadline: Duration,
    /// The longest pause between two polls of a job (`500ms`, `10s`).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "60s")]
    pub poll_interval: Duration,
    /// Machine-readable output: one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct Synthesize {
    #[command(flatten)]
    pub common: Common,
    /// The text to speak.
    #[arg(
        long,
        conflicts_with = "text_file",
        required_unless_present = "text_file"
    )]
    pub text: Option<String>,
    /// A file holding the text to speak.
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
    /// The provider's voice id (`speech voices` lists them).
    #[arg(long)]
    pub voice: String,
    /// An audio format the provider offers (`mp3`, `wav`, ...).
    #[arg(long)]
    pub format: Option<String>,
    /// A field of the provider's own request, as `name=<JSON>` (`speed=1.2`, `model="x"`);
    /// a value that is not JSON is taken as a string. Repeatable.
    #[arg(long = "option", value_name = "NAME=JSON", value_parser = parse_option)]
    pub options: Vec<(String, serde_json::Value)>,
    /// Where to write the audio.
    #[arg(long, short)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct Transcribe {
    #[command(flatten)]
    pub common: Common,
    /// The audio file.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct CloneVoice {
    #[command(flatten)]
    pub common: Common,
    /// A recording of the voice.
    pub file: PathBuf,
    /// A name for the new voice.
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct Plain {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct Resume {
    /// The handle printed when the deadline passed (its JSON), or `@FILE` to read it from a file.
    pub handle: String,
    /// Where to write the audio, instead of the path the handle names.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub call: Call,
}

#[derive(Debug, Args)]
pub struct Batch {
    /// One JSON object a line: `{"text": ..., "voice": ..., "id"?, "format"?, "options"?}`.
    pub file: PathBuf,
    #[command(flatten)]
    pub common: Common,
    /// Texts in flight at once (never more than the provider documents).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
    /// The directory of the audio files and the journal.
    #[arg(long)]
    pub out: PathBuf,
    /// Also send again the texts the journal says were sent but never answered (the provider
    /// may have accepted, and charged, them).
    #[arg(long)]
    pub resubmit_unconfirmed: bool,
}

#[derive(Debug, Args)]
pub struct Mock {
    /// The provider whose spec the stand-in plays.
    pub provider: String,
    /// The loopback port of the API (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Accept only this key (by default any non-empty key).
    #[arg(long)]
    pub key: Option<String>,
    /// How many polls report a job pending before it completes.
    #[arg(long, default_value_t = 2)]
    pub pending_polls: u32,
    /// Every job fails instead of completing.
    #[arg(long)]
    pub fail: bool,
}

/// `name=<JSON>`, the value taken as a string when it is not JSON.
fn parse_option(text: &str) -> Result<(String, serde_json::Value), String> {
    let (name, value) = text
        .split_once('=')
        .filter(|(name, _)| !name.is_empty())
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))?;
    let value =
        serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
    Ok((name.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_option_is_json_or_else_a_string() {
        assert_eq!(
            parse_option("speed=1.5").unwrap(),
            ("speed".into(), json!(1.5))
        );
        assert_eq!(
            parse_option("model=base").unwrap(),
            ("model".into(), json!("base"))
        );
        assert_eq!(
            parse_option("tags=[\"a\"]").unwrap(),
            ("tags".into(), json!(["a"]))
        );
        assert!(parse_option("speed").is_err());
        assert!(parse_option("=1").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
