//! Per-version checklists (PRODUCT.md §3): which template a version gets, the items made from
//! it, their states, due times, progress and the Markdown a pull request takes.

pub mod evidence;
pub mod template;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use self::template::Template;
pub use self::{evidence::Evidence, template::TemplateError};
use super::version::{Channel, Line};

/// The release types, each with its own template.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TemplateKind {
    /// A stable major or minor release.
    Stable,
    Patch,
    /// A patch on a line that is not the newest, or a release titled as a hotfix.
    Hotfix,
    Rc,
    Beta,
    Alpha,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 6] = [
        TemplateKind::Stable,
        TemplateKind::Patch,
        TemplateKind::Hotfix,
        TemplateKind::Rc,
        TemplateKind::Beta,
        TemplateKind::Alpha,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::Stable => "stable",
            TemplateKind::Patch => "patch",
            TemplateKind::Hotfix => "hotfix",
            TemplateKind::Rc => "rc",
            TemplateKind::Beta => "beta",
            TemplateKind::Alpha => "alpha",
        }
    }

    pub fn parse(text: &str) -> Option<TemplateKind> {
        TemplateKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            TemplateKind::Stable => "Stable major or minor release",
            TemplateKind::Patch => "Stable patch release",
            TemplateKind::Hotfix => "Hotfix",
            TemplateKind::Rc => "Release candidate",
            TemplateKind::Beta => "Beta release",
            TemplateKind::Alpha => "Alpha release",
        }
    }

    /// The built-in template's text: the release process's lists for this type.
    pub fn default_text(self) -> &'static str {
        match self {
            TemplateKind::Stable => include_str!("templates/stable.md"),
            TemplateKind::Patch => include_str!("templates/patch.md"),
            TemplateKind::Hotfix => include_str!("templates/hotfix.md"),
            TemplateKind::Rc => include_str!("templates/rc.md"),
            TemplateKind::Beta => include_str!("templates/beta.md"),
            TemplateKind::Alpha => include_str!("templates/alpha.md"),
        }
    }

    /// The release type of `version`. A stable patch is a hotfix when its line is older than
    /// `newest_line` (the newest line with a stable release), or when its release title says
    /// "hotfix"; other pre-release channels take the lightest template.
    pub fn of(
        version: &semver::Version,
        title: &str,
        newest_line: Option<Line>,
        zero_major_lines: bool,
    ) -> TemplateKind {
        match Channel::of(version) {
            Channel::Rc => TemplateKind::Rc,
            Channel::Beta => TemplateKind::Beta,
            Channel::Alpha | Channel::Prerelease => TemplateKind::Alpha,
            Channel::Stable if version.patch == 0 => TemplateKind::Stable,
            Channel::Stable => {
                let older_line =
                    newest_line.is_some_and(|newest| Line::of(version, zero_major_lines) < newest);
                let titled = title
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|word| word.eq_ignore_ascii_case("hotfix"));
                if older_line || titled {
                    TemplateKind::Hotfix
                } else {
                    TemplateKind::Patch
                }
            }
        }
    }
}

/// The built-in templates are revision 1; each edit adds one.
pub const DEFAULT_REVISION: i64 = 1;

/// The built-in template of `kind`.
pub fn default_template(kind: TemplateKind) -> Template {
    Template::parse(kind.default_text()).expect("the built-in templates parse (tested)")
}

/// An item as a new checklist stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewItem {
    pub section: String,
    pub text: String,
    pub due_minutes: Option<i64>,
    /// `tag`, `release`, `sbom`, `signature`, `changelog`, or `backport:LINE`.
    pub evidence: Option<String>,
}

/// The items of a new checklist for a version on `own_line`: items marked "per maintained
/// line" become one item per other line the policy maintains, and none when there is none.
pub fn instantiate(template: &Template, own_line: Line, maintained: &[Line]) -> Vec<NewItem> {
    let mut items = Vec::new();
    for section in &template.sections {
        for item in &section.items {
            let base = NewItem {
                section: section.title.clone(),
                text: item.text.clone(),
                due_minutes: item.due.map(|due| due.minutes()),
                evidence: item.evidence.map(|kind| kind.as_str().to_owned()),
            };
            if item.per_maintained_line {
                for line in maintained.iter().filter(|line| **line != own_line) {
                    items.push(NewItem {
                        text: format!("{} to {line}", item.text),
                        evidence: Some(format!("backport:{line}")),
                        ..base.clone()
                    });
                }
            } else {
                items.push(base);
            }
        }
    }
    items
}

/// A version released more than this many days before its repository was tracked is history:
/// it gets a checklist only when a maintainer starts one, so importing a project with years of
/// releases does not bury the open items under ones nobody will tick.
pub const HISTORY_DAYS: i64 = 30;

/// Whether a version that has just appeared gets its checklist without being asked.
pub fn starts_automatically(
    released_at: Option<DateTime<Utc>>,
    tracked_since: DateTime<Utc>,
) -> bool {
    released_at.is_none_or(|at| at >= tracked_since - Duration::days(HISTORY_DAYS))
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    Open,
    Done,
    Skipped,
}

impl ItemState {
    pub const ALL: [ItemState; 3] = [ItemState::Open, ItemState::Done, ItemState::Skipped];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Open => "open",
            ItemState::Done => "done",
            ItemState::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<ItemState> {
        ItemState::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// At most this many characters in a note.
pub const MAX_NOTE: usize = 2000;

/// Checks a requested change: the state must be known and a skip needs its reason in the note.
/// Returns the state and the trimmed note, or each refused field with its problem.
pub fn validate_change(
    state: &str,
    note: &str,
) -> Result<(ItemState, String), Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    let note = note.trim();
    let state = match ItemState::parse(state.trim()) {
        Some(state) => Some(state),
        None => {
            problems.push((
                "state",
                format!("'{state}' is not a state; use open, done or skipped"),
            ));
            None
        }
    };
    if state == Some(ItemState::Skipped) && note.is_empty() {
        problems.push(("note", "say why the item is skipped".to_owned()));
    }
    if note.chars().count() > MAX_NOTE {
        problems.push(("note", format!("keep the note under {MAX_NOTE} characters")));
    }
    match state {
        Some(state) if problems.is_empty() => Ok((state, note.to_owned())),
        _ => Err(problems),
    }
}

/// When an item with `due_minutes` falls due: counted from the release date, so unknown until
/// the version has one.
pub fn due_at(
    released_at: Option<DateTime<Utc>>,
    due_minutes: Option<i64>,
) -> Option<DateTime<Utc>> {
    Some(released_at? + Duration::minutes(due_minutes?))
}

/// Where due offsets count from: the release date, or, for a checklist a person started after
/// the release (an old version taken up late), the moment they started it. Counting from the
/// release would make such a checklist overdue by weeks the moment it exists.
pub fn due_base(
    released_at: Option<DateTime<Utc>>,
    started_by_hand_at: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let released = released_at?;
    Some(started_by_hand_at.map_or(released, |started| started.max(released)))
}

/// True when an item was ticked done while the synced data says otherwise: worth a warning,
/// never a change (a person's choice wins).
pub fn contradicts(state: ItemState, evidence: Option<&Evidence>) -> bool {
    state == ItemState::Done && evidence.is_some_and(|e| !e.found)
}

/// An open item past its due time. Done and skipped items are never overdue.
pub fn is_overdue(state: ItemState, due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    state == ItemState::Open && due_at.is_some_and(|due| due < now)
}

/// Sorts open items by urgency: overdue first (the longest overdue on top), then by due time,
/// then items with no due time.
pub fn urgency(due_at: Option<DateTime<Utc>>) -> (bool, Option<DateTime<Utc>>) {
    (due_at.is_none(), due_at)
}

/// How a due time reads next to its item: "due in 5 hours", "overdue by 9 days".
pub fn due_words(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let span = |gap: Duration| {
        let minutes = gap.num_minutes().max(1);
        let (amount, unit) = match minutes {
            m if m < 60 => (m, "minute"),
            m if m < 48 * 60 => (m / 60, "hour"),
            m => (m / (24 * 60), "day"),
        };
        format!("{amount} {unit}{}", if amount == 1 { "" } else { "s" })
    };
    if due < now {
        format!("overdue by {}", span(now - due))
    } else {
        format!("due in {}", span(due - now))
    }
}

/// Counts of a list of items by state.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub done: usize,
    pub skipped: usize,
    pub total: usize,
}

impl Progress {
    pub fn of(states: impl IntoIterator<Item = ItemState>) -> Progress {
        let mut progress = Progress::default();
        for state in states {
            progress.total += 1;
            match state {
                ItemState::Done => progress.done += 1,
                ItemState::Skipped => progress.skipped += 1,
                ItemState::Open => {}
            }
        }
        progress
    }

    /// Items settled (done or skipped), in whole percent.
    pub fn percent(self) -> usize {
        match self.total {
            0 => 0,
            total => (self.done + self.skipped) * 100 / total,
        }
    }

    pub fn open(self) -> usize {
        self.total - self.done - self.skipped
    }

    /// Each checklist's progress from counts of its items by state, as `(key, state, count)`
    /// rows (the key names the checklist, e.g. its tag). A state not known counts as open.
    pub fn by_key<K: Ord>(
        counts: impl IntoIterator<Item = (K, String, i64)>,
    ) -> std::collections::BTreeMap<K, Progress> {
        let mut progress = std::collections::BTreeMap::<K, Progress>::new();
        for (key, state, count) in counts {
            let count = usize::try_from(count).unwrap_or(0);
            let entry = progress.entry(key).or_default();
            entry.total += count;
            match ItemState::parse(&state) {
                Some(ItemState::Done) => entry.done += count,
                Some(ItemState::Skipped) => entry.skipped += count,
                Some(ItemState::Open) | None => {}
            }
        }
        progress
    }
}

/// What the Markdown export needs of one item.
pub struct MarkdownItem<'a> {
    pub text: &'a str,
    pub state: ItemState,
    pub note: &'a str,
    pub due_at: Option<DateTime<Utc>>,
}

/// The checklist as the release process pastes it into a pull request: `- [x] done`,
/// `- [ ] open (due …)`, skipped items struck through with their reason.
pub fn to_markdown<'a>(
    tag: &str,
    sections: impl IntoIterator<Item = (&'a str, Vec<MarkdownItem<'a>>)>,
    now: DateTime<Utc>,
) -> String {
    let mut out = format!("## Release {tag} Checklist\n");
    for (title, items) in sections {
        out.push_str(&format!("\n### {}\n", one_line(title)));
        for item in items {
            let text = one_line(item.text);
            let line = match item.state {
                ItemState::Done => format!("- [x] {text}"),
                ItemState::Skipped => {
                    format!("- [x] ~~{text}~~ (skipped: {})", one_line(item.note))
                }
                ItemState::Open => match item.due_at {
                    Some(due) if due < now => {
                        format!(
                            "- [ ] {text} (overdue since {})",
                            due.format("%Y-%m-%d %H:%M UTC")
                        )
                    }
                    Some(due) => format!("- [ ] {text} (due {})", due.format("%Y-%m-%d %H:%M UTC")),
                    None => format!("- [ ] {text}"),
                },
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Keeps a note or text on its list line, and inert where it is pasted: every character that
/// could start Markdown or HTML syntax (a comment, a tag, a link, an image, emphasis, code, a
/// table cell, a character reference) is backslash-escaped, so the text reads the same rendered
/// and a `<!--` in a note cannot hide the rest of the list.
fn one_line(text: &str) -> String {
    const SYNTAX: &[char] = &[
        '\\', '`', '*', '_', '~', '[', ']', '(', ')', '<', '>', '!', '&', '|', '#',
    ];
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if SYNTAX.contains(&c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn progress_by_key_adds_each_checklists_counts_by_state() {
        let rows = [
            ("v1.0.0", "done", 3),
            ("v1.0.0", "open", 2),
            ("v1.0.0", "skipped", 1),
            ("v2.0.0", "open", 4),
            ("v2.0.0", "someday", 1),
        ]
        .map(|(tag, state, count)| (tag, state.to_owned(), count));
        let progress = Progress::by_key(rows);
        assert_eq!(
            progress["v1.0.0"],
            Progress {
                done: 3,
                skipped: 1,
                total: 6
            }
        );
        assert_eq!(progress["v1.0.0"].open(), 2);
        assert_eq!(
            progress["v2.0.0"],
            Progress {
                done: 0,
                skipped: 0,
                total: 5
            },
            "a state not known counts as open"
        );
        assert_eq!(progress.len(), 2);
    }

    fn v(text: &str) -> semver::Version {
        semver::Version::parse(text).expect("test data")
    }

    fn line(text: &str) -> Line {
        text.parse().expect("test data")
    }

    #[test]
    fn every_built_in_template_parses() {
        for kind in TemplateKind::ALL {
            let template = Template::parse(kind.default_text())
                .unwrap_or_else(|err| panic!("{}: {err}", kind.as_str()));
            assert!(template.item_count() > 0);
            // What the editor shows reads back the same.
            assert_eq!(Template::parse(&template.to_text()), Ok(template));
        }
    }

    #[test]
    fn release_types() {
        let newest = Some(line("3.x"));
        let of = |text: &str, title: &str| TemplateKind::of(&v(text), title, newest, true);
        assert_eq!(of("3.1.0", ""), TemplateKind::Stable);
        assert_eq!(of("4.0.0", ""), TemplateKind::Stable);
        assert_eq!(of("3.1.2", ""), TemplateKind::Patch);
        assert_eq!(of("2.4.1", ""), TemplateKind::Hotfix);
        assert_eq!(of("3.1.3", "Hotfix: crash on start"), TemplateKind::Hotfix);
        assert_eq!(of("3.1.3", "hotfixes-ahead"), TemplateKind::Patch);
        assert_eq!(of("3.2.0-rc.1", ""), TemplateKind::Rc);
        assert_eq!(of("3.2.0-beta.2", ""), TemplateKind::Beta);
        assert_eq!(of("3.2.0-alpha.1", ""), TemplateKind::Alpha);
        assert_eq!(of("3.2.0-dev.1", ""), TemplateKind::Alpha);
        // Under the 0.x rule 0.3 is older than 0.4.
        let zero = Some(line("0.4.x"));
        assert_eq!(
            TemplateKind::of(&v("0.3.2"), "", zero, true),
            TemplateKind::Hotfix
        );
        assert_eq!(
            TemplateKind::of(&v("0.4.2"), "", zero, true),
            TemplateKind::Patch
        );
        // The first patch of a repository with no stable line yet is a patch.
        assert_eq!(
            TemplateKind::of(&v("1.0.1"), "", None, true),
            TemplateKind::Patch
        );
    }

    #[test]
    fn hotfix_backports_list_the_other_maintained_lines() {
        let items = instantiate(
            &default_template(TemplateKind::Hotfix),
            line("2.x"),
            &[line("3.x"), line("2.x")],
        );
        let backports: Vec<_> = items.iter().filter(|i| i.section == "Backport").collect();
        assert_eq!(backports.len(), 1);
        assert_eq!(backports[0].text, "Backport the fix to 3.x");
        assert_eq!(backports[0].evidence.as_deref(), Some("backport:3.x"));
        let alone = instantiate(
            &default_template(TemplateKind::Hotfix),
            line("3.x"),
            &[line("3.x")],
        );
        assert!(alone.iter().all(|i| i.section != "Backport"));
    }

    #[test]
    fn post_release_items_fall_due_an_hour_a_day_and_a_week_after_release() {
        let items = instantiate(&default_template(TemplateKind::Stable), line("1.x"), &[]);
        let due = |prefix: &str| -> Vec<Option<i64>> {
            items
                .iter()
                .filter(|i| i.section.starts_with(prefix))
                .map(|i| i.due_minutes)
                .collect()
        };
        assert!(due("Post-Release: Immediate")
            .iter()
            .all(|d| *d == Some(60)));
        assert!(due("Post-Release: Short-term")
            .iter()
            .all(|d| *d == Some(24 * 60)));
        assert!(due("Post-Release: Follow-up")
            .iter()
            .all(|d| *d == Some(7 * 24 * 60)));
        assert!(due("Pre-Release").iter().all(Option::is_none));
    }

    #[test]
    fn history_is_left_alone() {
        let tracked = Utc
            .with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
            .single()
            .expect("test data");
        assert!(starts_automatically(None, tracked));
        assert!(starts_automatically(
            Some(tracked - Duration::days(29)),
            tracked
        ));
        assert!(!starts_automatically(
            Some(tracked - Duration::days(31)),
            tracked
        ));
        assert!(starts_automatically(
            Some(tracked + Duration::days(300)),
            tracked
        ));
    }

    #[test]
    fn changes_are_checked() {
        assert_eq!(
            validate_change("done", " ok "),
            Ok((ItemState::Done, "ok".to_owned()))
        );
        assert_eq!(
            validate_change("open", ""),
            Ok((ItemState::Open, String::new()))
        );
        fn fields(
            result: Result<(ItemState, String), Vec<(&'static str, String)>>,
        ) -> Vec<&'static str> {
            result
                .expect_err("refused")
                .into_iter()
                .map(|(f, _)| f)
                .collect()
        }
        assert_eq!(fields(validate_change("finished", "")), ["state"]);
        assert_eq!(fields(validate_change("skipped", "  ")), ["note"]);
        assert_eq!(
            fields(validate_change("done", &"x".repeat(MAX_NOTE + 1))),
            ["note"]
        );
    }

    #[test]
    fn overdue_means_open_and_past_due() {
        let released = Utc
            .with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
            .single()
            .expect("test data");
        let due = due_at(Some(released), Some(60));
        assert_eq!(due, Some(released + Duration::hours(1)));
        let later = released + Duration::hours(2);
        assert!(is_overdue(ItemState::Open, due, later));
        assert!(!is_overdue(ItemState::Open, due, released));
        assert!(!is_overdue(ItemState::Done, due, later));
        assert!(!is_overdue(ItemState::Skipped, due, later));
        assert!(!is_overdue(ItemState::Open, None, later));
        assert_eq!(due_at(None, Some(60)), None);
    }

    #[test]
    fn a_checklist_started_late_by_hand_falls_due_from_its_start() {
        let released = Utc
            .with_ymd_and_hms(2026, 9, 1, 12, 0, 0)
            .single()
            .expect("test data");
        let started = released + Duration::days(40);
        assert_eq!(due_base(Some(released), None), Some(released));
        assert_eq!(due_base(Some(released), Some(started)), Some(started));
        // Started before the release (a pre-release train): the release date still counts.
        assert_eq!(
            due_base(Some(released), Some(released - Duration::days(2))),
            Some(released)
        );
        assert_eq!(due_base(None, Some(started)), None);
        let due = due_at(due_base(Some(released), Some(started)), Some(60)).expect("due");
        assert!(!is_overdue(
            ItemState::Open,
            Some(due),
            started + Duration::minutes(30)
        ));
    }

    #[test]
    fn done_against_missing_evidence_is_a_contradiction() {
        let missing = Evidence {
            kind: "tag".to_owned(),
            found: false,
            detail: "no tag v1.0.0 on GitHub".to_owned(),
        };
        let found = Evidence {
            found: true,
            ..missing.clone()
        };
        assert!(contradicts(ItemState::Done, Some(&missing)));
        assert!(!contradicts(ItemState::Done, Some(&found)));
        assert!(!contradicts(ItemState::Open, Some(&missing)));
        assert!(!contradicts(ItemState::Skipped, Some(&missing)));
        assert!(!contradicts(ItemState::Done, None));
    }

    #[test]
    fn due_times_read_plainly() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 10, 12, 0, 0)
            .single()
            .expect("test data");
        let words = |minutes: i64| due_words(now + Duration::minutes(minutes), now);
        assert_eq!(words(40), "due in 40 minutes");
        assert_eq!(words(0), "due in 1 minute");
        assert_eq!(words(60), "due in 1 hour");
        assert_eq!(words(47 * 60), "due in 47 hours");
        assert_eq!(words(7 * 24 * 60), "due in 7 days");
        assert_eq!(words(-90), "overdue by 1 hour");
        assert_eq!(words(-10 * 24 * 60), "overdue by 10 days");
    }

    #[test]
    fn the_most_urgent_come_first() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 10, 0, 0, 0)
            .single()
            .expect("test data");
        let mut dues = vec![
            None,
            Some(now + Duration::days(1)),
            Some(now - Duration::days(9)),
            Some(now - Duration::hours(1)),
        ];
        dues.sort_by_key(|due| urgency(*due));
        assert_eq!(
            dues,
            [
                Some(now - Duration::days(9)),
                Some(now - Duration::hours(1)),
                Some(now + Duration::days(1)),
                None
            ]
        );
    }

    #[test]
    fn progress_counts_settled_items() {
        let progress = Progress::of([
            ItemState::Done,
            ItemState::Skipped,
            ItemState::Open,
            ItemState::Open,
        ]);
        assert_eq!((progress.done, progress.skipped, progress.total), (1, 1, 4));
        assert_eq!((progress.percent(), progress.open()), (50, 2));
        assert_eq!(Progress::default().percent(), 0);
    }

    #[test]
    fn markdown_export() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 10, 0, 0, 0)
            .single()
            .expect("test data");
        let past = now - Duration::hours(3);
        let future = now + Duration::hours(3);
        let items = vec![
            MarkdownItem {
                text: "All tests passing",
                state: ItemState::Done,
                note: "",
                due_at: None,
            },
            MarkdownItem {
                text: "Load testing",
                state: ItemState::Skipped,
                note: "no\nload",
                due_at: None,
            },
            MarkdownItem {
                text: "Announce",
                state: ItemState::Open,
                note: "",
                due_at: Some(past),
            },
            MarkdownItem {
                text: "Plan",
                state: ItemState::Open,
                note: "",
                due_at: Some(future),
            },
            MarkdownItem {
                text: "Docs",
                state: ItemState::Open,
                note: "",
                due_at: None,
            },
        ];
        let markdown = to_markdown("v1.2.0", [("Pre-Release", items)], now);
        assert_eq!(
            markdown,
            "## Release v1.2.0 Checklist\n\n### Pre-Release\n\
             - [x] All tests passing\n\
             - [x] ~~Load testing~~ (skipped: no load)\n\
             - [ ] Announce (overdue since 2026-11-09 21:00 UTC)\n\
             - [ ] Plan (due 2026-11-10 03:00 UTC)\n\
             - [ ] Docs\n"
        );
    }

    /// What GitHub's Markdown makes of an export: the kinds of syntax it found, and the text.
    fn rendered(markdown: &str) -> (Vec<&'static str>, String) {
        use pulldown_cmark::{Event, Options, Parser, Tag};
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_FOOTNOTES;
        let (mut syntax, mut text) = (Vec::new(), String::new());
        for event in Parser::new_ext(markdown, options) {
            match event {
                Event::Html(_) | Event::InlineHtml(_) => syntax.push("html"),
                Event::Start(Tag::Link { .. }) => syntax.push("link"),
                Event::Start(Tag::Image { .. }) => syntax.push("image"),
                Event::Start(Tag::Emphasis | Tag::Strong) => syntax.push("emphasis"),
                Event::Start(Tag::Table(_)) => syntax.push("table"),
                Event::Code(_) => syntax.push("code"),
                Event::Text(t) => text.push_str(&t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        (syntax, text)
    }

    #[test]
    fn hostile_notes_and_texts_export_inert_and_readable() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 10, 0, 0, 0)
            .single()
            .expect("test data");
        let hostile = [
            "<!-- the rest of the list is hidden",
            "[looks fine](https://evil.example) ![x](https://evil.example/p.png)",
            "<img src=x onerror=alert(1)> <b>bold</b> &lt;entity&gt; &amp;",
            "*em* __strong__ `code` | a | b |",
            "\\[escaped\\] <https://auto.example> #1",
        ];
        for note in hostile {
            let items = vec![
                MarkdownItem {
                    text: note,
                    state: ItemState::Skipped,
                    note,
                    due_at: None,
                },
                MarkdownItem {
                    text: "After",
                    state: ItemState::Open,
                    note: "",
                    due_at: None,
                },
            ];
            let markdown = to_markdown("v1.0.0", [(note, items)], now);
            let (syntax, text) = rendered(&markdown);
            assert!(
                syntax.is_empty(),
                "{note:?} made {syntax:?} in:\n{markdown}"
            );
            assert!(
                text.contains(&format!("{note} (skipped: {note})")),
                "{note:?} reads as typed: {text}"
            );
            assert!(text.contains("After"), "the rest of the list stays visible");
        }
        // The check can fail: the raw note would make markup.
        assert_eq!(
            rendered("- [ ] a <b>b</b> [x](https://evil.example) `c`").0,
            ["html", "html", "link", "code"]
        );
    }
}
