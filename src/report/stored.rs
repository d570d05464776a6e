//! An interview's stored answers as an export reads them: in place from
//! the stored JSON (a value is copied only when it holds an escape), kept
//! in key order, as they are stored, and looked up by halving. An export
//! reads every interview once: building a tree of its answers, copying
//! every value, cost more than writing them.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

/// Answers by key (`age[2]` for row 2 of a roster question).
#[derive(Debug, Default, PartialEq)]
pub(super) struct Stored<'r>(Vec<(&'r str, Cow<'r, str>)>);

impl<'r> Stored<'r> {
    /// The answers of `json`, an object of texts.
    pub(super) fn parse(json: &'r str) -> serde_json::Result<Stored<'r>> {
        serde_json::from_str(json)
    }

    /// `pairs` in key order; of a key given twice, the last (as a map
    /// read from JSON keeps it).
    pub(super) fn from_pairs(mut pairs: Vec<(&'r str, Cow<'r, str>)>) -> Stored<'r> {
        if !pairs.is_sorted_by(|a, b| a.0 < b.0) {
            pairs.reverse();
            // Stable: of equal keys the last given comes first and stays.
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            pairs.dedup_by(|later, kept| later.0 == kept.0);
        }
        Stored(pairs)
    }

    pub(super) fn get(&self, key: &str) -> Option<&Cow<'r, str>> {
        let at = self.0.binary_search_by(|(k, _)| (*k).cmp(key)).ok()?;
        Some(&self.0[at].1)
    }

    /// Every answer, in key order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&'r str, &Cow<'r, str>)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    pub(super) fn keys(&self) -> impl Iterator<Item = &'r str> {
        self.0.iter().map(|(k, _)| *k)
    }

    /// Keeps the answers whose key `keep` says.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|(k, _)| keep(k));
    }
}

impl<'de> Deserialize<'de> for Stored<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Stored<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(16));
                while let Some((key, Text(value))) = map.next_entry::<&'de str, Text<'de>>()? {
                    pairs.push((key, value));
                }
                Ok(Stored::from_pairs(pairs))
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// A text borrowed from the JSON when it holds no escape.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Of;
        impl<'de> Visitor<'de> for Of {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Of)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn reads_as_a_map_of_the_json_reads() {
        let json = r#"{"b":"2","a":"say \"hi\"","a0[1]":"x","a[1]":"y","b":"3"}"#;
        let stored = Stored::parse(json).expect("an object of texts");
        let map: BTreeMap<&str, Cow<'_, str>> = serde_json::from_str(json).expect("a map");
        assert_eq!(
            stored.iter().collect::<Vec<_>>(),
            map.iter().map(|(k, v)| (*k, v)).collect::<Vec<_>>()
        );
        assert_eq!(
            stored.get("b").map(|v| v.as_ref()),
            Some("3"),
            "the last of a key given twice"
        );
        assert_eq!(stored.get("a").map(|v| v.as_ref()), Some("say \"hi\""));
        assert!(
            matches!(stored.get("a0[1]"), Some(Cow::Borrowed("x"))),
            "borrowed, not copied"
        );
        assert_eq!(stored.get("c"), None);
        assert!(Stored::parse(r#"{"a":1}"#).is_err(), "only texts");
        assert!(Stored::parse(r#"["a"]"#).is_err());
    }

    proptest! {
        #[test]
        fn any_object_reads_as_the_map(
            pairs in prop::collection::vec(("[a-c_0-9\\[\\]]{1,4}", "[a-z\"\\\\ 饮]{0,4}"), 0..12)
        ) {
            let mut json = String::from("{");
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                json.push_str(&serde_json::to_string(k).expect("a key"));
                json.push(':');
                json.push_str(&serde_json::to_string(v).expect("a value"));
            }
            json.push('}');
            let stored = Stored::parse(&json).expect("an object of texts");
            let map: BTreeMap<&str, Cow<'_, str>> = serde_json::from_str(&json).expect("a map");
            prop_assert_eq!(stored.keys().collect::<Vec<_>>(), map.keys().copied().collect::<Vec<_>>());
            for (k, v) in &map {
                prop_assert_eq!(stored.get(k), Some(v));
            }
        }
    }
}
