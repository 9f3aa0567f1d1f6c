//! Open enums: the values a spec documents, plus whatever else a provider starts sending.

/// Declares an enum of documented string values with an `Unknown(String)` fallback.
///
/// Responses use these for job statuses, model names and error codes: a value the spec does not list
/// yet decodes into `Unknown` instead of failing the whole call, and re-encodes unchanged. The enum
/// is `#[non_exhaustive]`, so a value the spec adds later is a new variant without breaking a
/// consumer's `match` (the value stops arriving as `Unknown`: a behaviour change, not a break).
///
/// ```
/// speech_client_runtime::open_enum! {
///     /// A job's state.
///     pub enum JobStatus {
///         Pending = "PENDING",
///         Completed = "COMPLETED",
///     }
/// }
/// let status: JobStatus = serde_json::from_str(r#""QUEUED""#).unwrap();
/// assert_eq!(status, JobStatus::Unknown("QUEUED".into()));
/// assert_eq!(serde_json::to_string(&JobStatus::Completed).unwrap(), r#""COMPLETED""#);
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $value:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $($(#[$variant_meta])* #[doc = concat!("`", $value, "`")] $variant,)+
            /// A value the spec does not document (yet), kept as sent.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The values the spec documents.
            pub const KNOWN: &'static [&'static str] = &[$($value),+];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Unknown(value) => value,
                }
            }

            /// Whether the value is one the spec documents.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)+
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                let value: ::std::string::String =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }

        $crate::__with_schemars! {
            impl $crate::__private::schemars::JsonSchema for $name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(stringify!($name))
                }

                fn json_schema(
                    _: &mut $crate::__private::schemars::SchemaGenerator,
                ) -> $crate::__private::schemars::Schema {
                    $crate::__private::schemars::json_schema!({
                        "type": "string",
                        "description": concat!(
                            "Documented values: ",
                            $crate::__join!($($value),+),
                            ". Other values are accepted and kept."
                        ),
                        "examples": [$($value),+],
                    })
                }
            }
        }
    };
}

/// Joins string literals with `, ` at compile time.
#[doc(hidden)]
#[macro_export]
macro_rules! __join {
    ($first:literal $(, $rest:literal)*) => {
        concat!($first $(, ", ", $rest)*)
    };
}

#[cfg(test)]
mod tests {
    crate::open_enum! {
        /// A test status.
        pub enum Status {
            Pending = "PENDING",
            Completed = "COMPLETED",
        }
    }

    #[test]
    fn known_and_unknown_values_round_trip() {
        for (text, expected) in [
            (r#""PENDING""#, Status::Pending),
            (r#""COMPLETED""#, Status::Completed),
            (r#""QUEUED""#, Status::Unknown("QUEUED".into())),
        ] {
            let decoded: Status = serde_json::from_str(text).unwrap();
            assert_eq!(decoded, expected);
            assert_eq!(serde_json::to_string(&decoded).unwrap(), text);
        }
        assert!(!Status::Unknown("QUEUED".into()).is_known());
        assert_eq!(Status::KNOWN, ["PENDING", "COMPLETED"]);
    }

    #[test]
    fn a_non_string_is_still_an_error() {
        assert!(serde_json::from_str::<Status>("42").is_err());
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn the_schema_accepts_any_string_and_lists_the_documented_values() {
        let schema = schemars::schema_for!(Status);
        assert_eq!(schema.get("type"), Some(&serde_json::json!("string")));
        assert!(schema.get("enum").is_none());
        assert_eq!(
            schema.get("examples"),
            Some(&serde_json::json!(["PENDING", "COMPLETED"]))
        );
    }
}
