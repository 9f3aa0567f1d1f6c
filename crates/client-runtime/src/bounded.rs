//! Request values with limits progenitor's types do not check: number ranges and UTF-8 byte lengths.

/// A request value that breaks a documented limit. The message is a sentence that names the field
/// once and the limit, such as "`text` must be at least 1 character (got 0)"; the generated
/// builders pass it on as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError(pub String);

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueError {}

/// `1 character`, `2 characters`: a count with its unit in the right number.
#[doc(hidden)]
pub fn count(n: usize, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// Declares a number that only holds values within the spec's `minimum`/`maximum`.
///
/// ```
/// speech_client_runtime::bounded_number! {
///     /// Speech speed.
///     pub struct Speed(f64) for "speed", min = Some(0.1), max = Some(5.0);
/// }
/// assert!(Speed::try_from(1.0).is_ok());
/// assert_eq!(
///     Speed::try_from(7.0).unwrap_err().to_string(),
///     "`speed` must be at most 5 (got 7)"
/// );
/// ```
#[macro_export]
macro_rules! bounded_number {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident($inner:ty) for $field:literal, min = $min:expr, max = $max:expr;
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
        $vis struct $name($inner);

        impl $name {
            /// The smallest accepted value, if the spec sets one.
            pub const MIN: ::std::option::Option<$inner> = $min;
            /// The largest accepted value, if the spec sets one.
            pub const MAX: ::std::option::Option<$inner> = $max;

            /// The value.
            pub fn get(self) -> $inner {
                self.0
            }
        }

        impl ::std::convert::TryFrom<$inner> for $name {
            type Error = $crate::ValueError;
            fn try_from(value: $inner) -> ::std::result::Result<Self, Self::Error> {
                if let ::std::option::Option::Some(min) = Self::MIN {
                    if !matches!(
                        value.partial_cmp(&min),
                        Some(::std::cmp::Ordering::Greater | ::std::cmp::Ordering::Equal)
                    ) {
                        return Err($crate::ValueError(format!(
                            "`{}` must be at least {} (got {})", $field, min, value
                        )));
                    }
                }
                if let ::std::option::Option::Some(max) = Self::MAX {
                    if !matches!(
                        value.partial_cmp(&max),
                        Some(::std::cmp::Ordering::Less | ::std::cmp::Ordering::Equal)
                    ) {
                        return Err($crate::ValueError(format!(
                            "`{}` must be at most {} (got {})", $field, max, value
                        )));
                    }
                }
                Ok(Self(value))
            }
        }

        impl ::std::convert::From<$name> for $inner {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                $crate::__private::serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                let value: $inner = $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                Self::try_from(value).map_err(<D::Error as $crate::__private::serde::de::Error>::custom)
            }
        }

        $crate::__with_schemars! {
            impl $crate::__private::schemars::JsonSchema for $name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(stringify!($name))
                }

                fn json_schema(
                    generator: &mut $crate::__private::schemars::SchemaGenerator,
                ) -> $crate::__private::schemars::Schema {
                    let mut schema = <$inner as $crate::__private::schemars::JsonSchema>::json_schema(generator);
                    if let ::std::option::Option::Some(min) = Self::MIN {
                        schema.insert("minimum".into(), min.into());
                    }
                    if let ::std::option::Option::Some(max) = Self::MAX {
                        schema.insert("maximum".into(), max.into());
                    }
                    schema
                }
            }
        }
    };
}

/// Declares a string limited in characters and in UTF-8 bytes (the spec's `maxLength` plus
/// `x-max-bytes`): some providers bill and cap text by bytes, so a short CJK text can be too long.
///
/// ```
/// speech_client_runtime::bounded_text! {
///     /// Text to speak.
///     pub struct Text for "text", min_chars = Some(1), max_chars = Some(5000), max_bytes = Some(5000);
/// }
/// assert!(Text::try_from("hello").is_ok());
/// let cjk = "語".repeat(2000); // 2000 characters, 6000 bytes
/// assert_eq!(
///     Text::try_from(cjk.as_str()).unwrap_err().to_string(),
///     "`text` must be at most 5000 UTF-8 bytes (got 6000)"
/// );
/// ```
#[macro_export]
macro_rules! bounded_text {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident for $field:literal,
            min_chars = $min_chars:expr, max_chars = $max_chars:expr, max_bytes = $max_bytes:expr;
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        $vis struct $name(::std::string::String);

        impl $name {
            /// The fewest characters accepted, if the spec sets a minimum.
            pub const MIN_CHARS: ::std::option::Option<usize> = $min_chars;
            /// The most characters accepted, if the spec sets a maximum.
            pub const MAX_CHARS: ::std::option::Option<usize> = $max_chars;
            /// The most UTF-8 bytes accepted, if the spec sets a maximum.
            pub const MAX_BYTES: ::std::option::Option<usize> = $max_bytes;

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::ValueError;
            fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                let chars = value.chars().count();
                if let ::std::option::Option::Some(min) = Self::MIN_CHARS {
                    if chars < min {
                        return Err($crate::ValueError(format!(
                            "`{}` must be at least {} (got {})",
                            $field, $crate::__private::count(min, "character"), chars
                        )));
                    }
                }
                if let ::std::option::Option::Some(max) = Self::MAX_CHARS {
                    if chars > max {
                        return Err($crate::ValueError(format!(
                            "`{}` must be at most {} (got {})",
                            $field, $crate::__private::count(max, "character"), chars
                        )));
                    }
                }
                if let ::std::option::Option::Some(max) = Self::MAX_BYTES {
                    if value.len() > max {
                        return Err($crate::ValueError(format!(
                            "`{}` must be at most {} (got {})",
                            $field, $crate::__private::count(max, "UTF-8 byte"), value.len()
                        )));
                    }
                }
                Ok(Self(value))
            }
        }

        impl ::std::convert::TryFrom<&str> for $name {
            type Error = $crate::ValueError;
            fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                Self::try_from(value.to_owned())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ValueError;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::try_from(value)
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                let value: ::std::string::String =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                Self::try_from(value).map_err(<D::Error as $crate::__private::serde::de::Error>::custom)
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
                    let mut schema = $crate::__private::schemars::json_schema!({ "type": "string" });
                    if let ::std::option::Option::Some(min) = Self::MIN_CHARS {
                        schema.insert("minLength".into(), min.into());
                    }
                    if let ::std::option::Option::Some(max) = Self::MAX_CHARS {
                        schema.insert("maxLength".into(), max.into());
                    }
                    if let ::std::option::Option::Some(max) = Self::MAX_BYTES {
                        schema.insert("x-max-bytes".into(), max.into());
                    }
                    schema
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::bounded_number! {
        /// A ratio.
        pub struct Ratio(f64) for "stability", min = Some(0.0), max = Some(1.0);
    }
    crate::bounded_number! {
        /// A page size.
        pub struct Limit(u64) for "limit", min = Some(1), max = Some(100);
    }
    crate::bounded_text! {
        /// Text.
        pub struct Text for "text", min_chars = None, max_chars = Some(4), max_bytes = Some(6);
    }
    crate::bounded_text! {
        /// Text that must not be empty, at most one character and one byte.
        pub struct Letter for "letter", min_chars = Some(1), max_chars = Some(1), max_bytes = Some(1);
    }
    crate::bounded_text! {
        /// Text limited in characters only.
        pub struct Prompt for "input", min_chars = Some(2), max_chars = None, max_bytes = None;
    }

    #[test]
    fn numbers_outside_the_range_are_refused_with_the_field_and_limit() {
        assert_eq!(Ratio::try_from(0.0).unwrap().get(), 0.0);
        assert_eq!(Ratio::try_from(1.0).unwrap().get(), 1.0);
        assert_eq!(
            Ratio::try_from(-0.1).unwrap_err().to_string(),
            "`stability` must be at least 0 (got -0.1)"
        );
        assert!(Ratio::try_from(f64::NAN).is_err());
        assert_eq!(
            Limit::try_from(101).unwrap_err().to_string(),
            "`limit` must be at most 100 (got 101)"
        );
        assert!(Limit::try_from(0).is_err());
    }

    #[test]
    fn decoding_applies_the_same_limits() {
        assert!(serde_json::from_str::<Ratio>("0.5").is_ok());
        let error = serde_json::from_str::<Ratio>("1.5")
            .unwrap_err()
            .to_string();
        assert!(error.contains("must be at most 1"), "{error}");
    }

    #[test]
    fn text_is_limited_in_characters_and_in_bytes() {
        assert!(Text::try_from("abcd").is_ok());
        assert_eq!(
            Text::try_from("abcde").unwrap_err().to_string(),
            "`text` must be at most 4 characters (got 5)"
        );
        assert_eq!(
            Text::try_from("語語語").unwrap_err().to_string(),
            "`text` must be at most 6 UTF-8 bytes (got 9)"
        );
    }

    #[test]
    fn messages_are_sentences_with_the_unit_in_the_right_number_and_the_field_once() {
        assert_eq!(
            Letter::try_from("").unwrap_err().to_string(),
            "`letter` must be at least 1 character (got 0)"
        );
        assert_eq!(
            Letter::try_from("ab").unwrap_err().to_string(),
            "`letter` must be at most 1 character (got 2)"
        );
        assert_eq!(
            Letter::try_from("é").unwrap_err().to_string(),
            "`letter` must be at most 1 UTF-8 byte (got 2)"
        );
        assert_eq!(
            Prompt::try_from("a").unwrap_err().to_string(),
            "`input` must be at least 2 characters (got 1)"
        );
        assert!(Prompt::try_from("a".repeat(100_000)).is_ok());
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn schemas_carry_the_limits() {
        let schema = schemars::schema_for!(Limit);
        assert_eq!(schema.get("minimum"), Some(&serde_json::json!(1)));
        assert_eq!(schema.get("maximum"), Some(&serde_json::json!(100)));
        let schema = schemars::schema_for!(Text);
        assert_eq!(schema.get("maxLength"), Some(&serde_json::json!(4)));
        assert_eq!(schema.get("x-max-bytes"), Some(&serde_json::json!(6)));
    }
}
