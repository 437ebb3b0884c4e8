//! Checklist templates as maintainers write them: Markdown-like text, one `## Section` heading
//! per section and one `- item` per line, with optional attributes in a final parenthesis:
//!
//! ```text
//! ## Post-Release: Immediate (within 1 hour)
//! - Verify GitHub Release created (due 1h, evidence: release)
//! - All tests passing (evidence: checks)
//! - Backport the fix (per maintained line)
//! ```
//!
//! A parenthesis is read as attributes only when it starts with one (`due`, `evidence:`,
//! `per maintained line`), so "Migration guide updated (if needed)" stays plain text. The
//! rules `evidence:` takes are in [`super::rule`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::rule::Rule;

/// At most this many items in one template, and characters in one text.
pub const MAX_ITEMS: usize = 300;
pub const MAX_TEXT: usize = 300;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub text: String,
    /// Due this long after the release date.
    pub due: Option<DueOffset>,
    /// What proves the item (see [`super::rule`]).
    pub evidence: Option<Rule>,
    /// Becomes one item per other line the support policy maintains ("… to 2.x").
    pub per_maintained_line: bool,
}

/// How long after the release an item falls due, in whole hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DueOffset {
    pub hours: i64,
}

impl DueOffset {
    pub fn minutes(self) -> i64 {
        self.hours * 60
    }

    pub fn from_minutes(minutes: i64) -> DueOffset {
        DueOffset {
            hours: minutes / 60,
        }
    }

    /// `1h`, `36h`, `1d`, `2w`: the largest unit that divides the offset.
    fn parse(text: &str) -> Option<DueOffset> {
        let (number, unit) = text.split_at(text.len().checked_sub(1)?);
        let number: i64 = number.parse().ok().filter(|n| (1..=9999).contains(n))?;
        let hours = match unit {
            "h" => number,
            "d" => number * 24,
            "w" => number * 24 * 7,
            _ => return None,
        };
        Some(DueOffset { hours })
    }
}

impl fmt::Display for DueOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hours = self.hours;
        if hours % (24 * 7) == 0 {
            write!(f, "{}w", hours / (24 * 7))
        } else if hours % 24 == 0 {
            write!(f, "{}d", hours / 24)
        } else {
            write!(f, "{hours}h")
        }
    }
}

/// Why a template text was refused: the line and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct TemplateError {
    pub line: usize,
    pub problem: String,
}

impl Template {
    /// Reads a template's text; every mistake names its line.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut sections: Vec<Section> = Vec::new();
        let mut items = 0;
        let mut last_line = 0;
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            last_line = number;
            let err = |problem: String| TemplateError {
                line: number,
                problem,
            };
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(title) = line.strip_prefix('#') {
                let title = title.trim_start_matches('#').trim();
                check_text(title, "a section title").map_err(err)?;
                if let Some(empty) = sections.last().filter(|s| s.items.is_empty()) {
                    return Err(err(format!(
                        "the section '{}' above has no items",
                        empty.title
                    )));
                }
                sections.push(Section {
                    title: title.to_owned(),
                    items: Vec::new(),
                });
            } else if let Some(item) = line.strip_prefix("- ").or(line.strip_prefix("* ")) {
                let Some(section) = sections.last_mut() else {
                    return Err(err(
                        "an item needs a section heading above it, such as '## Release'".to_owned(),
                    ));
                };
                let item = parse_item(item).map_err(err)?;
                items += 1;
                if items > MAX_ITEMS {
                    return Err(err(format!("a template holds at most {MAX_ITEMS} items")));
                }
                section.items.push(item);
            } else {
                return Err(err(
                    "write a section as '## Title' and an item as '- What to do'".to_owned(),
                ));
            }
        }
        match sections.last() {
            None => Err(TemplateError {
                line: 1,
                problem: "a template needs at least one section with one item".to_owned(),
            }),
            Some(last) if last.items.is_empty() => Err(TemplateError {
                line: last_line,
                problem: format!("the section '{}' has no items", last.title),
            }),
            Some(_) => Ok(Template { sections }),
        }
    }

    /// The text [`Template::parse`] reads back to the same template.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (index, section) in self.sections.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            out.push_str(&format!("## {}\n", section.title));
            for item in &section.items {
                out.push_str(&format!("- {}", item.text));
                let attributes = item.attributes();
                if !attributes.is_empty() {
                    out.push_str(&format!(" ({})", attributes.join(", ")));
                }
                out.push('\n');
            }
        }
        out
    }

    pub fn item_count(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }
}

impl Item {
    fn attributes(&self) -> Vec<String> {
        let mut attributes = Vec::new();
        if self.per_maintained_line {
            attributes.push("per maintained line".to_owned());
        }
        if let Some(due) = self.due {
            attributes.push(format!("due {due}"));
        }
        if let Some(rule) = &self.evidence {
            attributes.push(format!("evidence: {rule}"));
        }
        attributes
    }
}

fn check_text(text: &str, what: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(format!("{what} is longer than {MAX_TEXT} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err(format!("{what} holds a control character"));
    }
    Ok(())
}

fn starts_with_attribute(text: &str) -> bool {
    text.starts_with("due ")
        || text.starts_with("evidence:")
        || text == "per maintained line"
        || text.starts_with("per maintained line,")
}

fn parse_item(line: &str) -> Result<Item, String> {
    let line = line.strip_prefix("[ ] ").unwrap_or(line).trim();
    let mut item = Item {
        text: line.to_owned(),
        due: None,
        evidence: None,
        per_maintained_line: false,
    };
    if let Some(open) = line
        .strip_suffix(')')
        .and_then(|l| l.rfind('(').map(|i| (l, i)))
    {
        let (without_paren, at) = open;
        let inside = without_paren[at + 1..].trim();
        if starts_with_attribute(inside) {
            for attribute in inside.split(',').map(str::trim) {
                if let Some(offset) = attribute.strip_prefix("due ") {
                    let due = DueOffset::parse(offset.trim()).ok_or_else(|| {
                        format!(
                            "'{attribute}' is not a due offset; write due 1h, due 1d or due 1w \
                             (hours, days, weeks)"
                        )
                    })?;
                    item.due = Some(due);
                } else if let Some(rule) = attribute.strip_prefix("evidence:") {
                    let rule = Rule::parse(rule)?;
                    if matches!(rule, Rule::Backport(_)) {
                        return Err("backports come from 'per maintained line', not from a \
                                    rule"
                            .to_owned());
                    }
                    item.evidence = Some(rule);
                } else if attribute == "per maintained line" {
                    item.per_maintained_line = true;
                } else {
                    return Err(format!(
                        "'{attribute}' is not an item attribute; the attributes are due, \
                         evidence: and per maintained line"
                    ));
                }
            }
            item.text = line[..at].trim().to_owned();
        }
    }
    check_text(&item.text, "an item")?;
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_sections_items_and_attributes() {
        let template = Template::parse(
            "## Release\n- [ ] Tag pushed (evidence: tag)\n\n# Post\n\
             - Update badges (if applicable) (due 1d)\n- Backport (per maintained line, due 36h)\n",
        )
        .expect("test data");
        assert_eq!(template.sections.len(), 2);
        let release = &template.sections[0];
        assert_eq!(release.title, "Release");
        assert_eq!(release.items[0].text, "Tag pushed");
        assert_eq!(release.items[0].evidence, Some(Rule::Tag));
        let post = &template.sections[1].items;
        assert_eq!(post[0].text, "Update badges (if applicable)");
        assert_eq!(post[0].due, Some(DueOffset { hours: 24 }));
        assert!(post[1].per_maintained_line);
        assert_eq!(post[1].due, Some(DueOffset { hours: 36 }));
    }

    #[test]
    fn rules_of_github_evidence_read_beside_other_attributes() {
        let template = Template::parse(
            "## Checks\n- All tests passing (evidence: checks)\n\
             - Coverage (due 1h, evidence: check \"codecov/project\" >= 80)\n",
        )
        .expect("test data");
        let items = &template.sections[0].items;
        assert_eq!(items[0].evidence, Some(Rule::Checks));
        assert_eq!(
            items[1].evidence,
            Some(Rule::Check {
                name: "codecov/project".to_owned(),
                at_least: Some(80)
            })
        );
        assert_eq!(items[1].due, Some(DueOffset { hours: 1 }));
    }

    #[test]
    fn plain_parentheses_stay_text() {
        let template =
            Template::parse("## Docs\n- Migration guide updated (if needed)").expect("test data");
        assert_eq!(
            template.sections[0].items[0].text,
            "Migration guide updated (if needed)"
        );
    }

    #[test]
    fn mistakes_name_their_line() {
        let cases = [
            ("- Orphan", 1, "section heading"),
            ("## A\n\nplain words", 3, "'- What to do'"),
            ("## A\n- x (due 3x)", 2, "due 1h"),
            (
                "## A\n- x (evidence: vibes)",
                2,
                "the rules are tag, release",
            ),
            (
                "## A\n- x (evidence: backport:2.x)",
                2,
                "per maintained line",
            ),
            (
                "## A\n- x (due 1h, colour: red)",
                2,
                "not an item attribute",
            ),
            ("## A\n## B\n- x", 2, "'A' above has no items"),
            ("## A\n- x\n## B\n", 3, "'B' has no items"),
            ("", 1, "at least one section"),
            ("##\n- x", 1, "section title is empty"),
            ("## A\n- (due 1h)", 2, "an item is empty"),
            ("## A\n- a\u{7}b", 2, "control character"),
        ];
        for (text, line, words) in cases {
            let err = Template::parse(text).expect_err("refused");
            assert_eq!(err.line, line, "{text:?}: {err}");
            assert!(err.problem.contains(words), "{text:?}: {err}");
        }
    }

    #[test]
    fn due_offsets_print_in_their_largest_unit() {
        let shown: Vec<String> = [1, 24, 36, 168, 336]
            .map(|hours| DueOffset { hours }.to_string())
            .into();
        assert_eq!(shown, ["1h", "1d", "36h", "1w", "2w"]);
    }

    #[test]
    fn too_long_and_too_many_are_refused() {
        let long = format!("## A\n- {}", "x".repeat(MAX_TEXT + 1));
        assert!(Template::parse(&long).is_err());
        let many = format!("## A\n{}", "- x\n".repeat(MAX_ITEMS + 1));
        let err = Template::parse(&many).expect_err("refused");
        assert_eq!(err.line, MAX_ITEMS + 2);
    }

    fn rules() -> Vec<Rule> {
        [
            "tag",
            "release",
            "sbom",
            "checks",
            "security",
            "attestation sbom for *.tar.gz",
            "check \"unit tests\" >= 80",
        ]
        .iter()
        .map(|text| Rule::parse(text).expect("test data"))
        .collect()
    }

    fn item() -> impl Strategy<Value = Item> {
        (
            "[A-Za-z][A-Za-z0-9 .`≥/()-]{0,40}[A-Za-z0-9.`]",
            proptest::option::of(1i64..2000),
            proptest::option::of(proptest::sample::select(rules())),
            any::<bool>(),
        )
            .prop_map(|(text, hours, evidence, per_maintained_line)| Item {
                text,
                due: hours.map(|hours| DueOffset { hours }),
                evidence,
                per_maintained_line,
            })
    }

    proptest! {
        #[test]
        fn text_round_trips(sections in proptest::collection::vec(
            ("[A-Z][A-Za-z :()-]{0,30}[a-z)]", proptest::collection::vec(item(), 1..6)), 1..5)
        ) {
            let template = Template {
                sections: sections
                    .into_iter()
                    .map(|(title, items)| Section { title, items })
                    .collect(),
            };
            let reread = Template::parse(&template.to_text());
            prop_assume!(!template.sections.iter().flat_map(|s| &s.items)
                .any(|i| i.text.ends_with(')')));
            prop_assert_eq!(reread, Ok(template));
        }
    }
}
