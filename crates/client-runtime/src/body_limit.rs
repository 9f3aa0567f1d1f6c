//! Bounded memory for API response bodies.
//!
//! progenitor reads a JSON body whole before decoding it, so a server that answers with a huge or
//! endless body (a misconfigured proxy, a status page of megabytes, a stream that never ends) would
//! make a status poll take all the memory it sends. The generated clients' `exec` hook wraps every
//! body that is not declared audio in a limit: a declared `Content-Length` over the limit fails before
//! anything is read, and the running total fails as soon as it passes the limit. The failure is a
//! [`BodyTooLarge`] in the `source()` chain of the error the call returns; [`body_too_large`] finds it.
//!
//! The limit is [`DEFAULT_MAX_BYTES`] unless a caller runs its calls inside [`with_max_body_bytes`].
//! Audio bodies are not limited here: they are streamed, and their consumer decides how much to keep.
//!
//! The same wrapper keeps the bytes it passes on for a caller that runs a call inside
//! [`keeping_body`] (a dispatched call, whose reply is read from the bytes the server sent): the
//! chunks are shared with the decoder, not copied, so keeping costs nothing on the way.

use std::cell::RefCell;
use std::error::Error;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use reqwest::ResponseBuilderExt;
use tokio::task::futures::TaskLocalFuture;

/// The largest non-audio response body read when no [`with_max_body_bytes`] scope says otherwise:
/// 4 MiB, far above any documented JSON answer.
pub const DEFAULT_MAX_BYTES: u64 = 4 * 1024 * 1024;

tokio::task_local! {
    static MAX_BODY_BYTES: u64;
    static KEPT_BODY: RefCell<Vec<Bytes>>;
}

/// Runs `f` with response bodies limited to `max` bytes instead of [`DEFAULT_MAX_BYTES`].
///
/// The limit is a tokio task-local: it applies to every generated-client call awaited inside `f`
/// (on the same task), and a nested scope overrides an outer one. Calls spawned onto other tasks do
/// not inherit it.
///
/// ```
/// # async fn demo() {
/// use speech_client_runtime::body_limit::{max_body_bytes, with_max_body_bytes, DEFAULT_MAX_BYTES};
/// assert_eq!(max_body_bytes(), DEFAULT_MAX_BYTES);
/// let inside = with_max_body_bytes(1024, async { max_body_bytes() }).await;
/// assert_eq!(inside, 1024);
/// # }
/// ```
pub fn with_max_body_bytes<F: Future>(max: u64, f: F) -> impl Future<Output = F::Output> {
    // The scope future itself, not an `async fn` around it: that would hold `f` twice (once as
    // an argument, once inside the scope), and a call's future is large.
    MAX_BODY_BYTES.scope(max, f)
}

/// The limit in force for the current task: the innermost [`with_max_body_bytes`] scope, else
/// [`DEFAULT_MAX_BYTES`].
pub fn max_body_bytes() -> u64 {
    MAX_BODY_BYTES
        .try_with(|max| *max)
        .unwrap_or(DEFAULT_MAX_BYTES)
}

/// Runs `f` and returns, with its output, the body of the last response that the calls inside it
/// read through the limit (empty when none did: an audio or unread body).
///
/// Like [`with_max_body_bytes`], the scope is a tokio task-local: it covers the calls awaited
/// inside `f` on the same task. The returned future holds `f` in place (no copy of a large
/// future into a second one).
///
/// ```
/// # async fn demo() {
/// use speech_client_runtime::body_limit::{keeping_body, limit};
/// let answer = http::Response::new(r#"{"status":"done"}"#);
/// let (text, kept) = keeping_body(async {
///     limit(reqwest::Response::from(answer), 1024).text().await.unwrap()
/// })
/// .await;
/// assert_eq!(kept, text.as_bytes());
/// # }
/// ```
pub fn keeping_body<F: Future>(f: F) -> KeepingBody<F> {
    KeepingBody {
        scope: KEPT_BODY.scope(RefCell::default(), f),
    }
}

pin_project_lite::pin_project! {
    /// The future of [`keeping_body`]: `F`'s output and the body kept while it ran.
    pub struct KeepingBody<F: Future> {
        #[pin]
        scope: TaskLocalFuture<RefCell<Vec<Bytes>>, F>,
    }
}

impl<F: Future> Future for KeepingBody<F> {
    type Output = (F::Output, Bytes);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut scope = self.project().scope;
        let output = ready!(scope.as_mut().poll(cx));
        let chunks = scope.take_value().map(RefCell::into_inner);
        let body = match chunks.as_deref() {
            None | Some([]) => Bytes::new(),
            Some([whole]) => whole.clone(),
            Some(chunks) => chunks.concat().into(),
        };
        Poll::Ready((output, body))
    }
}

/// A response body was larger than the limit in force; nothing past the limit was kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyTooLarge {
    /// The limit in bytes.
    pub limit: u64,
}

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the response body is larger than the limit of {} bytes",
            self.limit
        )
    }
}

impl Error for BodyTooLarge {}

/// The [`BodyTooLarge`] in `error`'s `source()` chain (the error itself included), if any: how a
/// caller tells "the server sent too much" from other failures of a call.
pub fn body_too_large<'a>(error: &'a (dyn Error + 'static)) -> Option<&'a BodyTooLarge> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<BodyTooLarge>() {
            return Some(found);
        }
        current = error.source();
    }
    None
}

/// The same response with its body limited to `limit` bytes (URL, status and headers kept), and
/// kept as it is read when the call runs inside [`keeping_body`].
pub fn limit(response: reqwest::Response, limit: u64) -> reqwest::Response {
    let url = response.url().clone();
    let declared_over = response
        .content_length()
        .is_some_and(|length| length > limit);
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    // reqwest keeps a response's URL in an extension only its own builder can write.
    if let Some(extensions) = http::Response::builder().url(url).extensions_mut() {
        parts.extensions.extend(std::mem::take(extensions));
    }
    // A new answer replaces the body kept from an earlier one.
    let keep = KEPT_BODY.try_with(|kept| kept.borrow_mut().clear()).is_ok();
    let body = Limited {
        inner: body,
        limit,
        read: 0,
        failed: declared_over,
        keep,
    };
    http::Response::from_parts(parts, reqwest::Body::wrap(body)).into()
}

/// A body that fails with [`BodyTooLarge`] once more than `limit` bytes have arrived, or at once
/// when the declared length is already over it (`failed` from the start); with `keep`, each chunk
/// passed on is also added to the [`keeping_body`] scope's body.
struct Limited {
    inner: reqwest::Body,
    limit: u64,
    read: u64,
    failed: bool,
    keep: bool,
}

impl Body for Limited {
    type Data = Bytes;
    type Error = Box<dyn Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        let too_large = BodyTooLarge { limit: this.limit };
        if this.failed {
            return Poll::Ready(Some(Err(Box::new(too_large))));
        }
        let frame = ready!(Pin::new(&mut this.inner).poll_frame(cx));
        if let Some(Ok(frame)) = &frame
            && let Some(data) = frame.data_ref()
        {
            this.read = this.read.saturating_add(data.len() as u64);
            if this.read > this.limit {
                this.failed = true;
                return Poll::Ready(Some(Err(Box::new(too_large))));
            }
            if this.keep {
                // Outside the scope (a body read after the call returned) there is nothing to keep.
                let _ = KEPT_BODY.try_with(|kept| kept.borrow_mut().push(data.clone()));
            }
        }
        Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        !self.failed && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: Vec<u8>, content_length: bool) -> reqwest::Response {
        let mut builder = http::Response::builder()
            .status(200)
            .url(reqwest::Url::parse("http://127.0.0.1/x").unwrap());
        if content_length {
            builder = builder.header("content-length", body.len());
        }
        let chunks: Vec<Result<Bytes, std::io::Error>> = body
            .chunks(100)
            .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
            .collect();
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
        builder.body(body).unwrap().into()
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole_and_keeps_the_url() {
        let limited = limit(response(vec![7; 1000], true), 1000);
        assert_eq!(limited.url().as_str(), "http://127.0.0.1/x");
        assert_eq!(limited.bytes().await.unwrap().len(), 1000);
    }

    #[tokio::test]
    async fn a_body_past_the_limit_fails_with_the_limit_in_the_source_chain() {
        for content_length in [true, false] {
            let error = limit(response(vec![7; 1001], content_length), 1000)
                .bytes()
                .await
                .unwrap_err();
            assert_eq!(
                body_too_large(&error),
                Some(&BodyTooLarge { limit: 1000 }),
                "{error:?}"
            );
        }
    }

    #[test]
    fn other_errors_are_not_mistaken_for_a_body_too_large() {
        let error = std::io::Error::other("reset");
        assert_eq!(body_too_large(&error), None);
    }

    #[tokio::test]
    async fn the_scope_sets_the_limit_for_the_calls_inside_it_only() {
        assert_eq!(max_body_bytes(), DEFAULT_MAX_BYTES);
        let nested = with_max_body_bytes(10, async {
            let outer = max_body_bytes();
            let inner = with_max_body_bytes(20, async { max_body_bytes() }).await;
            (outer, inner, max_body_bytes())
        })
        .await;
        assert_eq!(nested, (10, 20, 10));
        assert_eq!(max_body_bytes(), DEFAULT_MAX_BYTES);
    }

    #[tokio::test]
    async fn the_scope_keeps_the_body_of_the_last_answer_read_in_chunks() {
        let first: Vec<u8> = (0..250).map(|n| (n % 251) as u8).collect();
        let second: Vec<u8> = (0..450).map(|n| (n % 7) as u8).collect();
        let ((), kept) = keeping_body(async {
            let read = limit(response(first.clone(), true), 1000).bytes().await;
            assert_eq!(read.unwrap(), first);
            let read = limit(response(second.clone(), false), 1000).bytes().await;
            assert_eq!(read.unwrap(), second);
        })
        .await;
        assert_eq!(kept, second, "five chunks of the second answer, in order");
    }

    #[tokio::test]
    async fn nothing_is_kept_of_a_body_unread_in_the_scope_or_read_outside_it() {
        let (unread, kept) =
            keeping_body(async { limit(response(vec![1; 300], true), 1000) }).await;
        assert!(kept.is_empty());
        assert_eq!(unread.bytes().await.unwrap().len(), 300);
        let (_, kept) = keeping_body(async {}).await;
        assert!(kept.is_empty());
    }
}
