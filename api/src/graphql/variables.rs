//! Request parameters read from JSON within bounds, *while* they are parsed: the nesting of
//! `variables`, the length of every list and the number of values. A megabyte of
//! `["SE","SE",…]` is a hundred thousand values, which cost 450 MB once converted and coerced
//! into a filter, and still some 4 ms of CPU when parsed whole and then refused. Read
//! through [`BoundedValue`], such a body is refused at its 1,001st item, having read a few
//! kilobytes. The largest list any argument takes is 1,000 items (`upsertActors.items`).

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::service::write::upsert_actors::MAX_ITEMS;

/// Most items in any list of a request's parameters: the largest list an argument takes.
pub const MAX_LIST_ITEMS: usize = MAX_ITEMS;

/// Most values (scalars, lists and objects) in a request's parameters as a whole: 1,000
/// partner items of some fifty values each, with room to spare.
pub const MAX_VALUES: usize = 100_000;

/// Why parameters are refused. `parameter` is `variables`, `extensions` … (or any other
/// member of a POST body); `key` the variable (or extension) the bound was crossed in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParameterRefusal {
    /// Lists and objects nested deeper than `limits.max_recursive_depth`.
    #[error("`{parameter}{key}` nests deeper than {limit} levels (limits.max_recursive_depth)")]
    TooDeep {
        parameter: String,
        key: String,
        limit: usize,
    },
    /// A list longer than [`MAX_LIST_ITEMS`].
    #[error("`{parameter}{key}` holds a list of more than {MAX_LIST_ITEMS} items")]
    ListTooLong { parameter: String, key: String },
    /// More than [`MAX_VALUES`] values in all.
    #[error("the request's parameters hold more than {MAX_VALUES} values")]
    TooManyValues,
}

/// The bounds of one request, and what has been read against them.
#[derive(Debug)]
pub struct Budget {
    max_depth: usize,
    values: Cell<usize>,
    refusal: RefCell<Option<ParameterRefusal>>,
}

impl Budget {
    /// Lists and objects may nest `max_depth` deep inside each variable.
    pub fn new(max_depth: usize) -> Self {
        Self {
            max_depth,
            values: Cell::new(0),
            refusal: RefCell::new(None),
        }
    }

    /// The bound that stopped the parse, if one did (rather than the JSON's syntax).
    pub fn refusal(&self) -> Option<ParameterRefusal> {
        self.refusal.borrow().clone()
    }

    fn refuse<E: de::Error>(&self, refusal: ParameterRefusal) -> E {
        let message = refusal.to_string();
        *self.refusal.borrow_mut() = Some(refusal);
        E::custom(message)
    }

    fn count<E: de::Error>(&self) -> Result<(), E> {
        let values = self.values.get() + 1;
        self.values.set(values);
        if values > MAX_VALUES {
            return Err(self.refuse(ParameterRefusal::TooManyValues));
        }
        Ok(())
    }
}

/// One JSON value of the parameter `parameter` (its key `key` below the top), read as a
/// [`Value`] within the [`Budget`]. `depth` is the number of lists and objects around it
/// below the parameter itself (so the variables object is at 0, a variable's own value at
/// 1): a parameter that is a map of named values (`variables`) may nest `max_depth` inside
/// each of them.
#[derive(Debug, Clone, Copy)]
pub struct BoundedValue<'a> {
    budget: &'a Budget,
    parameter: &'a str,
    key: &'a str,
    depth: usize,
}

impl<'a> BoundedValue<'a> {
    /// The whole value of `parameter`.
    pub fn parameter(budget: &'a Budget, parameter: &'a str) -> Self {
        Self {
            budget,
            parameter,
            key: "",
            depth: 0,
        }
    }

    fn inner(self, key: &'a str) -> Self {
        Self {
            key,
            depth: self.depth + 1,
            ..self
        }
    }

    fn shown_key(&self) -> String {
        if self.key.is_empty() {
            String::new()
        } else {
            format!(".{}", self.key)
        }
    }

    fn enter_container<E: de::Error>(&self) -> Result<(), E> {
        self.budget.count()?;
        // The parameter's own object does not count: a variable's value starts at 1.
        if self.depth > self.budget.max_depth {
            return Err(self.budget.refuse(ParameterRefusal::TooDeep {
                parameter: self.parameter.to_owned(),
                key: self.shown_key(),
                limit: self.budget.max_depth,
            }));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for BoundedValue<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BoundedValue<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        self.budget.count()?;
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        self.budget.count()?;
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        self.budget.count()?;
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        self.budget.count()?;
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        self.budget.count()?;
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        self.budget.count()?;
        Ok(Value::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.budget.count()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.enter_container()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.inner(self.key))? {
            if items.len() == MAX_LIST_ITEMS {
                return Err(self.budget.refuse(ParameterRefusal::ListTooLong {
                    parameter: self.parameter.to_owned(),
                    key: self.shown_key(),
                }));
            }
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.enter_container()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // Below the top, errors name the top-level key (the variable).
            let named = if self.depth == 0 {
                key.as_str()
            } else {
                self.key
            };
            let value = map.next_value_seed(self.inner(named))?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Reads the JSON text `json` as the value of `parameter` within `budget`.
pub fn parse(json: &str, parameter: &str, budget: &Budget) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let value = BoundedValue::parameter(budget, parameter).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(variables: Value) -> Result<Value, Option<ParameterRefusal>> {
        let budget = Budget::new(4);
        parse(&variables.to_string(), "variables", &budget).map_err(|_| budget.refusal())
    }

    #[test]
    fn ordinary_variables_pass_unchanged() {
        let variables =
            json!({ "filter": { "country": ["SE", "NO"] }, "first": 10, "x": 1.5, "n": null });
        assert_eq!(read(variables.clone()), Ok(variables));
        let items: Vec<Value> = (0..MAX_LIST_ITEMS).map(|n| json!({ "key": n })).collect();
        assert!(read(json!({ "items": items })).is_ok());
    }

    #[test]
    fn long_lists_deep_nesting_and_mass_are_refused() {
        let long: Vec<u8> = vec![1; MAX_LIST_ITEMS + 1];
        assert_eq!(
            read(json!({ "q": long })),
            Err(Some(ParameterRefusal::ListTooLong {
                parameter: "variables".to_owned(),
                key: ".q".to_owned()
            }))
        );
        // The limit counts lists and objects inside each variable, its own value first.
        assert!(read(json!({ "a": [[[[1]]]] })).is_ok(), "four lists");
        assert_eq!(
            read(json!({ "a": { "b": { "c": { "d": { "e": { "f": 1 } } } } } })),
            Err(Some(ParameterRefusal::TooDeep {
                parameter: "variables".to_owned(),
                key: ".a".to_owned(),
                limit: 4
            }))
        );
        let wide: Vec<Vec<u8>> = vec![vec![1; MAX_LIST_ITEMS]; MAX_VALUES / MAX_LIST_ITEMS + 1];
        assert_eq!(
            read(json!({ "w": wide })),
            Err(Some(ParameterRefusal::TooManyValues)),
            "lists within the length limit, too many of them"
        );
    }

    #[test]
    fn a_long_list_is_refused_without_reading_the_rest() {
        // The text after the 1,001st item is not even valid JSON: the parse stops first.
        let text = format!("{{\"q\": [{}1, 2, 3, {{", "1, ".repeat(MAX_LIST_ITEMS));
        let budget = Budget::new(4);
        assert!(parse(&text, "variables", &budget).is_err());
        assert!(matches!(
            budget.refusal(),
            Some(ParameterRefusal::ListTooLong { .. })
        ));
    }

    #[test]
    fn syntax_errors_are_not_refusals() {
        let budget = Budget::new(4);
        assert!(parse("{\"a\": [1,", "variables", &budget).is_err());
        assert_eq!(budget.refusal(), None);
    }
}
