//! A version's section of a `CHANGELOG.md`. Two formats are common and both are read:
//!
//! - Keep a Changelog: `## [1.2.0] - 2025-01-15`, with `### Added` and the like inside, and
//!   link definitions (`[1.2.0]: https://...`) at the end of the file;
//! - release-please: `## [1.2.0](https://...) (2025-01-15)`, where patch releases get a
//!   level-3 heading, `### [1.2.1](...)`, and `### Bug Fixes` sits inside a section.
//!
//! A version heading is a heading of level 1 to 3 whose first word, without brackets or a
//! leading `v`, is a SemVer version. Its section runs to the next version heading, or to the
//! next other heading of a higher level, or of the same level 1 or 2 (`## [Unreleased]`).

/// The Markdown of `version`'s section, without its heading; `None` when there is none or it
/// is empty.
pub fn section_for<'a>(changelog: &'a str, version: &semver::Version) -> Option<&'a str> {
    let mut start: Option<(usize, usize)> = None; // (byte offset after the heading, level)
    let mut offset = 0;
    for line in changelog.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let Some((level, text)) = heading(line) else {
            continue;
        };
        let heading_version = version_of(text);
        if let Some((body_start, open_level)) = start {
            // release-please puts `### Bug Fixes` inside a `### [1.9.1]` patch section, so a
            // level-3 section only ends at a version or at a higher heading.
            let ends = heading_version.is_some()
                || level < open_level
                || (level == open_level && level <= 2);
            if ends {
                return non_empty(&changelog[body_start..line_start]);
            }
        } else if heading_version
            .as_ref()
            .is_some_and(|v| same_version(v, version))
        {
            start = Some((offset, level));
        }
    }
    start.and_then(|(body_start, _)| non_empty(&changelog[body_start..]))
}

/// `(level, text)` of an ATX heading of level 1 to 3.
fn heading(line: &str) -> Option<(usize, &str)> {
    let line = line.trim_end();
    let level = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=3).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    rest.starts_with(' ').then(|| (level, rest.trim()))
}

/// The version a heading's text starts with: `[1.2.0]`, `[1.2.0](url)`, `v1.2.0`, `1.2.0 -`.
fn version_of(text: &str) -> Option<semver::Version> {
    let text = text.strip_prefix('[').unwrap_or(text);
    let word = text
        .split(|c: char| c == ']' || c == '(' || c.is_whitespace())
        .next()?;
    let word = word.strip_prefix(['v', 'V']).unwrap_or(word);
    semver::Version::parse(word).ok()
}

/// Equal as versions; build metadata does not count.
fn same_version(a: &semver::Version, b: &semver::Version) -> bool {
    a.cmp_precedence(b).is_eq()
}

/// The section trimmed of blank lines and of the link definitions that end a Keep a Changelog
/// file; `None` when nothing is left.
fn non_empty(section: &str) -> Option<&str> {
    let mut lines: Vec<&str> = section.lines().collect();
    while let Some(last) = lines.last() {
        let last = last.trim();
        let link_definition = last.starts_with('[') && last.contains("]: ");
        if last.is_empty() || link_definition {
            lines.pop();
        } else {
            break;
        }
    }
    let kept: usize = lines.iter().map(|l| l.len() + 1).sum();
    let trimmed = section[..kept.min(section.len())].trim_matches(|c| c == '\n' || c == '\r');
    (!trimmed.trim().is_empty()).then_some(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> semver::Version {
        semver::Version::parse(text).expect("a version")
    }

    const KEEP_A_CHANGELOG: &str = "# Changelog\n\
        All notable changes to this project will be documented in this file.\n\
        \n\
        ## [Unreleased]\n\
        ### Added\n\
        - Something not out yet.\n\
        \n\
        ## [1.2.0] - 2025-01-15\n\
        ### Added\n\
        - Retries for failed jobs.\n\
        ### Fixed\n\
        - A crash on empty queues.\n\
        \n\
        ## [1.1.0-rc.1] - 2024-12-01\n\
        ### Changed\n\
        - Faster start-up.\n\
        \n\
        [unreleased]: https://example.com/compare/v1.2.0...HEAD\n\
        [1.2.0]: https://example.com/compare/v1.1.0...v1.2.0\n";

    const RELEASE_PLEASE: &str = "# Changelog\n\
        \n\
        ## [2.0.0](https://github.com/acme/orbit/compare/v1.9.0...v2.0.0) (2025-03-02)\n\
        \n\
        ### ⚠ BREAKING CHANGES\n\
        \n\
        * drop Node 16\n\
        \n\
        ### Features\n\
        \n\
        * **queue:** priorities ([#12](https://github.com/acme/orbit/issues/12))\n\
        \n\
        ### [1.9.1](https://github.com/acme/orbit/compare/v1.9.0...v1.9.1) (2025-02-10)\n\
        \n\
        ### Bug Fixes\n\
        \n\
        * keep the lock on retry\n\
        \n\
        ## [1.9.0](https://github.com/acme/orbit/compare/v1.8.0...v1.9.0) (2025-01-20)\n\
        \n\
        ### Features\n\
        \n\
        * cron syntax\n";

    #[test]
    fn reads_keep_a_changelog_sections_with_their_subheadings() {
        let section = section_for(KEEP_A_CHANGELOG, &v("1.2.0")).expect("a section");
        assert_eq!(
            section,
            "### Added\n- Retries for failed jobs.\n### Fixed\n- A crash on empty queues."
        );
        // The last section stops before the link definitions.
        assert_eq!(
            section_for(KEEP_A_CHANGELOG, &v("1.1.0-rc.1")),
            Some("### Changed\n- Faster start-up.")
        );
        assert_eq!(section_for(KEEP_A_CHANGELOG, &v("1.0.0")), None);
    }

    #[test]
    fn reads_release_please_sections_including_level_three_patches() {
        let major = section_for(RELEASE_PLEASE, &v("2.0.0")).expect("2.0.0");
        assert!(major.starts_with("### ⚠ BREAKING CHANGES"), "{major}");
        assert!(major.contains("priorities"));
        assert!(!major.contains("keep the lock"), "{major}");
        assert_eq!(
            section_for(RELEASE_PLEASE, &v("1.9.1")),
            Some("### Bug Fixes\n\n* keep the lock on retry")
        );
        assert_eq!(
            section_for(RELEASE_PLEASE, &v("1.9.0")),
            Some("### Features\n\n* cron syntax")
        );
    }

    #[test]
    fn headings_may_be_plain_or_prefixed() {
        let text = "## v3.0.0 (2026-01-01)\n- Big.\n## 2.9.0\n- Small.\n";
        assert_eq!(section_for(text, &v("3.0.0")), Some("- Big."));
        assert_eq!(section_for(text, &v("2.9.0")), Some("- Small."));
        // Build metadata has no precedence: 2.9.0+b names the same version.
        assert_eq!(section_for(text, &v("2.9.0+b")), Some("- Small."));
    }

    #[test]
    fn empty_sections_and_non_headings_are_nothing() {
        assert_eq!(
            section_for("## [1.0.0]\n\n## [0.9.0]\n- x\n", &v("1.0.0")),
            None
        );
        assert_eq!(section_for("#1.0.0\n- not a heading\n", &v("1.0.0")), None);
        assert_eq!(section_for("#### 1.0.0\n- too deep\n", &v("1.0.0")), None);
        assert_eq!(section_for("", &v("1.0.0")), None);
    }

    #[test]
    fn windows_line_endings_are_read() {
        let text = "## [1.0.0] - 2025-01-01\r\n- One.\r\n## [0.9.0]\r\n";
        assert_eq!(section_for(text, &v("1.0.0")), Some("- One."));
    }
}
