//! Per-version checklists (PRODUCT.md §3): which template a version gets, the items made from
//! it, their states, due times, progress and the Markdown a pull request takes.

pub mod evidence;
pub mod rule;
mod status;
pub mod template;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use self::template::Template;
pub use self::{
    evidence::Evidence,
    status::{group_sections, ItemFacts, ItemStatus, SetBy},
    template::TemplateError,
};
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
    /// The item's rule as [`rule::Rule`] writes it, or `backport:LINE`.
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
                evidence: item.evidence.as_ref().map(ToString::to_string),
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
mod tests;
