//! Every documented limit of a value a neutral call takes is refused before anything is sent,
//! with an error that names the field and the limit. For each registered provider and each
//! neutral operation its spec maps, each target field's limits are read from the request schema
//! (`minLength`, `maxLength`, UTF-8 `x-max-bytes`, `enum`; a file part's `x-max-bytes` and
//! `x-content-types`), a value breaking each one goes through the facade, and the provider's
//! stand-in must see no request at all. No provider or field is named here.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{field, fitting_text, provider, spec_path, stand_in, synthesis_request};
use speech_client_runtime::neutral::AudioInput;
use speech_facade::{
    CloneVoice, Error, Provider, Service, Synthesize, Transcribe, Wait, providers,
};
use speech_mock_support::limits::{Field, Limits, Location, request_fields};
use speech_mock_support::{StandIn, audio_sample, fake_mp3};

/// A value that breaks one limit, and what the refusal must say besides the field's name.
struct Breach {
    value: String,
    says: String,
}

/// Audio formats, by extension and media type: candidates for a format a spec does not list.
const FORMATS: [(&str, &str); 6] = [
    ("flac", "audio/flac"),
    ("ogg", "audio/ogg"),
    ("aac", "audio/aac"),
    ("webm", "audio/webm"),
    ("wav", "audio/wav"),
    ("mp3", "audio/mpeg"),
];

fn wait() -> Wait {
    Wait::up_to(Duration::from_secs(5))
}

/// The message of an `InvalidInput`.
fn refused<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) -> String {
    match result {
        Err(Error::InvalidInput { message }) => message,
        other => panic!("{what}: expected InvalidInput, got {other:?}"),
    }
}

/// A format (extension, media type) that `limits` does not list.
fn unlisted_format(limits: &Limits) -> (&'static str, &'static str) {
    *FORMATS
        .iter()
        .find(|(extension, _)| !limits.values.iter().any(|value| value == extension))
        .expect("a spec lists every format")
}

/// Values that break each limit of a text: too short (empty, and one short of a longer
/// minimum), too long in characters, too long in UTF-8 bytes (while within the character
/// limits), and not one of the listed values.
fn text_breaches(limits: &Limits) -> Vec<Breach> {
    let mut breaches = Vec::new();
    if let Some(min) = limits.min_length.filter(|min| *min > 0) {
        let says = format!("at least {min} character");
        let mut lengths = vec![0, usize::try_from(min - 1).unwrap()];
        lengths.dedup();
        for length in lengths {
            breaches.push(Breach {
                value: "a".repeat(length),
                says: says.clone(),
            });
        }
    }
    if let Some(max) = limits.max_length {
        breaches.push(Breach {
            value: "a".repeat(usize::try_from(max + 1).unwrap()),
            says: format!("at most {max} character"),
        });
    }
    if let Some(max) = limits.max_bytes {
        // Two bytes a character: over the byte limit, within the character limits.
        let characters = max / 2 + 1;
        let fits = limits.max_length.is_none_or(|most| characters <= most)
            && limits.min_length.is_none_or(|least| characters >= least);
        assert!(fits, "no text breaks only the byte limit of {limits:?}");
        breaches.push(Breach {
            value: "é".repeat(usize::try_from(characters).unwrap()),
            says: format!("at most {max} UTF-8 byte"),
        });
    }
    if !limits.values.is_empty() {
        let (unlisted, _) = unlisted_format(limits);
        breaches.push(Breach {
            value: unlisted.to_owned(),
            says: unlisted.to_owned(),
        });
    }
    breaches
}

/// Checks a refusal: it names the field once, says what is broken, and reads as a sentence.
fn assert_names(message: &str, field: &str, says: &str, what: &str) {
    let named = format!("`{field}`");
    assert_eq!(
        message.matches(&named).count(),
        1,
        "{what}: {named} once in \"{message}\""
    );
    assert!(
        message.contains(says),
        "{what}: `{says}` not in \"{message}\""
    );
    assert!(!message.contains("Some("), "{what}: \"{message}\"");
}

/// A provider, its stand-in (which must see no request) and the limits checked so far.
struct Subject {
    service: &'static Service,
    provider: Provider,
    stand_in: StandIn,
    dir: tempfile::TempDir,
    checked: usize,
}

impl Subject {
    fn new(service: &'static Service) -> Self {
        let stand_in = stand_in(service).start().unwrap();
        Self {
            service,
            provider: provider(service, &stand_in),
            stand_in,
            dir: tempfile::tempdir().unwrap(),
            checked: 0,
        }
    }

    /// Checks that `result` is a refusal naming `field` and saying `says`.
    fn check<T: std::fmt::Debug>(&mut self, result: Result<T, Error>, field: &str, says: &str) {
        let what = format!("{} `{field}` ({says})", self.service.name);
        let message = refused(result, &what);
        assert_names(&message, field, says, &what);
        self.checked += 1;
    }

    /// Writes a file named `name` holding `bytes`.
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    async fn synthesis(&mut self) {
        let Some(mapping) = self.service.speech.synthesize else {
            return;
        };
        let valid = synthesis_request(self.service);
        let targets = [Some(mapping.text), Some(mapping.voice), mapping.format];
        for target in targets.into_iter().flatten() {
            let field = field(self.service, mapping.operation, target);
            for breach in text_breaches(&field.limits) {
                let mut request = valid.clone();
                match target {
                    t if t == mapping.text => request.text = breach.value,
                    t if t == mapping.voice => request.voice = breach.value,
                    _ => request.format = Some(breach.value),
                }
                let result = self.provider.synthesize(&request, &wait()).await;
                self.check(result, &field.name, &breach.says);
            }
        }
    }

    /// The file part that carries the audio of `input` (for an upload, the upload operation's
    /// file part), if the audio travels as one.
    fn audio_field(&self, operation: &str, input: AudioInput) -> Option<Field> {
        match input {
            AudioInput::Direct(target) => Some(field(self.service, operation, target)),
            AudioInput::Upload { operation, .. } => {
                request_fields(spec_path(self.service), operation)
                    .unwrap()
                    .into_iter()
                    .find(|field| field.location == Location::File)
            }
        }
    }

    /// Files that break each limit of the audio part, with what the refusal must say: one byte
    /// too large (named `.extension`, one the call accepts), and not audio.
    fn file_breaches(&self, field: &Field, extension: &str) -> Vec<(PathBuf, String)> {
        let mut breaches = Vec::new();
        if let Some(max) = field.limits.max_bytes {
            let large = fake_mp3(usize::try_from(max + 1).unwrap());
            let path = self.file(&format!("large.{extension}"), &large);
            breaches.push((path, max.to_string()));
        }
        if let Some(first) = field.limits.content_types.first() {
            let path = self.file("sample.txt", b"not audio");
            breaches.push((path, first.clone()));
        }
        breaches
    }

    async fn transcription(&mut self) {
        let Some(mapping) = self.service.speech.transcribe else {
            return;
        };
        let format = mapping
            .format
            .map(|target| field(self.service, mapping.operation, target));
        let accepted = format
            .as_ref()
            .and_then(|format| format.limits.values.first()?.as_str())
            .unwrap_or("mp3")
            .to_owned();
        if let Some(audio) = self.audio_field(mapping.operation, mapping.audio) {
            for (path, says) in self.file_breaches(&audio, &accepted) {
                let result = self.provider.transcribe(&path, &wait()).await;
                self.check(result, &audio.name, &says);
            }
        }
        // The format comes from the file's extension: one the spec does not list.
        if let Some(format) = format.filter(|format| !format.limits.values.is_empty()) {
            let (extension, media) = unlisted_format(&format.limits);
            let path = self.file(&format!("sample.{extension}"), &audio_sample(media));
            let result = self.provider.transcribe(&path, &wait()).await;
            self.check(result, &format.name, extension);
        }
    }

    async fn cloning(&mut self) {
        let Some(mapping) = self.service.speech.clone_voice else {
            return;
        };
        if let Some(audio) = self.audio_field(mapping.operation, mapping.audio) {
            for (path, says) in self.file_breaches(&audio, "mp3") {
                let result = self.provider.clone_voice(&path, None, &wait()).await;
                self.check(result, &audio.name, &says);
            }
        }
        if let Some(target) = mapping.name {
            let sample = self.file("sample.mp3", &fake_mp3(64));
            let name = field(self.service, mapping.operation, target);
            for breach in text_breaches(&name.limits) {
                let result = self
                    .provider
                    .clone_voice(&sample, Some(&breach.value), &wait())
                    .await;
                self.check(result, &name.name, &breach.says);
            }
        }
    }
}

#[tokio::test]
async fn neutral_calls_refuse_every_documented_limit_before_sending() {
    let mut checked = Vec::new();
    for service in providers() {
        let mut subject = Subject::new(service);
        subject.synthesis().await;
        subject.transcription().await;
        subject.cloning().await;
        assert_eq!(
            subject.stand_in.total_requests(),
            0,
            "{}: a refused value reached the server",
            service.name
        );
        checked.push((service.name, subject.checked));
    }
    // Every provider maps a neutral call with some limit to break, and each was refused.
    assert!(
        checked.iter().all(|(_, count)| *count > 0),
        "limits checked per provider: {checked:?}"
    );
}

/// The values the checks above start from are accepted, and differ from every breaking one: a
/// refusal is about the broken value, not about the rest of the request.
#[tokio::test]
async fn the_values_the_checks_start_from_are_accepted() {
    let mut checked = 0;
    for service in providers() {
        let Some(mapping) = service.speech.synthesize else {
            continue;
        };
        for target in [mapping.text, mapping.voice] {
            let limits = field(service, mapping.operation, target).limits;
            let value = fitting_text(&limits);
            assert!(
                text_breaches(&limits)
                    .iter()
                    .all(|breach| breach.value != value)
            );
        }
        let stand_in = stand_in(service).start().unwrap();
        provider(service, &stand_in)
            .synthesize(&synthesis_request(service), &wait())
            .await
            .unwrap_or_else(|error| panic!("{}: {error}", service.name));
        assert_eq!(stand_in.requests(mapping.operation), 1, "{}", service.name);
        checked += 1;
    }
    assert!(checked > 0, "no provider synthesizes");
}
