//! A block-style YAML writer for JSON values, for CloudFormation templates.
//!
//! `serde_json` keeps object keys sorted, so the writer puts the keys that CloudFormation
//! readers expect first (`Type` before `Properties`, `Effect` before `Action`) and sorts
//! the rest. Strings that YAML could read as another type, or that hold characters with a
//! meaning in YAML, are written as JSON strings, which are valid YAML double-quoted
//! scalars.

use serde_json::{Map, Value};

/// Key orders of the maps that CloudFormation readers know, chosen by a marker key.
const KEY_ORDERS: [(&str, &[&str]); 4] = [
    (
        "AWSTemplateFormatVersion",
        &[
            "AWSTemplateFormatVersion",
            "Transform",
            "Description",
            "Metadata",
            "Parameters",
            "Conditions",
            "Globals",
            "Resources",
            "Outputs",
        ],
    ),
    (
        "Effect",
        &[
            "Sid",
            "Effect",
            "Principal",
            "Action",
            "Resource",
            "Condition",
        ],
    ),
    ("Statement", &["Version", "Statement"]),
    (
        "Type",
        &[
            "Type",
            "Condition",
            "DependsOn",
            "DeletionPolicy",
            "UpdateReplacePolicy",
            "Metadata",
            "Properties",
        ],
    ),
];

/// Lists of scalars up to this many characters are written in flow style, `[a, b]`.
const MAX_FLOW_LIST_LENGTH: usize = 72;

/// Writes `value`, which must be an object, as a YAML document.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) => write_map(&mut out, map, 0, false),
        other => {
            out.push_str(&inline(other).unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

/// Returns the keys of `map` in the order they are written.
fn ordered_keys(map: &Map<String, Value>) -> Vec<&str> {
    let preferred: &[&str] = KEY_ORDERS
        .iter()
        .find(|(marker, _)| map.contains_key(*marker))
        .map_or(&[], |(_, order)| order);
    let mut keys: Vec<&str> = preferred
        .iter()
        .copied()
        .filter(|key| map.contains_key(*key))
        .collect();
    keys.extend(
        map.keys()
            .map(String::as_str)
            .filter(|key| !preferred.contains(key)),
    );
    keys
}

/// Writes the entries of `map` at `indent`. When `continues_line` is set, the first entry
/// goes on the current line, after a list item's `- `.
fn write_map(out: &mut String, map: &Map<String, Value>, indent: usize, continues_line: bool) {
    for (index, key) in ordered_keys(map).into_iter().enumerate() {
        if index > 0 || !continues_line {
            push_indent(out, indent);
        }
        out.push_str(&scalar(key, false));
        out.push(':');
        write_value(out, &map[key], indent + 2);
    }
}

/// Writes a value after a key or list marker: inline when it fits on the line, else as a
/// block at `indent`.
fn write_value(out: &mut String, value: &Value, indent: usize) {
    if let Some(text) = inline(value) {
        out.push(' ');
        out.push_str(&text);
        out.push('\n');
        return;
    }
    out.push('\n');
    match value {
        Value::Object(map) => write_map(out, map, indent, false),
        Value::Array(items) => write_list(out, items, indent),
        _ => unreachable!("scalars are always inline"),
    }
}

fn write_list(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        push_indent(out, indent);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                out.push(' ');
                write_map(out, map, indent + 2, true);
            }
            other => write_value(out, other, indent + 2),
        }
    }
}

/// Returns the one-line form of a scalar, an empty collection or a short list of scalars,
/// or `None` when the value needs a block.
fn inline(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("null".to_owned()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::String(text) => Some(scalar(text, false)),
        Value::Object(map) if map.is_empty() => Some("{}".to_owned()),
        Value::Object(_) => None,
        Value::Array(items) if items.is_empty() => Some("[]".to_owned()),
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(text) => parts.push(scalar(text, true)),
                    Value::Number(_) | Value::Bool(_) => parts.push(inline(item)?),
                    _ => return None,
                }
            }
            let text = format!("[{}]", parts.join(", "));
            (text.len() <= MAX_FLOW_LIST_LENGTH).then_some(text)
        }
    }
}

/// Returns `text` as a plain scalar when YAML reads it back as the same string, else as a
/// double-quoted one. Inside flow lists (`in_flow`), a `:` also forces quotes, because
/// some YAML 1.1 parsers reject it there.
fn scalar(text: &str, in_flow: bool) -> String {
    if is_plain(text) && !(in_flow && text.contains(':')) {
        text.to_owned()
    } else {
        serde_json::to_string(text).expect("a string serializes")
    }
}

fn is_plain(text: &str) -> bool {
    const RESERVED: [&str; 11] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "",
    ];
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_') {
        return false;
    }
    if RESERVED.contains(&text.to_ascii_lowercase().as_str()) {
        return false;
    }
    if text.ends_with(' ') || text.ends_with(':') || text.contains(": ") {
        return false;
    }
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || " _-./:()@=+".contains(c))
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resource_keys_start_with_type() {
        let text = to_yaml(&json!({
            "Resources": {"Table": {"Properties": {"A": 1}, "Type": "AWS::DynamoDB::Table"}}
        }));
        assert_eq!(
            text,
            "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      A: 1\n"
        );
    }

    #[test]
    fn statement_keys_follow_policy_order() {
        let text = to_yaml(&json!({
            "Statement": [{"Resource": "*", "Action": "s3:GetObject", "Effect": "Allow"}],
            "Version": "2012-10-17"
        }));
        assert_eq!(
            text,
            "Version: \"2012-10-17\"\nStatement:\n  - Effect: Allow\n    Action: s3:GetObject\n    Resource: \"*\"\n"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for text in [
            "true",
            "No",
            "null",
            "2010-09-09",
            "8",
            "*",
            "a: b",
            "#x",
            "",
            " x",
            "x:",
        ] {
            assert!(scalar(text, false).starts_with('"'), "{text:?}");
        }
        for text in ["AWS::Serverless::Function", "rate(1 day)", "/me", "arm64"] {
            assert_eq!(scalar(text, false), text);
        }
    }

    #[test]
    fn short_scalar_lists_use_flow_style() {
        let text = to_yaml(&json!({"A": ["x", "y:z"], "B": [{"C": 1}]}));
        assert_eq!(text, "A: [x, \"y:z\"]\nB:\n  - C: 1\n");
    }
}
