//! GitHub App mode's set-up: the manifest that registers an App for this server (GitHub's
//! manifest flow), where it is posted, and what a person may type into the form.

/// What Release Desk asks of GitHub: reads for evidence, contents to publish releases, checks
/// for the release gate.
pub const PERMISSIONS: [(&str, &str); 8] = [
    ("contents", "write"),
    ("metadata", "read"),
    ("checks", "write"),
    ("statuses", "read"),
    ("actions", "read"),
    ("security_events", "read"),
    ("vulnerability_alerts", "read"),
    ("attestations", "read"),
];

/// The events the webhook handles (`installation` and `installation_repositories` come to
/// every App unasked).
pub const EVENTS: [&str; 10] = [
    "release",
    "create",
    "delete",
    "push",
    "check_run",
    "check_suite",
    "status",
    "workflow_run",
    "code_scanning_alert",
    "dependabot_alert",
];

/// The App's name unless the form says otherwise.
pub const DEFAULT_NAME: &str = "Release Desk";
/// The longest name GitHub takes for an App.
pub const MAX_NAME: usize = 34;

/// A permission as GitHub's settings page words it.
pub fn permission_label(name: &str) -> &str {
    match name {
        "contents" => "Contents",
        "metadata" => "Metadata",
        "checks" => "Checks",
        "statuses" => "Commit statuses",
        "actions" => "Actions",
        "security_events" => "Code scanning alerts",
        "vulnerability_alerts" => "Dependabot alerts",
        "attestations" => "Attestations",
        other => other,
    }
}

/// The set-up form, checked: the App's name and the organisation to own it (none: the
/// person's own account).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub name: String,
    pub organization: Option<String>,
}

/// Checks what the form says; the message names what is wrong.
pub fn check_form(name: &str, organization: &str) -> Result<Owner, String> {
    let name = name.trim();
    let name = if name.is_empty() { DEFAULT_NAME } else { name };
    if name.chars().count() > MAX_NAME {
        return Err(format!(
            "The name is {} characters long; GitHub takes at most {MAX_NAME}.",
            name.chars().count()
        ));
    }
    let organization = organization.trim().trim_start_matches('@');
    let organization = if organization.is_empty() {
        None
    } else if crate::domain::repository::RepoName::parse(&format!("{organization}/x")).is_err() {
        return Err(format!(
            "'{organization}' is not a GitHub organisation's name: letters, digits and dashes."
        ));
    } else {
        Some(organization.to_owned())
    };
    Ok(Owner {
        name: name.to_owned(),
        organization,
    })
}

/// Where the manifest is posted: the person's own account, or an organisation's.
pub fn manifest_action(github_web: &str, organization: Option<&str>, state: &str) -> String {
    let base = github_web.trim_end_matches('/');
    let page = match organization {
        Some(org) => format!("{base}/organizations/{org}/settings/apps/new"),
        None => format!("{base}/settings/apps/new"),
    };
    let state: String = form_urlencoded::byte_serialize(state.as_bytes()).collect();
    format!("{page}?state={state}")
}

/// An address below our public one.
pub fn below(public_url: &str, path: &str) -> String {
    format!("{}/{path}", public_url.trim_end_matches('/'))
}

/// The App manifest for a server reached at `public_url`.
#[cfg(feature = "ssr")]
pub fn manifest(public_url: &str, name: &str) -> serde_json::Value {
    let permissions: serde_json::Map<String, serde_json::Value> = PERMISSIONS
        .iter()
        .map(|(name, access)| ((*name).to_owned(), serde_json::json!(access)))
        .collect();
    serde_json::json!({
        "name": name,
        "url": public_url,
        "description": "Release management: checklists, gates and releases from Release Desk.",
        "hook_attributes": { "url": below(public_url, "webhooks/github"), "active": true },
        "redirect_url": below(public_url, "setup/github-app/callback"),
        "callback_urls": [below(public_url, "auth/callback")],
        "setup_url": below(public_url, "setup/github-app"),
        "setup_on_update": false,
        "request_oauth_on_install": false,
        "public": false,
        "default_permissions": permissions,
        "default_events": EVENTS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn the_manifest_points_github_at_this_server() {
        let manifest = manifest("https://releases.example.org/", "Release Desk");
        assert_eq!(
            manifest["hook_attributes"]["url"],
            "https://releases.example.org/webhooks/github"
        );
        assert_eq!(
            manifest["redirect_url"],
            "https://releases.example.org/setup/github-app/callback"
        );
        assert_eq!(
            manifest["callback_urls"][0],
            "https://releases.example.org/auth/callback"
        );
        assert_eq!(manifest["default_permissions"]["checks"], "write");
        assert_eq!(manifest["default_permissions"]["contents"], "write");
        assert_eq!(
            manifest["default_permissions"]["vulnerability_alerts"],
            "read"
        );
        assert_eq!(manifest["public"], false);
        assert!(manifest["default_events"]
            .as_array()
            .is_some_and(|events| events.iter().any(|e| e == "release")));
    }

    #[test]
    fn the_manifest_goes_to_the_account_or_the_organisation() {
        assert_eq!(
            manifest_action("https://github.com/", None, "abc"),
            "https://github.com/settings/apps/new?state=abc"
        );
        assert_eq!(
            manifest_action("https://github.com", Some("acme"), "a+b"),
            "https://github.com/organizations/acme/settings/apps/new?state=a%2Bb"
        );
    }

    #[test]
    fn the_form_takes_a_name_and_an_organisation() {
        assert_eq!(
            check_form("  ", ""),
            Ok(Owner {
                name: DEFAULT_NAME.to_owned(),
                organization: None
            })
        );
        assert_eq!(
            check_form("Acme releases", "@acme-corp"),
            Ok(Owner {
                name: "Acme releases".to_owned(),
                organization: Some("acme-corp".to_owned())
            })
        );
        assert!(check_form(&"x".repeat(35), "").is_err());
        for bad in ["acme/evil", "a b", "../x", "-acme"] {
            assert!(check_form("", bad).is_err(), "{bad:?}");
        }
    }
}
