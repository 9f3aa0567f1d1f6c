//! The classification, table-driven over the fixture pairs in `xtask/tests/fixtures/diff/`: each
//! `<case>.yaml` is `base.yaml` with one kind of change; a row compares `base` with the case (or
//! the case with `base`, the opposite change) and lists every change expected, with its class for
//! the generated crate's users and for the facade's.

use super::*;
use Class::{Additive, Behaviour, Breaking};

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap()
}

type Expected = (&'static str, &'static str, Class, Option<Class>);

/// `(old, new, every change expected: (scope, at, class, facade class))`. `speak` is the
/// facade's `synthesize` operation; `get_speech` is not used by the facade.
const CASES: &[(&str, &str, &[Expected])] = &[
    ("base", "description_changed", &[]),
    // The rule of the issue: an optional request field is additive, a required one breaking.
    (
        "base",
        "request_field_added_optional",
        &[("speak", "request body /voice", Additive, None)],
    ),
    (
        "base",
        "request_field_added_required",
        &[("speak", "request body /voice", Breaking, Some(Breaking))],
    ),
    (
        "base",
        "request_field_removed",
        &[("speak", "request body /format", Breaking, Some(Breaking))],
    ),
    (
        "base",
        "request_field_now_required",
        &[("speak", "request body /format", Breaking, Some(Breaking))],
    ),
    // Optional to required changes the Rust field from `T` to `Option<T>`.
    (
        "request_field_now_required",
        "base",
        &[("speak", "request body /format", Breaking, Some(Breaking))],
    ),
    (
        "base",
        "request_field_type_changed",
        &[("speak", "request body /text", Breaking, Some(Breaking))],
    ),
    (
        "base",
        "request_enum_value_added",
        &[("speak", "request body /format", Additive, None)],
    ),
    (
        "request_enum_value_added",
        "base",
        &[("speak", "request body /format", Breaking, Some(Breaking))],
    ),
    (
        "base",
        "request_max_length_narrower",
        &[("speak", "request body /text", Breaking, Some(Breaking))],
    ),
    (
        "request_max_length_narrower",
        "base",
        &[("speak", "request body /text", Additive, None)],
    ),
    (
        "base",
        "request_max_bytes_narrower",
        &[("speak", "request body /text", Breaking, Some(Breaking))],
    ),
    (
        "base",
        "nested_request_limit_narrower",
        &[(
            "speak",
            "request body /settings/speed",
            Breaking,
            Some(Breaking),
        )],
    ),
    (
        "nested_request_limit_narrower",
        "base",
        &[("speak", "request body /settings/speed", Additive, None)],
    ),
    // Wider, but the bounded type becomes an `f64`.
    (
        "base",
        "request_limits_all_removed",
        &[
            ("speak", "request body /settings/speed", Additive, None),
            ("speak", "request body /settings/speed", Additive, None),
            (
                "speak",
                "request body /settings/speed",
                Breaking,
                Some(Breaking),
            ),
        ],
    ),
    (
        "base",
        "request_pattern_added",
        &[("speak", "request body /text", Breaking, Some(Breaking))],
    ),
    (
        "base",
        "request_default_changed",
        &[("speak", "request body /format", Behaviour, Some(Behaviour))],
    ),
    (
        "base",
        "request_media_type_changed",
        &[("speak", "request body", Breaking, Some(Breaking))],
    ),
    // Open enums are `#[non_exhaustive]`: a new value stops arriving as `Unknown`.
    (
        "base",
        "response_enum_value_added",
        &[
            ("get_speech", "response 200 /status", Behaviour, None),
            ("speak", "response 200 /status", Behaviour, Some(Behaviour)),
        ],
    ),
    (
        "response_enum_value_added",
        "base",
        &[
            ("get_speech", "response 200 /status", Breaking, None),
            ("speak", "response 200 /status", Breaking, Some(Behaviour)),
        ],
    ),
    (
        "base",
        "response_field_added",
        &[
            ("get_speech", "response 200 /duration", Additive, None),
            ("speak", "response 200 /duration", Additive, None),
        ],
    ),
    (
        "response_field_added",
        "base",
        &[
            ("get_speech", "response 200 /duration", Breaking, None),
            ("speak", "response 200 /duration", Breaking, Some(Behaviour)),
        ],
    ),
    (
        "base",
        "response_field_now_optional",
        &[
            ("get_speech", "response 200 /id", Breaking, None),
            ("speak", "response 200 /id", Breaking, Some(Behaviour)),
        ],
    ),
    (
        "base",
        "operation_removed",
        &[("get_speech", "operation", Breaking, None)],
    ),
    (
        "operation_removed",
        "base",
        &[("get_speech", "operation", Additive, None)],
    ),
    (
        "base",
        "parameter_added_optional",
        &[("get_speech", "parameter query:verbose", Additive, None)],
    ),
    (
        "base",
        "parameter_added_required",
        &[("get_speech", "parameter query:verbose", Breaking, None)],
    ),
    (
        "base",
        "error_status_added",
        &[("speak", "response 429", Behaviour, Some(Behaviour))],
    ),
    (
        "base",
        "success_status_added",
        &[("speak", "response 202", Breaking, Some(Behaviour))],
    ),
    (
        "base",
        "response_media_type_added",
        &[("speak", "response 200", Breaking, Some(Behaviour))],
    ),
    (
        "base",
        "security_scheme_changed",
        &[(SERVICE, "security scheme key", Behaviour, Some(Behaviour))],
    ),
    (
        "security_removed",
        "base",
        &[
            ("clone_voice", "security", Breaking, None),
            ("get_speech", "security", Breaking, None),
            ("speak", "security", Breaking, Some(Breaking)),
        ],
    ),
    (
        "base",
        "base_url_changed",
        &[(SERVICE, "servers", Behaviour, Some(Behaviour))],
    ),
    (
        "base",
        "environment_key_renamed",
        &[(SERVICE, "x-environment key", Behaviour, Some(Breaking))],
    ),
    (
        "base",
        "environment_base_url_added",
        &[(SERVICE, "x-environment base-url", Behaviour, Some(Additive))],
    ),
    (
        "environment_base_url_added",
        "base",
        &[(
            SERVICE,
            "x-environment base-url",
            Behaviour,
            Some(Behaviour),
        )],
    ),
    (
        "base",
        "error_body_changed",
        &[(SERVICE, "x-error-body", Behaviour, Some(Behaviour))],
    ),
    (
        "base",
        "neutral_call_removed",
        &[(SERVICE, "x-speech synthesize", Behaviour, Some(Breaking))],
    ),
    (
        "neutral_call_removed",
        "base",
        &[(SERVICE, "x-speech synthesize", Additive, Some(Additive))],
    ),
    // A multipart form (`clone_voice`, not used by the facade): encodings, file parts, items.
    (
        "base",
        "form_encoding_changed",
        &[("clone_voice", "request body", Behaviour, None)],
    ),
    (
        "base",
        "file_content_type_removed",
        &[("clone_voice", "request body /file", Breaking, None)],
    ),
    (
        "file_content_type_removed",
        "base",
        &[("clone_voice", "request body /file", Additive, None)],
    ),
    (
        "base",
        "file_max_bytes_wider",
        &[("clone_voice", "request body /file", Additive, None)],
    ),
    (
        "base",
        "array_item_limit_added",
        &[("clone_voice", "request body /tags[]", Breaking, None)],
    ),
    (
        "base",
        "spends_credits_added",
        &[("speak", "x-spends-credits", Behaviour, Some(Behaviour))],
    ),
    (
        "base",
        "job_contract_added",
        &[
            ("get_speech", "x-job-status", Behaviour, Some(Behaviour)),
            ("speak", "x-job-start", Behaviour, Some(Behaviour)),
        ],
    ),
];

#[test]
fn every_fixture_pair_is_classified_as_expected() {
    for (old, new, expected) in CASES {
        let found: Vec<_> = changes(&fixture(old), &fixture(new))
            .unwrap()
            .into_iter()
            .map(|change| (change.scope, change.at, change.class, change.facade))
            .collect();
        let expected: Vec<_> = expected
            .iter()
            .map(|(scope, at, class, facade)| (scope.to_string(), at.to_string(), *class, *facade))
            .collect();
        assert_eq!(found, expected, "{old} → {new}");
    }
}

/// Every fixture is used by a row, so none is left unchecked.
#[test]
fn every_fixture_has_a_row() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "yaml") {
            let name = path.file_stem().unwrap().to_str().unwrap();
            assert!(
                CASES
                    .iter()
                    .any(|(old, new, _)| name == *old || name == *new),
                "{name}.yaml has no row"
            );
        }
    }
}

fn spec(name: &str) -> Spec {
    Spec {
        provider: "fixture".into(),
        path: PathBuf::from("specs/fixture.yaml"),
        doc: fixture(name),
    }
}

fn with_version(mut spec: Spec, version: &str) -> Spec {
    spec.doc["x-crate"]["version"] = version.into();
    spec
}

/// The crate's bump follows the worst change from the old `x-crate.version`, and the report says
/// whether the new spec declares it.
#[test]
fn the_report_asks_for_the_bump_until_the_spec_declares_it() {
    let old = spec("base");
    let report = Report::new(Some(&old), Some(&spec("request_field_added_required"))).unwrap();
    assert_eq!(report.worst(), Some(Breaking));
    assert_eq!(report.required().unwrap().to_string(), "0.2.0");
    assert!(!report.bumped());
    assert!(
        report
            .to_string()
            .contains("x-crate.version is 0.1.0: bump it to 0.2.0"),
        "{report}"
    );

    let new = with_version(spec("request_field_added_required"), "0.2.0");
    let report = Report::new(Some(&old), Some(&new)).unwrap();
    assert!(report.bumped());
    assert!(report.to_string().contains("has it"), "{report}");

    let report = Report::new(Some(&old), Some(&spec("request_field_added_optional"))).unwrap();
    assert_eq!(report.required().unwrap().to_string(), "0.1.1");

    let report = Report::new(Some(&old), Some(&spec("description_changed"))).unwrap();
    assert_eq!((report.worst(), report.bumped()), (None, true));
}

/// A new spec is an additive new crate at its declared version; a removed one breaks the facade.
#[test]
fn a_new_or_removed_spec_is_reported_as_such() {
    let added = Report::new(None, Some(&spec("base"))).unwrap();
    assert_eq!(
        (added.worst(), added.facade_worst()),
        (Some(Additive), Some(Additive))
    );
    assert!(
        added
            .to_string()
            .contains("fixture-client: new crate at 0.1.0"),
        "{added}"
    );
    let removed = Report::new(Some(&spec("base")), None).unwrap();
    assert_eq!(
        (removed.worst(), removed.facade_worst()),
        (Some(Breaking), Some(Breaking))
    );
    assert!(
        removed.to_string().contains("fixture-client: removed"),
        "{removed}"
    );
}

/// The entry goes on top of a changelog (a new one gets the preamble), headed `Unreleased` until
/// the spec declares the bump; writing it again replaces that entry and keeps the releases below.
#[test]
fn changelog_entries_go_on_top_and_replace_their_own_previous_entry() {
    let old = spec("base");
    let unreleased = Report::new(Some(&old), Some(&spec("request_field_added_required"))).unwrap();
    let first = changelog::prepend("", &unreleased);
    assert!(first.starts_with("# Changelog\n"), "{first}");
    assert!(
        first.contains(
            "## [Unreleased]\n\n### Breaking\n\n- `speak` request body /voice: required field added"
        ),
        "{first}"
    );
    let released = "# Changelog\n\nPreamble.\n\n## [0.1.0]\n\nInitial release.\n";
    let with_entry = changelog::prepend(released, &unreleased);
    assert!(
        with_entry.starts_with("# Changelog\n\nPreamble.\n\n## [Unreleased]\n"),
        "{with_entry}"
    );
    assert!(
        with_entry.ends_with("## [0.1.0]\n\nInitial release.\n"),
        "{with_entry}"
    );

    let bumped = with_version(spec("request_field_added_required"), "0.2.0");
    let bumped = Report::new(Some(&old), Some(&bumped)).unwrap();
    let again = changelog::prepend(&with_entry, &bumped);
    assert_eq!(again.matches("required field added").count(), 1, "{again}");
    assert!(!again.contains("Unreleased"), "{again}");
    assert!(
        again.contains("Preamble.\n\n## [0.2.0]\n\n### Breaking\n"),
        "{again}"
    );
    assert!(
        again.ends_with("## [0.1.0]\n\nInitial release.\n"),
        "{again}"
    );
    assert_eq!(changelog::prepend(&again, &bumped), again);
}
