//! The credential, checked as the spec's security schemes declare it.

use anyhow::{Result, bail};
use hyper::HeaderMap;
use serde_json::Value;

/// Where one security scheme carries the key.
#[derive(Clone, Debug)]
pub(crate) enum Scheme {
    /// `<name>: <key>`.
    Header(String),
    /// `?<name>=<key>`.
    Query(String),
    /// `Cookie: <name>=<key>`.
    Cookie(String),
    /// `Authorization: <scheme> <key>` (HTTP bearer, and any other HTTP scheme's token as sent).
    Authorization(String),
}

impl Scheme {
    /// Reads a `components.securitySchemes` definition.
    pub(crate) fn read(name: &str, definition: &Value) -> Result<Self> {
        let field = |key: &str| definition.get(key).and_then(Value::as_str).unwrap_or("");
        Ok(match (field("type"), field("in")) {
            ("apiKey", "header") => Self::Header(field("name").to_ascii_lowercase()),
            ("apiKey", "query") => Self::Query(field("name").to_owned()),
            ("apiKey", "cookie") => Self::Cookie(field("name").to_owned()),
            ("http", _) => Self::Authorization(field("scheme").to_owned()),
            ("oauth2" | "openIdConnect", _) => Self::Authorization("Bearer".into()),
            other => bail!("security scheme `{name}` {other:?} is not supported"),
        })
    }

    /// The key this scheme finds in a request, if any.
    fn key<'a>(&self, headers: &'a HeaderMap, query: &'a [(String, String)]) -> Option<&'a str> {
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        match self {
            Self::Header(name) => header(name),
            Self::Query(name) => query
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str()),
            Self::Cookie(name) => header("cookie")?
                .split(';')
                .filter_map(|pair| pair.trim().split_once('='))
                .find(|(key, _)| key == name)
                .map(|(_, value)| value),
            Self::Authorization(scheme) => {
                let (given, token) = header("authorization")?.split_once(' ')?;
                given.eq_ignore_ascii_case(scheme).then_some(token.trim())
            }
        }
    }

    /// The request header that carries the key, if it travels in one.
    pub(crate) fn header(&self) -> Option<String> {
        match self {
            Self::Header(name) => Some(name.clone()),
            Self::Cookie(_) => Some("cookie".into()),
            Self::Authorization(_) => Some("authorization".into()),
            Self::Query(_) => None,
        }
    }
}

/// Which keys the stand-in accepts.
#[derive(Clone, Debug, Default)]
pub(crate) enum KeyRule {
    /// Any non-empty key.
    #[default]
    AnyNonEmpty,
    Exact(String),
}

impl KeyRule {
    fn accepts(&self, key: &str) -> bool {
        match self {
            Self::AnyNonEmpty => !key.is_empty(),
            Self::Exact(expected) => key == expected,
        }
    }

    /// Whether `text` (a header value) contains the one accepted key; unknowable for any key.
    pub(crate) fn appears_in(&self, text: &[u8]) -> bool {
        match self {
            Self::AnyNonEmpty => false,
            Self::Exact(expected) => text
                .windows(expected.len().max(1))
                .any(|window| window == expected.as_bytes()),
        }
    }
}

/// Whether a request satisfies one of `alternatives` (each a set of schemes that must all carry
/// an accepted key); no alternative means the operation is open.
pub(crate) fn allowed(
    alternatives: &[Vec<Scheme>],
    rule: &KeyRule,
    headers: &HeaderMap,
    query: &[(String, String)],
) -> bool {
    alternatives.is_empty()
        || alternatives.iter().any(|schemes| {
            schemes.iter().all(|scheme| {
                scheme
                    .key(headers, query)
                    .is_some_and(|key| rule.accepts(key))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap()))
            .collect()
    }

    #[test]
    fn either_alternative_lets_a_request_in() {
        let header = Scheme::read(
            "key",
            &json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"}),
        )
        .unwrap();
        let bearer = Scheme::read("bearer", &json!({"type": "http", "scheme": "bearer"})).unwrap();
        let alternatives = [vec![header], vec![bearer]];
        let exact = KeyRule::Exact("k1".into());
        let check = |pairs: &[(&'static str, &'static str)]| {
            allowed(&alternatives, &exact, &headers(pairs), &[])
        };
        assert!(check(&[("x-api-key", "k1")]));
        assert!(check(&[("authorization", "Bearer k1")]));
        assert!(!check(&[("authorization", "Basic k1")]));
        assert!(!check(&[("x-api-key", "k2")]));
        assert!(!check(&[]));
        assert!(allowed(&[], &exact, &headers(&[]), &[]));
        assert!(exact.appears_in(b"Token k1; x") && !exact.appears_in(b"k2"));
        assert!(!KeyRule::AnyNonEmpty.appears_in(b"k1"));
    }

    #[test]
    fn query_and_cookie_keys_are_found_and_empty_keys_refused() {
        let query = Scheme::read(
            "q",
            &json!({"type": "apiKey", "in": "query", "name": "key"}),
        );
        let cookie = Scheme::read(
            "c",
            &json!({"type": "apiKey", "in": "cookie", "name": "sid"}),
        );
        let any = KeyRule::AnyNonEmpty;
        let given = [("key".to_owned(), "k".to_owned())];
        assert!(allowed(
            &[vec![query.unwrap()]],
            &any,
            &headers(&[]),
            &given
        ));
        let cookie = [vec![cookie.unwrap()]];
        assert!(allowed(
            &cookie,
            &any,
            &headers(&[("cookie", "a=1; sid=s")]),
            &[]
        ));
        assert!(!allowed(
            &cookie,
            &any,
            &headers(&[("cookie", "sid=")]),
            &[]
        ));
        let unsupported = Scheme::read("m", &json!({"type": "mutualTLS"}));
        assert!(unsupported.unwrap_err().to_string().contains("`m`"));
    }
}
