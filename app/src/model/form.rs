//! Server functions take one input struct, flattened so that a plain HTML form posts its
//! fields by their own names (`item=42`, not `form[item]=42`).

use std::{fmt::Display, marker::PhantomData, str::FromStr};

use serde::{de, Deserializer};

/// Reads a number sent as text or as a number. Every field of a posted form is text, and a
/// flattened struct's fields reach serde as text it cannot take for a number by itself
/// (serde issue 1183); `#[serde(deserialize_with = "number")]` on each numeric field.
pub fn number<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    struct Number<T>(PhantomData<T>);

    impl<T> de::Visitor<'_> for Number<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        type Value = T;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a number")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
            text.trim()
                .parse()
                .map_err(|err| E::custom(format!("'{text}' is not a number: {err}")))
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
            self.visit_str(&value.to_string())
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
            self.visit_str(&value.to_string())
        }
    }

    deserializer.deserialize_any(Number(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Form {
        name: String,
        #[serde(deserialize_with = "super::number")]
        item: i64,
        #[serde(deserialize_with = "super::number")]
        page: u32,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Posted {
        #[serde(flatten)]
        form: Form,
    }

    #[test]
    fn numbers_are_read_from_text_and_from_numbers_through_a_flattened_struct() {
        let from_text: Posted =
            serde_json::from_str(r#"{"name": "n", "item": "42", "page": " 3 "}"#).expect("text");
        let from_numbers: Posted =
            serde_json::from_str(r#"{"name": "n", "item": 42, "page": 3}"#).expect("numbers");
        assert_eq!(from_text, from_numbers);
        assert_eq!(from_text.form.item, 42);
        let err = serde_json::from_str::<Posted>(r#"{"name": "n", "item": "x", "page": "1"}"#)
            .expect_err("not a number");
        assert!(err.to_string().contains("'x' is not a number"), "{err}");
        assert!(
            serde_json::from_str::<Posted>(r#"{"name": "n", "item": "1", "page": "-1"}"#).is_err()
        );
    }
}
