//! `x-crate`, `x-environment`, `x-spends-credits` and `x-rate-limit`: the generated crate's
//! version, what a facade needs to build a provider from its environment, which requests must
//! never be sent twice, and how fast a tool may send them.

use serde_json::Value;

use super::Findings;
use crate::spec::Spec;

/// Checks the document's `x-crate` and `x-environment`, every operation's `x-spends-credits`, and
/// every `x-rate-limit`.
pub fn check(spec: &Spec, findings: &mut Findings) {
    check_crate(spec.doc.get("x-crate"), findings);
    check_environment(spec.doc.get("x-environment"), findings);
    if let Some(limit) = spec.doc.get("x-rate-limit") {
        check_rate_limit(limit, "x-rate-limit", findings);
    }
    for operation in spec.operations() {
        if let Some(limit) = operation.value.get("x-rate-limit") {
            let place = format!("{}: x-rate-limit", operation.label());
            check_rate_limit(limit, &place, findings);
        }
        if let Some(flag) = operation.value.get("x-spends-credits")
            && !flag.is_boolean()
        {
            let place = format!("{}: x-spends-credits", operation.label());
            findings.add(&place, format!("{flag} is not `true` or `false`"));
        }
    }
}

/// `x-crate: {version}`: the generated crate's own semver version, which its manifest, README and
/// every dependent's version requirement take.
fn check_crate(declared: Option<&Value>, findings: &mut Findings) {
    let place = "x-crate";
    let Some(declared) = declared.and_then(Value::as_object) else {
        findings.add(
            place,
            "missing: give the generated crate's `version` (semver)".into(),
        );
        return;
    };
    for name in declared.keys().filter(|name| *name != "version") {
        findings.add(place, format!("unknown entry `{name}` (version)"));
    }
    match declared.get("version").and_then(Value::as_str) {
        Some(version) if semver::Version::parse(version).is_ok() => {}
        version => findings.add(
            place,
            format!(
                "`version`: {} is not a semver version such as `0.1.0`",
                version.map_or_else(|| "nothing".to_owned(), |v| format!("`{v}`"))
            ),
        ),
    }
}

fn check_environment(environment: Option<&Value>, findings: &mut Findings) {
    let place = "x-environment";
    let Some(environment) = environment.and_then(Value::as_object) else {
        findings.add(
            place,
            "missing: name the variable that holds the API key (`key`)".into(),
        );
        return;
    };
    for (name, value) in environment {
        if name == "base-url-required" {
            if !value.is_boolean() || !environment.contains_key("base-url") {
                findings.add(
                    place,
                    "`base-url-required` is `true` or `false`, next to `base-url`".into(),
                );
            }
            continue;
        }
        if !matches!(name.as_str(), "key" | "base-url") {
            findings.add(
                place,
                format!("unknown entry `{name}` (key, base-url, base-url-required)"),
            );
            continue;
        }
        match value.as_str() {
            Some(variable) if is_variable_name(variable) => {}
            _ => findings.add(
                place,
                format!("`{name}`: {value} is not an environment variable name (A-Z, 0-9, _)"),
            ),
        }
    }
    if !environment.contains_key("key") {
        findings.add(
            place,
            "no `key`: the variable that holds the API key".into(),
        );
    }
}

/// `{requests-per-minute, concurrent}` (and where the numbers come from): at least one, each a positive integer that fits 32 bits.
fn check_rate_limit(limit: &Value, place: &str, findings: &mut Findings) {
    let bounds = |entries: &serde_json::Map<String, Value>| {
        entries.keys().filter(|name| *name != "x-source").count()
    };
    let Some(entries) = limit.as_object().filter(|entries| bounds(entries) > 0) else {
        findings.add(
            place,
            "give `requests-per-minute`, `concurrent` or both".into(),
        );
        return;
    };
    // `x-source` is checked with every other one.
    for (name, value) in entries.iter().filter(|(name, _)| *name != "x-source") {
        if !matches!(name.as_str(), "requests-per-minute" | "concurrent") {
            findings.add(
                place,
                format!("unknown entry `{name}` (requests-per-minute, concurrent)"),
            );
        } else if !value
            .as_u64()
            .is_some_and(|n| n > 0 && u32::try_from(n).is_ok())
        {
            findings.add(
                place,
                format!("`{name}`: {value} is not a positive integer"),
            );
        }
    }
}

fn is_variable_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn findings(environment: Value) -> Vec<String> {
        let mut findings = Findings::default();
        check_environment(Some(&environment), &mut findings);
        findings.0
    }

    #[test]
    fn the_crate_version_is_semver() {
        let findings = |declared: Value| {
            let mut findings = Findings::default();
            check_crate(Some(&declared), &mut findings);
            findings.0
        };
        assert!(findings(json!({"version": "0.1.0"})).is_empty());
        assert!(findings(json!({"version": "1.2.3-rc.1"})).is_empty());
        assert_eq!(findings(json!({"version": "0.1"})).len(), 1);
        assert_eq!(findings(json!({"version": 1})).len(), 1);
        assert_eq!(findings(json!({})).len(), 1);
        assert_eq!(findings(json!({"version": "0.1.0", "name": "x"})).len(), 1);
        let mut missing = Findings::default();
        check_crate(None, &mut missing);
        assert_eq!(missing.0.len(), 1);
    }

    #[test]
    fn the_environment_names_the_key_variable_and_optionally_the_base_url_one() {
        assert!(findings(json!({"key": "ACME_API_KEY"})).is_empty());
        assert!(findings(json!({"key": "ACME_API_KEY", "base-url": "ACME_BASE_URL"})).is_empty());
        assert_eq!(findings(json!({})).len(), 1);
        assert_eq!(findings(json!({"key": "acme key"})).len(), 1);
        assert_eq!(findings(json!({"key": "K", "region": "R"})).len(), 1);
        let required = json!({"key": "K", "base-url": "B", "base-url-required": true});
        assert!(findings(required).is_empty());
        assert_eq!(
            findings(json!({"key": "K", "base-url-required": true})).len(),
            1
        );
        assert_eq!(
            findings(json!({"key": "K", "base-url": "B", "base-url-required": 1})).len(),
            1
        );
        let mut missing = Findings::default();
        check_environment(None, &mut missing);
        assert_eq!(missing.0.len(), 1);
    }

    fn rate_findings(limit: Value) -> Vec<String> {
        let mut findings = Findings::default();
        check_rate_limit(&limit, "x-rate-limit", &mut findings);
        findings.0
    }

    #[test]
    fn a_rate_limit_gives_positive_counts_per_minute_or_at_once() {
        assert!(rate_findings(json!({"requests-per-minute": 20, "concurrent": 5})).is_empty());
        assert!(rate_findings(json!({"concurrent": 1})).is_empty());
        assert_eq!(rate_findings(json!({})).len(), 1);
        let sourced = json!({"x-source": {"research": "r", "confidence": "doc"}});
        assert_eq!(rate_findings(sourced.clone()).len(), 1);
        let mut bounded = sourced;
        bounded["concurrent"] = json!(3);
        assert!(rate_findings(bounded).is_empty());
        assert_eq!(rate_findings(json!(20)).len(), 1);
        assert_eq!(rate_findings(json!({"requests-per-minute": 0})).len(), 1);
        assert_eq!(rate_findings(json!({"concurrent": 2.5})).len(), 1);
        assert_eq!(rate_findings(json!({"requests-per-day": 500})).len(), 1);
        assert_eq!(
            rate_findings(json!({"requests-per-minute": 5_000_000_000_u64})).len(),
            1
        );
    }
}
