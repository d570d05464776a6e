//! A JSON Schema of the questionnaire format, for editors: Taplo (and Even
//! Better TOML, which runs it) completes the keys from it and marks a typo
//! as the loader would. Built from the same key lists the loader accepts,
//! so the two cannot drift apart; the loader stays the judge of everything
//! a schema cannot say (expressions, names, cycles).

use serde_json::{Map, Value, json};

use super::{CHOICE_KEYS, NEED_KEYS, QUESTION_KEYS, ROOT_KEYS, SECTION_KEYS, SURVEY_KEYS};
use crate::survey::{Mode, QuestionKind, Special};

/// What each key holds, with a line for the editor's hover.
fn property(key: &str) -> Value {
    let text = json!({ "type": "string" });
    let label = json!({
        "description": "text, or a table of language → text / 文字,或按语言分的表",
        "anyOf": [
            { "type": "string" },
            { "type": "object", "additionalProperties": { "type": "string" } }
        ]
    });
    let expression = json!({
        "type": "string",
        "description": "an XLSForm expression / XLSForm 表达式"
    });
    let number = json!({ "type": "number" });
    match key {
        "title" | "description" | "label" | "hint" | "constraint_message" | "unit" | "project" => {
            label
        }
        "relevant" | "constraint" | "when" | "calculation" | "repeat_count" => expression,
        "row_label" => json!({
            "type": "string",
            "description": "how a row is named, such as \"${child_name}\" / 行的名字,如 \"${child_name}\""
        }),
        "repeat" => json!({
            "type": "string",
            "description": "the roster the rule is counted on, per row / 按名单的每一行计算"
        }),
        "special" => json!({
            "type": "array",
            "items": { "type": "string", "enum": Special::ALL.map(Special::name) },
            "uniqueItems": true
        }),
        "mode" => json!({ "type": "string", "enum": [Mode::Once.name(), Mode::Visit.name()] }),
        "languages" => json!({ "type": "array", "items": { "type": "string" }, "minItems": 1 }),
        "required" => json!({ "type": "boolean" }),
        "min" | "max" | "unit_cost" => number,
        "severity" => json!({ "type": "integer", "minimum": 1, "maximum": 5 }),
        "type" => json!({
            "type": "string",
            "enum": QuestionKind::ALL.map(QuestionKind::name)
        }),
        _ => text,
    }
}

/// An object of exactly `keys`, those in `required` required.
fn object(keys: &[&str], required: &[&str], nested: &[(&str, Value)]) -> Value {
    let mut properties = Map::new();
    for key in keys {
        let value = nested
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(|| property(key), |(_, v)| v.clone());
        properties.insert((*key).to_string(), value);
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

fn array_of(item: Value) -> Value {
    json!({ "type": "array", "items": item })
}

/// The schema, as JSON text.
pub fn schema() -> String {
    let question = object(QUESTION_KEYS, &["name", "type"], &[]);
    let section = object(SECTION_KEYS, &["name"], &[("question", array_of(question))]);
    let choice = object(CHOICE_KEYS, &["name", "label"], &[]);
    let choices = json!({ "type": "object", "additionalProperties": array_of(choice) });
    let survey = object(SURVEY_KEYS, &["id", "version", "title"], &[]);
    let need = object(NEED_KEYS, &["name", "when", "severity"], &[]);
    let mut root = object(
        ROOT_KEYS,
        &["survey", "section"],
        &[
            ("survey", survey),
            ("choices", choices),
            ("section", array_of(section)),
            ("need", array_of(need)),
        ],
    );
    if let Value::Object(root) = &mut root {
        root.insert(
            "$schema".into(),
            json!("http://json-schema.org/draft-07/schema#"),
        );
        root.insert("title".into(), json!("Minqing questionnaire / 民情问卷"));
    }
    serde_json::to_string_pretty(&root).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &Value, path: &[&str]) -> Vec<String> {
        let mut at = v;
        for step in path {
            at = &at[*step];
        }
        let mut out: Vec<String> = at["properties"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        out.sort();
        out
    }

    fn sorted(list: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        out.sort();
        out
    }

    #[test]
    fn the_schema_names_exactly_the_keys_the_loader_accepts() {
        let v: Value = serde_json::from_str(&schema()).expect("JSON");
        assert_eq!(keys(&v, &[]), sorted(ROOT_KEYS));
        assert_eq!(keys(&v, &["properties", "survey"]), sorted(SURVEY_KEYS));
        assert_eq!(
            keys(&v, &["properties", "section", "items"]),
            sorted(SECTION_KEYS)
        );
        assert_eq!(
            keys(
                &v,
                &[
                    "properties",
                    "section",
                    "items",
                    "properties",
                    "question",
                    "items"
                ]
            ),
            sorted(QUESTION_KEYS)
        );
        assert_eq!(
            keys(&v, &["properties", "need", "items"]),
            sorted(NEED_KEYS)
        );
        let types = &v["properties"]["section"]["items"]["properties"]["question"]["items"]["properties"]
            ["type"]["enum"];
        assert_eq!(
            types.as_array().map(Vec::len),
            Some(QuestionKind::ALL.len())
        );
    }
}
