//! Finding the operation a request is for: its method and its path against the path templates,
//! a path parameter matching exactly one segment.

use percent_encoding::percent_decode_str;

/// A path template (`/tts/{speechId}`), segment by segment.
pub(crate) struct Route(Vec<Segment>);

enum Segment {
    Literal(String),
    Parameter(String),
}

impl Route {
    pub(crate) fn parse(template: &str) -> Self {
        Self(
            segments(template)
                .map(|segment| {
                    match segment
                        .strip_prefix('{')
                        .and_then(|rest| rest.strip_suffix('}'))
                    {
                        Some(name) => Segment::Parameter(name.to_owned()),
                        None => Segment::Literal(segment.to_owned()),
                    }
                })
                .collect(),
        )
    }

    /// The path parameters, decoded, when `path` matches.
    fn matches(&self, path: &[String]) -> Option<Parameters> {
        if path.len() != self.0.len() {
            return None;
        }
        let mut parameters = Vec::new();
        for (segment, given) in self.0.iter().zip(path) {
            match segment {
                Segment::Literal(literal) if literal == given => {}
                Segment::Literal(_) => return None,
                Segment::Parameter(_) if given.is_empty() => return None,
                Segment::Parameter(name) => parameters.push((name.clone(), given.clone())),
            }
        }
        Some(parameters)
    }

    /// How many literal segments: where two templates match (`/tts/status` and `/tts/{id}`), the
    /// more literal one wins, as OpenAPI prescribes.
    fn literals(&self) -> usize {
        self.0
            .iter()
            .filter(|segment| matches!(segment, Segment::Literal(_)))
            .count()
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_matches('/').split('/').filter(|s| !s.is_empty())
}

/// What a request's method and path lead to.
pub(crate) enum Found {
    /// The index of the operation, with its path parameters.
    Operation(usize, Parameters),
    /// A path of the spec, with another method.
    OtherMethod,
    Nowhere,
}

/// Path parameters by name, decoded.
type Parameters = Vec<(String, String)>;

/// Finds the operation among `routes` (`(method, route)` in operation order) for `method` and
/// `path` (below the base path, still percent-encoded).
pub(crate) fn find<'a>(
    routes: impl Iterator<Item = (&'a str, &'a Route)>,
    method: &str,
    path: &str,
) -> Found {
    let given: Vec<String> = segments(path)
        .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
        .collect();
    let mut best: Option<(usize, usize, Parameters)> = None;
    let mut path_known = false;
    for (index, (route_method, route)) in routes.enumerate() {
        let Some(parameters) = route.matches(&given) else {
            continue;
        };
        path_known = true;
        let better = best
            .as_ref()
            .is_none_or(|(_, literals, _)| route.literals() > *literals);
        if route_method.eq_ignore_ascii_case(method) && better {
            best = Some((index, route.literals(), parameters));
        }
    }
    match best {
        Some((index, _, parameters)) => Found::Operation(index, parameters),
        None if path_known => Found::OtherMethod,
        None => Found::Nowhere,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<(&'static str, Route)> {
        vec![
            ("post", Route::parse("/tts")),
            ("get", Route::parse("/tts/{speechId}")),
            ("get", Route::parse("/tts/status")),
        ]
    }

    fn found(method: &str, path: &str) -> String {
        let table = table();
        match find(table.iter().map(|(m, r)| (*m, r)), method, path) {
            Found::Operation(index, parameters) => format!("{index} {parameters:?}"),
            Found::OtherMethod => "405".into(),
            Found::Nowhere => "404".into(),
        }
    }

    #[test]
    fn literal_segments_win_over_parameters() {
        assert_eq!(found("GET", "/tts/status"), "2 []");
        assert_eq!(found("GET", "/tts/a%20b"), r#"1 [("speechId", "a b")]"#);
    }

    #[test]
    fn a_parameter_is_one_non_empty_segment() {
        assert_eq!(found("GET", "/tts/a/b"), "404");
        assert_eq!(found("GET", "/tts/"), "405");
        assert_eq!(found("POST", "/tts"), "0 []");
        assert_eq!(found("DELETE", "/tts/x"), "405");
    }
}
