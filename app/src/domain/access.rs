//! Who may change what (PRODUCT.md §6), as pure decisions: the server finds out who is calling
//! and what their role is; these functions say whether that is enough.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A person's role in one repository, from GitHub's permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Maintainer,
    Viewer,
}

impl Role {
    /// Admin, maintain or push (write) make a maintainer; anything less a viewer.
    pub fn from_permissions(admin: bool, maintain: bool, push: bool) -> Role {
        if admin || maintain || push {
            Role::Maintainer
        } else {
            Role::Viewer
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Maintainer => "maintainer",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "maintainer" => Some(Role::Maintainer),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }
}

/// What an API token may change, besides reading what everyone may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Checklists,
    Incidents,
    /// Plans and publishing GitHub releases.
    Releases,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Checklists, Scope::Incidents, Scope::Releases];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Checklists => "checklists",
            Scope::Incidents => "incidents",
            Scope::Releases => "releases",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses `checklists,incidents`: at least one scope, each known, duplicates folded.
pub fn parse_scopes(value: &str) -> Result<Vec<Scope>, String> {
    let mut scopes = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let scope = Scope::ALL
            .into_iter()
            .find(|s| s.as_str() == part)
            .ok_or_else(|| {
                format!("unknown scope '{part}'; the scopes are checklists, incidents and releases")
            })?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err("name at least one scope: checklists, incidents, releases".to_owned());
    }
    scopes.sort();
    Ok(scopes)
}

/// The signed-in person, as pages and handlers see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub user_id: i64,
    pub login: String,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
    /// The administrator of a server without OAuth: maintainer everywhere.
    pub local_admin: bool,
}

/// A machine calling with an API token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenHolder {
    pub token_id: i64,
    pub repository_id: i64,
    pub scopes: Vec<Scope>,
}

/// Who is making a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Caller {
    #[default]
    Anonymous,
    /// Signed in with a session cookie.
    Person(Person),
    Token(TokenHolder),
}

impl Caller {
    pub fn person(&self) -> Option<&Person> {
        match self {
            Caller::Person(person) => Some(person),
            _ => None,
        }
    }
}

/// What a change requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// A maintainer, in person: withdrawals, settings, tokens.
    Maintainer,
    /// A maintainer, or a token of this repository with the scope: CI jobs and bots.
    MaintainerOrToken(Scope),
}

/// Why a change was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 401: nobody is signed in.
    SignInRequired,
    /// 403: signed in, but not allowed.
    Forbidden(String),
}

/// Decides whether `caller` may make a change needing `need` in a repository, given the
/// caller's role there (people only; `None` for tokens and anonymous callers).
pub fn decide(
    caller: &Caller,
    role: Option<Role>,
    repository_id: i64,
    need: Need,
) -> Result<(), Refusal> {
    match caller {
        Caller::Anonymous => Err(Refusal::SignInRequired),
        Caller::Person(person) if person.local_admin => Ok(()),
        Caller::Person(person) => match role {
            Some(Role::Maintainer) => Ok(()),
            _ => Err(Refusal::Forbidden(format!(
                "{} is not a maintainer of this repository on GitHub",
                person.login
            ))),
        },
        Caller::Token(token) => match need {
            Need::Maintainer => Err(Refusal::Forbidden(
                "API tokens cannot do this; a maintainer must sign in".to_owned(),
            )),
            Need::MaintainerOrToken(_) if token.repository_id != repository_id => Err(
                Refusal::Forbidden("this token belongs to another repository".to_owned()),
            ),
            Need::MaintainerOrToken(scope) if !token.scopes.contains(&scope) => Err(
                Refusal::Forbidden(format!("this token lacks the '{scope}' scope")),
            ),
            Need::MaintainerOrToken(_) => Ok(()),
        },
    }
}

/// Where to go after signing in: only a path on this site, never another origin
/// (`//evil.example`, `/\evil.example` and absolute URLs all become `/`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control() || c == '\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// The `scheme://host[:port]` of a URL, lower-cased, as browsers send it in `Origin`.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    if scheme.is_empty() || host.is_empty() {
        return None;
    }
    Some(format!("{}://{}", scheme, host).to_ascii_lowercase())
}

/// Cross-site request forgery check for cookie-authenticated changes: the browser's `Origin`
/// (or, failing that, `Referer`) must be our own origin. A request with neither is refused.
pub fn is_same_origin(origin: Option<&str>, referer: Option<&str>, ours: &str) -> bool {
    // An `Origin` decides when present (`null` included); `Referer` only stands in for it.
    let theirs = match origin {
        Some(origin) => origin_of(origin),
        None => referer.and_then(origin_of),
    };
    theirs.is_some_and(|theirs| theirs == ours.trim_end_matches('/').to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(local_admin: bool) -> Caller {
        Caller::Person(Person {
            user_id: 1,
            login: "octo".into(),
            name: None,
            avatar_url: None,
            local_admin,
        })
    }

    fn token(repository_id: i64, scopes: &[Scope]) -> Caller {
        Caller::Token(TokenHolder {
            token_id: 9,
            repository_id,
            scopes: scopes.to_vec(),
        })
    }

    #[test]
    fn roles_from_github_permissions() {
        assert_eq!(Role::from_permissions(true, false, false), Role::Maintainer);
        assert_eq!(Role::from_permissions(false, true, false), Role::Maintainer);
        assert_eq!(Role::from_permissions(false, false, true), Role::Maintainer);
        assert_eq!(Role::from_permissions(false, false, false), Role::Viewer);
    }

    #[test]
    fn the_access_table() {
        use Need::*;
        use Scope::*;
        let signed_in = Err(Refusal::SignInRequired);
        assert_eq!(decide(&Caller::Anonymous, None, 1, Maintainer), signed_in);
        assert_eq!(
            decide(&Caller::Anonymous, None, 1, MaintainerOrToken(Checklists)),
            signed_in
        );
        for need in [Maintainer, MaintainerOrToken(Incidents)] {
            assert_eq!(
                decide(&person(false), Some(Role::Maintainer), 1, need),
                Ok(())
            );
            assert!(matches!(
                decide(&person(false), Some(Role::Viewer), 1, need),
                Err(Refusal::Forbidden(_))
            ));
            assert!(matches!(
                decide(&person(false), None, 1, need),
                Err(Refusal::Forbidden(_))
            ));
            assert_eq!(decide(&person(true), None, 1, need), Ok(()));
        }
        let ci = token(1, &[Checklists]);
        assert_eq!(decide(&ci, None, 1, MaintainerOrToken(Checklists)), Ok(()));
        assert!(matches!(
            decide(&ci, None, 1, MaintainerOrToken(Incidents)),
            Err(Refusal::Forbidden(m)) if m.contains("'incidents' scope")
        ));
        assert!(matches!(
            decide(&ci, None, 2, MaintainerOrToken(Checklists)),
            Err(Refusal::Forbidden(m)) if m.contains("another repository")
        ));
        assert!(matches!(
            decide(&token(1, &Scope::ALL), None, 1, Maintainer),
            Err(Refusal::Forbidden(_))
        ));
    }

    #[test]
    fn scopes_parse_strictly() {
        assert_eq!(
            parse_scopes("incidents, checklists,incidents"),
            Ok(vec![Scope::Checklists, Scope::Incidents])
        );
        assert!(matches!(parse_scopes("checklists,admin"), Err(m) if m.contains("'admin'")));
        assert!(parse_scopes(" , ").is_err());
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/acme/orbit?channel=rc")),
            "/acme/orbit?channel=rc"
        );
        for hostile in [
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "acme/orbit",
            "/a\r\nSet-Cookie: x=1",
            "",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn same_origin_checks() {
        let ours = "http://127.0.0.1:3000";
        assert!(is_same_origin(Some("http://127.0.0.1:3000"), None, ours));
        assert!(is_same_origin(
            Some("HTTP://127.0.0.1:3000"),
            None,
            "http://127.0.0.1:3000/"
        ));
        assert!(is_same_origin(
            None,
            Some("http://127.0.0.1:3000/acme/orbit?x=1"),
            ours
        ));
        assert!(!is_same_origin(Some("http://evil.example"), None, ours));
        assert!(!is_same_origin(Some("http://127.0.0.1:3001"), None, ours));
        assert!(!is_same_origin(
            Some("http://evil.example"),
            Some("http://127.0.0.1:3000/"),
            ours
        ));
        assert!(!is_same_origin(
            Some("null"),
            Some("http://127.0.0.1:3000/"),
            ours
        ));
        assert!(!is_same_origin(
            None,
            Some("http://127.0.0.1:3000.evil.example/"),
            ours
        ));
        assert!(!is_same_origin(None, None, ours));
    }
}
