//! Writing an answer: its status, media type and extra headers, and its body sent whole, cut
//! mid-way or dripped, from bytes in memory or generated as it goes (a body of any size).

use std::io;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::{Response, StatusCode, header};

use super::answers::{Answer, Body};
use super::audio;
use super::reply::Delivery;

/// The body of every answer the stand-in sends; an error closes the connection mid-body.
pub(crate) type ResponseBody = UnsyncBoxBody<Bytes, io::Error>;

/// The size of each piece of a streamed body.
const PIECE: u64 = 64 * 1024;

/// Writes `answer` with `headers` added, its body sent as `delivery` says.
pub(crate) fn respond(
    answer: Answer,
    headers: &[(String, String)],
    delivery: Delivery,
) -> Response<ResponseBody> {
    let (media, source) = match answer.body {
        Body::Json { media, value } => (Some(media), Source::Bytes(value.to_string().into())),
        Body::Audio { media } => {
            let bytes = audio::bytes(&media);
            (Some(media), Source::Bytes(bytes.into()))
        }
        Body::Raw { media, bytes } => (media, Source::Bytes(bytes.into())),
        Body::Generated { media, length } => (Some(media), Source::Generated(length)),
        Body::Empty => (None, Source::Bytes(Bytes::new())),
    };
    let length = source.len();
    let whole_in_memory = matches!((&source, delivery), (Source::Bytes(_), Delivery::Whole));
    let body = match (source, delivery) {
        (Source::Bytes(bytes), Delivery::Whole) => Full::new(bytes)
            .map_err(|never| match never {})
            .boxed_unsync(),
        (source, Delivery::Whole) => streamed(source, length, None),
        (source, Delivery::Cut) => streamed(source, length / 2, None),
        (source, Delivery::Drip(every)) => streamed(source, length, Some(every)),
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = response.headers_mut();
    if let Some(media) = media.and_then(|media| media.parse().ok()) {
        map.insert(header::CONTENT_TYPE, media);
    }
    if !whole_in_memory {
        // A streamed body's length is declared (hyper knows it of a body in memory), so a cut
        // one is visibly short.
        map.insert(header::CONTENT_LENGTH, length.into());
    }
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::try_from(name.as_str()),
            header::HeaderValue::try_from(value.as_str()),
        ) {
            map.append(name, value);
        }
    }
    response
}

/// Where a body's bytes come from.
enum Source {
    Bytes(Bytes),
    /// This many bytes of a repeating pattern.
    Generated(u64),
}

impl Source {
    fn len(&self) -> u64 {
        match self {
            Self::Bytes(bytes) => bytes.len() as u64,
            Self::Generated(length) => *length,
        }
    }

    /// Up to `most` bytes from `start`, never crossing a piece boundary of a generated body.
    fn piece(&self, pattern: &Bytes, start: u64, most: u64) -> Bytes {
        match self {
            Self::Bytes(bytes) => bytes.slice(start as usize..(start + most) as usize),
            Self::Generated(_) => {
                let offset = start % PIECE;
                let n = most.min(PIECE - offset);
                pattern.slice(offset as usize..(offset + n) as usize)
            }
        }
    }
}

/// The first `upto` bytes of `source`, in pieces, each after `every` when dripping (then one
/// byte at a time); a body stopped short of its declared length ends with an error, which
/// closes the connection.
fn streamed(source: Source, upto: u64, every: Option<Duration>) -> ResponseBody {
    let length = source.len();
    let pattern: Bytes = (0..PIECE)
        .map(|i| (i % 251) as u8)
        .collect::<Vec<_>>()
        .into();
    let step = if every.is_some() { 1 } else { PIECE };
    let pieces = stream::unfold(0u64, move |sent| {
        let next = (sent < upto).then(|| source.piece(&pattern, sent, step.min(upto - sent)));
        async move {
            let piece = next?;
            if let Some(every) = every {
                tokio::time::sleep(every).await;
            }
            let sent = sent + piece.len() as u64;
            Some((Ok(Frame::data(piece)), sent))
        }
    });
    let cut = (upto < length).then_some(async {
        // Pending once, so hyper flushes what it was given before the error drops the connection.
        tokio::task::yield_now().await;
        Err(io::Error::other("the reply is cut here"))
    });
    let end = stream::iter(cut).then(|error| error);
    StreamBody::new(pieces.chain(end)).boxed_unsync()
}
