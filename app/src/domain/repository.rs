//! GitHub repository names, `OWNER/NAME`.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoName {
    pub owner: String,
    pub name: String,
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl RepoName {
    /// Parses `OWNER/NAME` by GitHub's rules: an owner is 1–39 letters, digits or single
    /// hyphens, not at either end; a name is 1–100 letters, digits, `.`, `-` or `_`, and
    /// neither `.` nor `..`.
    pub fn parse(text: &str) -> Result<RepoName, String> {
        let invalid =
            |why: &str| format!("'{text}' is not a GitHub repository (OWNER/NAME): {why}");
        let (owner, name) = text
            .trim()
            .split_once('/')
            .ok_or_else(|| invalid("no '/'"))?;
        let owner_ok = (1..=39).contains(&owner.len())
            && owner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !owner.starts_with('-')
            && !owner.ends_with('-')
            && !owner.contains("--");
        if !owner_ok {
            return Err(invalid(
                "the owner may hold letters, digits and single inner hyphens",
            ));
        }
        let name_ok = (1..=100).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            && name != "."
            && name != "..";
        if !name_ok {
            return Err(invalid(
                "the name may hold letters, digits, '.', '-' and '_'",
            ));
        }
        Ok(RepoName {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_repository_names() {
        for text in [
            "grafana/alloy",
            "rust-lang/crates.io",
            "a/b",
            "leptos-rs/start_axum",
            " o/n ",
        ] {
            assert!(RepoName::parse(text).is_ok(), "{text}");
        }
        let parsed = RepoName::parse("rust-lang/crates.io").expect("valid");
        assert_eq!(parsed.to_string(), "rust-lang/crates.io");
    }

    #[test]
    fn rejects_what_github_would_not_name_a_repository() {
        for text in [
            "",
            "alloy",
            "/alloy",
            "grafana/",
            "grafana/alloy/extra",
            "-grafana/alloy",
            "gra--fana/alloy",
            "gra fana/alloy",
            "grafana/..",
            "grafana/al loy",
            "grafana/al%2Floy",
        ] {
            assert!(RepoName::parse(text).is_err(), "{text:?}");
        }
        assert!(RepoName::parse(&format!("{}/x", "a".repeat(40))).is_err());
    }
}
