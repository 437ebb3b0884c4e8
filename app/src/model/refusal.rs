//! What a refused change says to the person who asked for it.

use crate::error::AppError;

/// What a refused change says to a person: each refused field's problem, or the error.
pub fn refusal_message(err: &AppError) -> String {
    match err {
        AppError::Validation { fields, .. } => {
            fields.values().cloned().collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

/// What was wrong with a refused form, by field; a refusal that names no field is the whole
/// form's (`form`). `None` for a failure of ours, which is no refusal.
pub fn refusal_problems(err: &AppError) -> Option<std::collections::BTreeMap<String, String>> {
    match err {
        AppError::Validation { fields, .. } => Some(fields.clone()),
        other if other.status().is_client_error() => Some(std::collections::BTreeMap::from([(
            "form".to_owned(),
            other.to_string(),
        )])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn a_refusal_names_each_field_or_the_whole_form_and_a_failure_is_none() {
        let invalid = AppError::validation([
            ("reason", "say why".to_owned()),
            ("superseded_by", "newer".to_owned()),
        ]);
        assert_eq!(refusal_message(&invalid), "say why; newer");
        assert_eq!(
            refusal_problems(&invalid),
            Some(BTreeMap::from([
                ("reason".to_owned(), "say why".to_owned()),
                ("superseded_by".to_owned(), "newer".to_owned())
            ]))
        );
        let conflict = AppError::Conflict("changed first".to_owned());
        assert_eq!(refusal_message(&conflict), "changed first");
        assert_eq!(
            refusal_problems(&conflict),
            Some(BTreeMap::from([(
                "form".to_owned(),
                "changed first".to_owned()
            )]))
        );
        assert_eq!(refusal_problems(&AppError::Internal), None);
    }
}
