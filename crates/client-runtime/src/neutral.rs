//! How the provider-neutral operations (synthesize, transcribe, clone a voice, list voices, read
//! the balance) map onto a provider's own operations, as its spec declares them (`x-speech`; see
//! `specs/README.md`). The generated crates carry one [`Neutral`] table in their `service` module,
//! so a facade drives every provider through the same code, with no provider named in Rust.

/// Where a neutral value goes in a provider's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A top-level field of the JSON or form body.
    Body,
    /// A query parameter.
    Query,
    /// A path parameter.
    Path,
    /// A file part of a multipart body.
    File,
}

/// One request value: where it goes and its wire name (`body:text`, `path:voiceId`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// The part of the request it goes in.
    pub place: Place,
    /// The field, parameter or file part's wire name.
    pub name: &'static str,
}

/// How the audio file of a transcription or a voice clone reaches the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudioInput {
    /// Sent with the operation itself (a file part).
    Direct(Target),
    /// Uploaded first with `operation` (its one file part or its raw body); the value at the
    /// JSON Pointer `result` of that answer (a URL, an id) is then sent as `into`.
    Upload {
        /// The upload operation.
        operation: &'static str,
        /// JSON Pointer of the uploaded file's URL or id in the upload's answer.
        result: &'static str,
        /// Where that value goes in the operation's request.
        into: Target,
    },
}

/// `synthesize`: text to speech.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Synthesis {
    /// The operation that synthesizes: a job (`x-job-start`) or a direct answer.
    pub operation: &'static str,
    /// Where the text goes.
    pub text: Target,
    /// Where the voice id goes.
    pub voice: Target,
    /// Where the audio format goes; `None` when the provider offers no choice.
    pub format: Option<Target>,
    /// Where an answer that is not a job (a synchronous JSON answer) keeps the audio URL, first
    /// present wins.
    pub result: &'static [&'static str],
}

/// `transcribe`: speech to text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transcription {
    /// The operation that transcribes: a job (`x-job-start`) or a direct answer.
    pub operation: &'static str,
    /// How the audio file reaches the provider.
    pub audio: AudioInput,
    /// Where the audio file's format (from its extension) goes, when the provider asks for it.
    pub format: Option<Target>,
    /// Where a synchronous answer keeps the text, first present wins.
    pub result: &'static [&'static str],
}

/// `clone-voice`: a new voice from a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cloning {
    /// The operation that clones: a job (`x-job-start`) or a direct answer.
    pub operation: &'static str,
    /// How the voice sample reaches the provider.
    pub audio: AudioInput,
    /// Where the new voice's name goes.
    pub name: Option<Target>,
    /// Where a synchronous answer keeps the new voice's id, first present wins.
    pub result: &'static [&'static str],
}

/// `voices`: the voices an account can speak with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoiceListing {
    /// The operation that lists voices.
    pub operation: &'static str,
    /// JSON Pointer of the array of voices.
    pub items: &'static str,
    /// JSON Pointer of a voice's id within an item.
    pub id: &'static str,
    /// JSON Pointer of a voice's name within an item.
    pub name: Option<&'static str>,
    /// Fixed values of the operation's parameters, by wire name, as JSON text.
    pub parameters: &'static [(&'static str, &'static str)],
}

/// `balance`: the account's remaining credits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BalanceReading {
    /// The operation that reports the balance.
    pub operation: &'static str,
    /// JSON Pointer of the balance in the answer.
    pub value: &'static str,
}

/// Every neutral operation a provider offers (`x-speech`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Neutral {
    /// Text to speech, if the provider offers it.
    pub synthesize: Option<Synthesis>,
    /// Speech to text, if the provider offers it.
    pub transcribe: Option<Transcription>,
    /// Voice cloning, if the provider offers it.
    pub clone_voice: Option<Cloning>,
    /// The voice list, if the provider offers one.
    pub voices: Option<VoiceListing>,
    /// The credit balance, if the provider reports one.
    pub balance: Option<BalanceReading>,
}
