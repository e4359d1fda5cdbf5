//! Reading an exchange file strictly: a JSON object that names a field twice
//! is refused (serde_json would keep the last value silently), and a record
//! of the wrong type is refused naming the field, not only the record.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Where a field appeared twice: the record path (`tickets[3]`) and the field.
pub type Duplicate = (String, String);

/// Parses `text` as JSON, refusing any object with a repeated key; on a
/// repeat, `Err(Ok(duplicate))`; on bad JSON, `Err(Err(serde error))`.
pub fn parse(text: &str) -> Result<Value, Result<Duplicate, serde_json::Error>> {
    parse_at(text, String::new())
}

/// [`parse`] of one record's text, `path` naming the record (`tickets[3]`).
pub fn parse_at(text: &str, path: String) -> Result<Value, Result<Duplicate, serde_json::Error>> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed { path, found: &found }.deserialize(&mut de);
    let value = value.and_then(|v| de.end().map(|()| v));
    match (value, found.into_inner()) {
        (_, Some(dup)) => Err(Ok(dup)),
        (Ok(v), None) => Ok(v),
        (Err(e), None) => Err(Err(e)),
    }
}

/// Reads one JSON value strictly; `path` names the record it is in, and a
/// repeated field is noted in `found` (the value then fails).
pub struct Seed<'a> {
    path: String,
    found: &'a RefCell<Option<Duplicate>>,
}

impl<'a> Seed<'a> {
    pub fn new(path: String, found: &'a RefCell<Option<Duplicate>>) -> Self {
        Seed { path, found }
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed {
            path: format!("{}[{}]", self.path, items.len()),
            found: self.found,
        })? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                self.path.clone()
            };
            let value = map.next_value_seed(Seed {
                path,
                found: self.found,
            })?;
            if out.contains_key(&key) {
                let record = if self.path.is_empty() {
                    "the file".to_string()
                } else {
                    self.path.clone()
                };
                *self.found.borrow_mut() = Some((record, key));
                return Err(de::Error::custom("duplicate key"));
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// The field of `record` whose value `T` cannot take: the first field whose
/// removal changes the error (serde reports missing fields only after
/// reading every present one, so removing any other field leaves it alone).
pub fn culprit<T: serde::de::DeserializeOwned>(record: &Value, error: &str) -> Option<String> {
    let Value::Object(fields) = record else { return None };
    fields.keys().find_map(|k| {
        let mut without = fields.clone();
        without.remove(k);
        match serde_json::from_value::<T>(Value::Object(without)) {
            Err(e) if e.to_string() == error => None,
            _ => Some(k.clone()),
        }
    })
}
