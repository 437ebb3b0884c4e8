//! JSON request bodies read field by field, so that a 422 names every field that is wrong
//! rather than serde's first mistake. The request structs the OpenAPI description shows are
//! built here, each read where its handler reads it today.

use app::error::AppError;
use serde_json::{Map, Value};

/// The fields of a JSON object body, and every problem met reading them.
pub(crate) struct Fields {
    object: Map<String, Value>,
    problems: Vec<(&'static str, String)>,
}

impl Fields {
    /// 400 unless the body is a JSON object.
    pub(crate) fn of(body: &[u8]) -> Result<Fields, AppError> {
        let object = serde_json::from_slice(body).map_err(|err| {
            AppError::BadRequest(format!("the body must be a JSON object: {err}"))
        })?;
        Ok(Fields {
            object,
            problems: Vec::new(),
        })
    }

    pub(crate) fn has(&self, field: &str) -> bool {
        self.object.contains_key(field)
    }

    pub(crate) fn value(&self, field: &str) -> Option<&Value> {
        self.object.get(field)
    }

    /// A text field: `None` when absent; null is empty text when `nullable`, else a problem,
    /// like any other value that is not a string.
    pub(crate) fn text(&mut self, field: &'static str, nullable: bool) -> Option<String> {
        match self.object.get(field) {
            None => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(Value::Null) if nullable => Some(String::new()),
            Some(_) => {
                self.problem(field, "a string");
                None
            }
        }
    }

    /// A text field where anything but a string counts as empty: the service's own check then
    /// names the field in its words.
    pub(crate) fn lenient_text(&self, field: &str) -> String {
        self.object
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    /// An integer field: `None` when absent or null, else `problem` when not an integer.
    pub(crate) fn integer(&mut self, field: &'static str, problem: &str) -> Option<i64> {
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(value) => value.as_i64().or_else(|| {
                self.problem(field, problem);
                None
            }),
        }
    }

    /// A true-or-false field: `None` when absent or null.
    pub(crate) fn flag(&mut self, field: &'static str) -> Option<bool> {
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(flag)) => Some(*flag),
            Some(_) => {
                self.problem(field, "true or false");
                None
            }
        }
    }

    /// A list of strings: `None` when absent or null.
    pub(crate) fn strings(&mut self, field: &'static str) -> Option<Vec<String>> {
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect(),
            ),
            Some(_) => {
                self.problem(field, "a list of strings");
                None
            }
        }
    }

    pub(crate) fn problem(&mut self, field: &'static str, problem: &str) {
        self.problems.push((field, problem.to_owned()));
    }

    /// 422 naming every field that was wrong, if any was.
    pub(crate) fn finish(self) -> Result<(), AppError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::validation(self.problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(err: AppError) -> Vec<String> {
        match err {
            AppError::Validation { fields, .. } => fields.into_keys().collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn each_wrong_field_is_named_and_absent_fields_are_none() {
        let mut fields =
            Fields::of(br#"{"title": 7, "impact": null, "count": "x", "published": 1}"#)
                .expect("an object");
        assert_eq!(fields.text("title", false), None);
        assert_eq!(fields.text("impact", true).as_deref(), Some(""));
        assert_eq!(fields.text("issue", false), None);
        assert_eq!(fields.integer("count", "an integer"), None);
        assert_eq!(fields.flag("published"), None);
        assert_eq!(fields.lenient_text("title"), "");
        assert!(fields.has("impact") && !fields.has("issue"));
        let err = fields.finish().expect_err("problems");
        assert_eq!(problems(err), ["count", "published", "title"]);
    }

    #[test]
    fn a_body_that_is_no_object_is_a_bad_request() {
        for body in [&b"[1]"[..], b"nope", b""] {
            assert!(matches!(Fields::of(body), Err(AppError::BadRequest(_))));
        }
        let mut fields = Fields::of(br#"{"n": 3, "ok": true, "s": "x"}"#).expect("an object");
        assert_eq!(fields.integer("n", "an integer"), Some(3));
        assert_eq!(fields.flag("ok"), Some(true));
        assert_eq!(fields.text("s", false).as_deref(), Some("x"));
        assert!(fields.finish().is_ok());
    }
}
