//! Peak memory of uploads, downloads and hostile answers, against their sizes: each scenario runs in a fresh
//! child process (so peaks do not mix), which reports its resident memory before the operation
//! (`VmRSS`) and its peak afterwards (`VmHWM`, Linux `/proc/self/status`). The local servers read
//! and discard request bodies and generate response bodies in small chunks, so they add little.
//!
//! `cargo bench -p speech-facade --bench memory`

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use speech_facade::{
    ApiKey, AudioResult, CloneVoice, DownloadLimits, Downloader, Error, Options, Provider, Speech,
    SpeechRequest, Synthesize, Transcribe, Wait,
};
use speech_mock_support::{RawAct, RawServer};

const UPLOAD: u64 = 20 * 1000 * 1000;
const DOWNLOAD: u64 = 200 * 1024 * 1024;
/// A status answer of 200 MB, read within the default API answer limit (4 MiB).
const STATUS_BODY: u64 = 200 * 1024 * 1024;
/// A direct audio answer of 300 MiB, read within a download limit of 1 MiB.
const DIRECT_AUDIO: u64 = 300 * 1024 * 1024;
const DIRECT_AUDIO_LIMIT: u64 = 1024 * 1024;
const SCENARIOS: [(&str, u64); 6] = [
    ("upload 20 MB to Miragic STT", UPLOAD),
    ("upload 20 MB to voice clone", UPLOAD),
    ("download 200 MB to a file", DOWNLOAD),
    (
        "status answer of 200 MB (API answer limit 4 MiB)",
        STATUS_BODY,
    ),
    (
        "direct audio answer of 300 MiB (download limit 1 MiB)",
        DIRECT_AUDIO,
    ),
    (
        "endless chunked status answer (API answer limit 4 MiB)",
        speech_mock_support::UNENDING_CAP,
    ),
];

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    if let Some(index) = arguments.iter().position(|a| a == "--scenario") {
        let scenario: usize = arguments[index + 1].parse().expect("a scenario number");
        run_scenario(scenario);
        return;
    }
    println!("| scenario | size | resident before | peak | added |");
    println!("|---|---|---|---|---|");
    for (index, (label, size)) in SCENARIOS.iter().enumerate() {
        let output = std::process::Command::new(&arguments[0])
            .args(["--scenario", &index.to_string()])
            .output()
            .expect("the scenario process runs");
        let text = String::from_utf8_lossy(&output.stdout);
        let numbers: Vec<u64> = text
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        let [before, peak] = numbers[..] else {
            panic!(
                "scenario {label} failed: {text} {}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        println!(
            "| {label} | {:.0} MB | {:.1} MB | {:.1} MB | {:.1} MB |",
            *size as f64 / 1e6,
            before as f64 / 1024.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(before) as f64 / 1024.0
        );
    }
}

/// `VmRSS` or `VmHWM` in KiB.
fn memory(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("the field is present")
}

fn run_scenario(scenario: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let upload = dir.path().join("upload.mp3");
        write_file(&upload, UPLOAD);
        let server = server().await;
        let options = Options {
            timeout: Duration::from_secs(600),
            ..Options::default()
        };
        let wait = Wait::up_to(Duration::from_secs(600));
        // The baseline: runtime, servers and the file ready; no client built yet.
        let before = memory("VmRSS:");
        match scenario {
            0 => {
                let miragic = Provider::new("miragic", &server.url(""), ApiKey::new("k"), options)
                    .expect("client");
                miragic
                    .transcribe(&upload, &wait)
                    .await
                    .expect("transcription");
            }
            1 => {
                let voiceclone =
                    Provider::new("voiceclone", &server.url(""), ApiKey::new("k"), options)
                        .expect("client");
                voiceclone
                    .clone_voice(&upload, None, &wait)
                    .await
                    .expect("clone");
            }
            3 => {
                let miragic = Provider::new("miragic", &server.url(""), ApiKey::new("k"), options)
                    .expect("client");
                let error = miragic.synthesize(&request(), &wait).await.unwrap_err();
                assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
            }
            4 => {
                let limited = Options {
                    download: DownloadLimits {
                        max_bytes: DIRECT_AUDIO_LIMIT,
                    },
                    ..options
                };
                let nanogpt =
                    Provider::new("nanogpt", &server.url("/api"), ApiKey::new("k"), limited)
                        .expect("client");
                let error = nanogpt.synthesize(&request(), &wait).await.unwrap_err();
                assert!(matches!(error, Error::Download(_)), "{error:?}");
            }
            5 => {
                let audixa = Provider::new("audixa", &server.url("/v2"), ApiKey::new("k"), options)
                    .expect("client");
                let error = audixa.synthesize(&request(), &wait).await.unwrap_err();
                assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
            }
            _ => {
                let speech = Speech {
                    job_id: None,
                    audio: AudioResult::Url(format!("{}/big.mp3", server.url(""))),
                };
                let downloader = Downloader::new(Duration::from_secs(600)).expect("downloader");
                let limits = DownloadLimits {
                    max_bytes: DOWNLOAD,
                };
                speech
                    .save(&downloader, &dir.path().join("big.mp3"), &limits)
                    .await
                    .expect("download");
            }
        }
        println!("{before} {}", memory("VmHWM:"));
    });
}

fn request() -> SpeechRequest {
    SpeechRequest::new("A sentence long enough for every provider's minimum.", "v")
}

/// A file of `size` bytes that starts like an MP3 (an ID3v2 tag header), since uploads are checked
/// against the accepted audio types before they are sent.
fn write_file(path: &Path, size: u64) {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("a file"));
    let tag = b"ID3\x04\x00\x00\x00\x00\x00\x00";
    file.write_all(tag).expect("write");
    let chunk: Vec<u8> = (0..65_536).map(|i| (i % 251) as u8).collect();
    let mut left = size - tag.len() as u64;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        file.write_all(&chunk[..n]).expect("write");
        left -= n as u64;
    }
}

/// The local API: the Miragic STT and voice-clone endpoints with their documented shapes (jobs
/// complete at once), and `/big.mp3` with generated audio. Request bodies are discarded as they
/// arrive, so the server adds no memory of its own.
async fn server() -> RawServer {
    RawServer::start(|_, path| {
        let json = |body: Value| RawAct::json(200, &body);
        if path.starts_with("/api/v1/text-to-speech/generate") {
            json(json!({"success": true, "data": {"jobId": "j1", "status": "PENDING"}, "message": "ok"}))
        } else if path.starts_with("/api/v1/text-to-speech/jobs/") {
            RawAct::Generated { content_type: "application/json", length: STATUS_BODY }
        } else if path.starts_with("/v2/tts") {
            RawAct::json(201, &json!({"generation_id": "g1"}))
        } else if path.starts_with("/v2/status") {
            RawAct::Unending { status: 200, content_type: "application/json" }
        } else if path.starts_with("/api/tts") {
            RawAct::Generated { content_type: "audio/mpeg", length: DIRECT_AUDIO }
        } else if path.starts_with("/api/v1/speech-to-text/generate") {
            json(json!({"success": true, "data": {"jobId": "j1", "status": "PENDING"}, "message": "ok"}))
        } else if path.starts_with("/api/v1/speech-to-text/jobs/") {
            json(json!({"success": true, "data": {"id": "j1", "status": "COMPLETED", "transcription": "text"}}))
        } else if path.starts_with("/voice-clone") {
            json(json!({"success": true, "voiceId": "v1", "voice": {"id": "v1", "title": "t",
                "audioUrl": "https://storage.example/v1.mp3", "createdAt": "2024-01-01T00:00:00.000Z"}}))
        } else if path.starts_with("/voices") {
            json(json!({"success": true, "voices": [{"id": "v1", "title": "t", "status": "COMPLETED", "type": "USER",
                "usageCount": 0, "createdAt": "2024-01-01T00:00:00.000Z"}],
                "pagination": {"page": 1, "limit": 100, "total": 1, "totalPages": 1, "hasNext": false, "hasPrev": false}}))
        } else if path.starts_with("/big.mp3") {
            RawAct::Generated { content_type: "audio/mpeg", length: DOWNLOAD }
        } else {
            RawAct::Answer { status: 404, content_type: "text/plain", body: Vec::new() }
        }
    })
    .await
}
