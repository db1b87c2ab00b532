//! The fields a request type reads, asked of its `Deserialize` implementation.
//!
//! A derived `Deserialize` for a struct names its fields when it starts; this deserializer
//! only listens for that and stops. Checks that apply to what a request carries (no NUL
//! character in any text) can then cover exactly the fields the server reads: what a lenient
//! type ignores (the extra fields of an OAuth2 login form, say) is neither stored nor checked.

use serde::de::{self, DeserializeOwned, Visitor};
use serde::forward_to_deserialize_any;

/// The fields `T` reads, when `T` is a struct with a derived `Deserialize`; `None` otherwise
/// (then every field counts as read).
pub fn read_fields<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    let mut listener = Listener(None);
    let _ = T::deserialize(&mut listener);
    listener.0
}

struct Listener(Option<&'static [&'static str]>);

#[derive(Debug)]
struct Heard;

impl std::fmt::Display for Heard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("only the field names were asked for")
    }
}

impl std::error::Error for Heard {}

impl de::Error for Heard {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Heard
    }
}

impl<'de> de::Deserializer<'de> for &mut Listener {
    type Error = Heard;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Heard> {
        Err(Heard)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Heard> {
        self.0 = Some(fields);
        Err(Heard)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Login {
        username: Option<String>,
        #[serde(rename = "pass")]
        password: String,
    }

    #[test]
    fn a_derived_struct_names_its_fields_as_read_off_the_wire() {
        assert_eq!(read_fields::<Login>(), Some(&["username", "pass"][..]));
        assert_eq!(read_fields::<Vec<String>>(), None);
        assert_eq!(read_fields::<serde_json::Value>(), None);
    }
}
