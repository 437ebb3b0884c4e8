//! `link-check URL DIR`: checks the export in DIR as a static server at URL serves it (see
//! `releasedesk_tests::link_check`): every file answers, every link works, nothing names the
//! exporting machine. Exit status 1 with a list of what is wrong. Used by `make export-check`
//! against nginx.

use std::process::ExitCode;

use releasedesk_tests::link_check::{check_site, export_addresses};
use url::Url;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, dir] = args.as_slice() else {
        eprintln!("usage: link-check URL DIR   (URL ends with /)");
        return ExitCode::from(2);
    };
    let Ok(start) = Url::parse(url) else {
        eprintln!("link-check: '{url}' is not a URL");
        return ExitCode::from(2);
    };
    let files: Vec<Url> = export_addresses(std::path::Path::new(dir))
        .iter()
        .filter_map(|address| start.join(address).ok())
        .collect();
    let forbidden = ["site.invalid", "127.0.0.1:3000", "localhost"];
    let report = check_site(&start, &files, &forbidden).await;
    println!(
        "link-check: {} addresses fetched ({} pages, {} files in the export)",
        report.fetched,
        report.pages,
        files.len()
    );
    for line in report.broken.iter().chain(&report.leaks) {
        println!("  {line}");
    }
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
