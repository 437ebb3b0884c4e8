//! The REST API's description as the docs page shows it: operations grouped by tag, and the
//! shapes they answer with, read from the OpenAPI document the server generates.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiDescription {
    pub title: String,
    pub description: String,
    pub openapi: String,
    pub groups: Vec<ApiGroup>,
    pub schemas: Vec<SchemaInfo>,
}

/// The operations of one tag, in document order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiGroup {
    pub tag: String,
    pub description: String,
    pub operations: Vec<Operation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// Upper case: `GET`.
    pub method: String,
    pub path: String,
    /// The first paragraph of the handler's documentation.
    pub summary: String,
    pub parameters: Vec<Parameter>,
    /// What the body must be, when there is one.
    pub request_body: Option<String>,
    pub responses: Vec<ResponseInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    pub required: bool,
    pub description: String,
    pub example: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseInfo {
    pub status: String,
    pub description: String,
    /// The media type and shape, e.g. `application/json: VersionDetail`.
    pub content: Option<String>,
}

/// A named shape and its fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaInfo {
    pub name: String,
    pub description: String,
    /// `(name, type, required, description)`; empty for enums and other non-objects.
    pub fields: Vec<Field>,
    /// For enums: the values.
    pub values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

/// Text with `inline code` marked as in Markdown: the pieces, and whether each is code. A
/// backtick without its pair stays text.
pub fn code_spans(text: &str) -> Vec<(String, bool)> {
    let mut spans = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(length) = rest[open + 1..].find('`') else {
            break;
        };
        if open > 0 {
            spans.push((rest[..open].to_owned(), false));
        }
        spans.push((rest[open + 1..open + 1 + length].to_owned(), true));
        rest = &rest[open + 2 + length..];
    }
    if !rest.is_empty() {
        spans.push((rest.to_owned(), false));
    }
    spans
}

#[cfg(feature = "ssr")]
pub use reading::describe;

#[cfg(feature = "ssr")]
mod reading {
    use serde_json::Value;

    use super::*;

    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

    fn text(value: &Value, key: &str) -> String {
        value[key].as_str().unwrap_or_default().to_owned()
    }

    /// A schema in a few words: `VersionItem`, `array of VersionItem`, `string or null`.
    pub(super) fn kind(schema: &Value) -> String {
        if let Some(reference) = schema["$ref"].as_str() {
            return reference.rsplit('/').next().unwrap_or(reference).to_owned();
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(options) = schema[key].as_array() {
                let kinds: Vec<String> = options.iter().map(kind).collect();
                return kinds.join(if key == "allOf" { " and " } else { " or " });
            }
        }
        let types: Vec<String> = match &schema["type"] {
            Value::String(t) => vec![t.clone()],
            Value::Array(ts) => ts
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let types: Vec<String> = types
            .into_iter()
            .map(|t| match t.as_str() {
                "array" => format!("array of {}", kind(&schema["items"])),
                "null" => t,
                _ => match schema["format"].as_str() {
                    Some(format) => format!("{t} ({format})"),
                    None => t,
                },
            })
            .collect();
        if types.is_empty() {
            "any".to_owned()
        } else {
            types.join(" or ")
        }
    }

    fn example(value: &Value) -> Option<String> {
        match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    fn content(value: &Value) -> Option<String> {
        let content = value["content"].as_object()?;
        let parts: Vec<String> = content
            .iter()
            .map(|(media, body)| format!("{media}: {}", kind(&body["schema"])))
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    fn operation(method: &str, path: &str, op: &Value) -> Operation {
        let parameters = op["parameters"]
            .as_array()
            .map(|params| {
                params
                    .iter()
                    .map(|p| Parameter {
                        name: text(p, "name"),
                        location: text(p, "in"),
                        required: p["required"].as_bool().unwrap_or(false),
                        description: text(p, "description"),
                        example: example(&p["example"]),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let responses = op["responses"]
            .as_object()
            .map(|responses| {
                responses
                    .iter()
                    .map(|(status, r)| ResponseInfo {
                        status: status.clone(),
                        description: text(r, "description"),
                        content: content(r),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let summary = op["summary"]
            .as_str()
            .or(op["description"].as_str())
            .unwrap_or_default();
        Operation {
            method: method.to_uppercase(),
            path: path.to_owned(),
            summary: summary.split("\n\n").next().unwrap_or_default().to_owned(),
            parameters,
            request_body: content(&op["requestBody"]),
            responses,
        }
    }

    fn schema(name: &str, schema: &Value) -> SchemaInfo {
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let fields = schema["properties"]
            .as_object()
            .map(|properties| {
                properties
                    .iter()
                    .map(|(field, s)| Field {
                        name: field.clone(),
                        kind: kind(s),
                        required: required.contains(&field.as_str()),
                        description: text(s, "description"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let values = schema["enum"]
            .as_array()
            .map(|values| values.iter().filter_map(example).collect())
            .unwrap_or_default();
        SchemaInfo {
            name: name.to_owned(),
            description: text(schema, "description"),
            fields,
            values,
        }
    }

    /// Reads an OpenAPI document; parts it does not know are left out, never an error.
    pub fn describe(document: &Value) -> ApiDescription {
        let mut groups: Vec<ApiGroup> = document["tags"]
            .as_array()
            .map(|tags| {
                tags.iter()
                    .map(|t| ApiGroup {
                        tag: text(t, "name"),
                        description: text(t, "description"),
                        operations: Vec::new(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for method in METHODS {
                let op = &item[method];
                if op.is_null() {
                    continue;
                }
                let tag = op["tags"][0].as_str().unwrap_or("other").to_owned();
                let group = match groups.iter().position(|g| g.tag == tag) {
                    Some(i) => &mut groups[i],
                    None => {
                        groups.push(ApiGroup {
                            tag,
                            description: String::new(),
                            operations: Vec::new(),
                        });
                        let last = groups.len() - 1;
                        &mut groups[last]
                    }
                };
                group.operations.push(operation(method, path, op));
            }
        }
        groups.retain(|g| !g.operations.is_empty());
        let schemas = document["components"]["schemas"]
            .as_object()
            .map(|schemas| schemas.iter().map(|(name, s)| schema(name, s)).collect())
            .unwrap_or_default();
        ApiDescription {
            title: text(&document["info"], "title"),
            description: text(&document["info"], "description"),
            openapi: text(document, "openapi"),
            groups,
            schemas,
        }
    }
}

#[cfg(test)]
mod span_tests {
    use super::code_spans;

    #[test]
    fn backticks_mark_code() {
        assert_eq!(
            code_spans("use `q` or `line`."),
            [
                ("use ".to_owned(), false),
                ("q".to_owned(), true),
                (" or ".to_owned(), false),
                ("line".to_owned(), true),
                (".".to_owned(), false),
            ]
        );
        assert_eq!(code_spans("plain"), [("plain".to_owned(), false)]);
        assert_eq!(code_spans("a `b"), [("a `b".to_owned(), false)]);
        assert!(code_spans("").is_empty());
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_operations_by_tag_and_schemas() {
        let document = json!({
            "openapi": "3.1.0",
            "info": { "title": "T", "description": "D" },
            "tags": [{ "name": "versions", "description": "Versions" }, { "name": "empty" }],
            "paths": {
                "/api/v1/x/{id}": {
                    "get": {
                        "tags": ["versions"],
                        "description": "First line.\n\nMore.",
                        "parameters": [{ "name": "id", "in": "path", "required": true,
                                         "description": "The id", "example": "v1" }],
                        "responses": {
                            "200": { "description": "OK", "content": { "application/json": {
                                "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Item" } } } } },
                            "404": { "description": "Missing" }
                        }
                    },
                    "delete": { "responses": {} }
                }
            },
            "components": { "schemas": {
                "Item": { "type": "object", "required": ["a"], "properties": {
                    "a": { "type": "string", "description": "An a" },
                    "b": { "type": ["integer", "null"], "format": "int64" } } },
                "Phase": { "type": "string", "enum": ["full", "eol"] }
            } }
        });
        let api = describe(&document);
        assert_eq!((api.title.as_str(), api.openapi.as_str()), ("T", "3.1.0"));
        let tags: Vec<&str> = api.groups.iter().map(|g| g.tag.as_str()).collect();
        assert_eq!(tags, ["versions", "other"], "empty tags are left out");
        let get = &api.groups[0].operations[0];
        assert_eq!(
            (get.method.as_str(), get.summary.as_str()),
            ("GET", "First line.")
        );
        assert_eq!(get.parameters[0].example.as_deref(), Some("v1"));
        assert_eq!(
            get.responses[0].content.as_deref(),
            Some("application/json: array of Item")
        );
        assert_eq!(get.responses[1].content, None);
        let item = &api.schemas[0];
        assert_eq!(item.fields[0].kind, "string");
        assert!(item.fields[0].required);
        assert_eq!(item.fields[1].kind, "integer (int64) or null");
        assert_eq!(api.schemas[1].values, ["full", "eol"]);
    }
}
