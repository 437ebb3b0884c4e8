//! `releasedesk export --out DIR`: the public site as static files, put in place of the last
//! export only once it is complete.

use super::{open, Failure};
use crate::config::{ConfigError, ExportArgs};

/// Marks a folder as an export, so that the next export may replace it.
const EXPORT_MARK: &str = ".releasedesk-export";

/// Renders the public site through the real router into a fresh folder, then puts it in place
/// of `--out`: a failed export leaves the previous one as it was.
pub(super) async fn export(args: ExportArgs) -> Result<(), Failure> {
    use crate::export::paths::Links;
    let base_url = args.base_url()?;
    let out = args.out.clone();
    let replaceable = |dir: &std::path::Path| {
        std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none())
            || dir.join(EXPORT_MARK).exists()
    };
    if !replaceable(&out) {
        return Err(ConfigError::new(
            "--out",
            format!(
                "{} is not empty and holds no earlier export; choose a new folder",
                out.display()
            ),
        )
        .into());
    }
    let staging = sibling(&out, "export-in-progress");
    let previous = sibling(&out, "export-previous");
    for ours in [&staging, &previous] {
        if !replaceable(ours) {
            let taken = format!("{} is in the way; move it", ours.display());
            return Err(ConfigError::new("--out", taken).into());
        }
    }
    let pool = open(&args.database).await?;
    let router = crate::export::site_router(pool.clone(), &args.site_root, base_url.clone());
    let io = |err: std::io::Error| Failure::Runtime(format!("cannot write the export: {err}"));
    for ours in [&staging, &previous] {
        if ours.exists() {
            std::fs::remove_dir_all(ours).map_err(io)?;
        }
    }
    // Marked from the start, so that a crashed export is known as ours next time.
    std::fs::create_dir_all(&staging).map_err(io)?;
    std::fs::write(
        staging.join(EXPORT_MARK),
        "written by `releasedesk export`\n",
    )
    .map_err(io)?;
    let relative = base_url.is_none();
    let links = base_url.map_or(Links::Relative, Links::under);
    let summary = crate::export::export(router, &staging, links)
        .await
        .map_err(|err| Failure::Runtime(format!("export failed: {err}")))?;
    pool.close().await;
    // The earlier export steps aside until the new one is in place.
    if out.exists() {
        std::fs::rename(&out, &previous).map_err(io)?;
    }
    if let Err(err) = std::fs::rename(&staging, &out) {
        let _ = std::fs::rename(&previous, &out);
        return Err(io(err));
    }
    if previous.exists() {
        std::fs::remove_dir_all(&previous).map_err(io)?;
    }
    println!(
        "exported {} pages and {} files to {}",
        summary.pages,
        summary.files,
        out.display()
    );
    for address in &summary.missing {
        eprintln!("left out (links to it were removed): {address}");
    }
    if relative {
        // Feeds, calendars and endoflife.date answers are read away from the site, so their
        // links cannot be relative to a page; without a base they start at the host's root.
        eprintln!(
            "note: without --base-url, links in feeds, calendars and endoflife.date answers \
             start at the host's root (/owner/repo/...); serve the export there, or pass --base-url"
        );
    }
    Ok(())
}

/// `out` with a suffix, in the same folder (so the final rename stays on one file system).
fn sibling(out: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{suffix}"));
    out.with_file_name(name)
}
