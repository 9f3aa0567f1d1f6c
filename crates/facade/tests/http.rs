//! The HTTP clients the facade builds: the `User-Agent` names the facade and the provider's client
//! crate, the caller's settings ([`speech_facade::ConfigureHttp`]) apply (a proxy here), and the
//! API client still follows no redirect, whatever the caller configured. Every registered provider
//! that synthesizes is checked; none is named.

mod common;

use std::time::Duration;

use common::{KEY, options, synthesis_request};
use speech_facade::{
    ApiKey, ConfigureHttp, DownloadLimits, Downloader, Options, Provider, Synthesize, Wait,
    providers,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const REFUSED: &str = "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\
                       content-length: 2\r\nconnection: close\r\n\r\n{}";

/// A server that answers one connection with `answer` and returns the request head it read.
async fn answer_once(answer: String) -> (String, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0; 1];
        while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).await.unwrap() == 1 {
            head.push(byte[0]);
        }
        socket.write_all(answer.as_bytes()).await.unwrap();
        socket.shutdown().await.ok();
        String::from_utf8(head).unwrap().to_ascii_lowercase()
    });
    (url, served)
}

fn synthesizers() -> impl Iterator<Item = &'static speech_facade::Service> {
    providers().filter(|service| service.speech.synthesize.is_some())
}

fn wait() -> Wait {
    Wait::up_to(Duration::from_secs(10))
}

#[tokio::test]
async fn requests_name_the_facade_and_the_client_crate() {
    for service in synthesizers() {
        let (url, served) = answer_once(REFUSED.into()).await;
        let provider = Provider::new(service.name, &url, ApiKey::new(KEY), options()).unwrap();
        let result = provider
            .synthesize(&synthesis_request(service), &wait())
            .await;
        assert!(
            result.is_err(),
            "{}: the stand-in server refused",
            service.name
        );
        let head = served.await.unwrap();
        let expected = format!(
            "user-agent: speech-facade/{} {}-client/",
            env!("CARGO_PKG_VERSION"),
            service.name
        );
        assert!(head.contains(&expected), "{}: {head}", service.name);
    }
}

#[tokio::test]
async fn the_callers_proxy_carries_the_api_requests_and_the_downloads() {
    for service in synthesizers() {
        let (proxy, served) = answer_once(REFUSED.into()).await;
        let options = Options {
            http: Some(ConfigureHttp::new(move |builder| {
                builder.proxy(reqwest::Proxy::http(&proxy).unwrap())
            })),
            ..options()
        };
        let provider = Provider::new(
            service.name,
            "http://speech.invalid",
            ApiKey::new(KEY),
            options,
        )
        .unwrap();
        let result = provider
            .synthesize(&synthesis_request(service), &wait())
            .await;
        assert!(result.is_err(), "{}", service.name);
        let head = served.await.unwrap();
        let request_line = head.lines().next().unwrap();
        assert!(
            request_line.contains(" http://speech.invalid/"),
            "{}: the proxy saw `{request_line}`",
            service.name
        );
    }

    let (proxy, served) = answer_once(REFUSED.into()).await;
    let downloader = Downloader::builder(Duration::from_secs(5))
        .http(ConfigureHttp::new(move |builder| {
            builder.proxy(reqwest::Proxy::http(&proxy).unwrap())
        }))
        .build()
        .unwrap();
    let result = downloader
        .bytes(
            "http://files.invalid/result.mp3",
            &DownloadLimits::default(),
        )
        .await;
    assert!(result.is_err(), "the proxy answered 400");
    let head = served.await.unwrap();
    assert!(
        head.starts_with("get http://files.invalid/result.mp3 "),
        "{head}"
    );
    let expected = format!(
        "user-agent: speech-facade/{}\r\n",
        env!("CARGO_PKG_VERSION")
    );
    assert!(head.contains(&expected), "{head}");
}

#[tokio::test]
async fn a_caller_who_allows_redirects_still_cannot_send_the_key_elsewhere() {
    for service in synthesizers() {
        let elsewhere = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let redirect = format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: http://{}/collect\r\n\
             content-length: 0\r\nconnection: close\r\n\r\n",
            elsewhere.local_addr().unwrap()
        );
        let (url, served) = answer_once(redirect).await;
        let options = Options {
            http: Some(ConfigureHttp::new(|builder| {
                builder.redirect(reqwest::redirect::Policy::limited(5))
            })),
            ..options()
        };
        let provider = Provider::new(service.name, &url, ApiKey::new(KEY), options).unwrap();
        let result = provider
            .synthesize(&synthesis_request(service), &wait())
            .await;
        assert!(
            result.is_err(),
            "{}: a redirect is not an answer",
            service.name
        );
        served.await.unwrap();
        let followed = tokio::time::timeout(Duration::from_millis(300), elsewhere.accept()).await;
        assert!(
            followed.is_err(),
            "{}: the redirect was followed to another host",
            service.name
        );
    }
}
