use super::*;

#[test]
fn sizes_read_with_their_units_and_bounds() {
    assert_eq!(parse_size("4M"), Ok(4 * 1024 * 1024));
    assert_eq!(parse_size(" 512K "), Ok(512 * 1024));
    assert_eq!(parse_size("1048576"), Ok(1_048_576));
    assert_eq!(parse_size("2MiB"), Ok(2 * 1024 * 1024));
    for bad in [
        "",
        "M",
        "4G",
        "-1",
        "4.5M",
        "10",
        "2048M",
        "99999999999999999999",
    ] {
        assert!(parse_size(bad).is_err(), "{bad}");
    }
}

fn serve_args(args: &[&str]) -> ServeArgs {
    let argv = ["releasedesk", "serve"].iter().chain(args);
    match Cli::try_parse_from(argv).expect("arguments parse").command {
        Command::Serve(args) => *args,
        other => panic!("expected serve, got {other:?}"),
    }
}

#[test]
fn defaults_are_valid() {
    let config = ServeConfig::from_args(serve_args(&[])).expect("defaults are valid");
    assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
    assert_eq!(config.sync_interval, Duration::from_secs(15 * 60));
    assert_eq!(config.github.url.as_str(), "https://api.github.com/");
    assert!(config.oauth.is_none());
}

#[test]
fn each_bad_value_names_its_setting() {
    let cases: [(&[&str], &str); 12] = [
        (&["--database-url", "nonsense"], "RELEASEDESK_DATABASE_URL"),
        (
            &["--database-url", "postgres://x/y"],
            "RELEASEDESK_DATABASE_URL",
        ),
        (&["--bind", "localhost"], "RELEASEDESK_BIND"),
        (
            &["--public-url", "releases.example.org"],
            "RELEASEDESK_PUBLIC_URL",
        ),
        (
            &["--github-api-url", "ftp://example.org"],
            "RELEASEDESK_GITHUB_API_URL",
        ),
        (&["--sync-interval", "soon"], "RELEASEDESK_SYNC_INTERVAL"),
        (
            &["--github-client-id", "abc"],
            "RELEASEDESK_GITHUB_CLIENT_SECRET",
        ),
        (
            &["--smtp-url", "http://mail.example.org"],
            "RELEASEDESK_SMTP_URL",
        ),
        (&["--smtp-url", "smtp://"], "RELEASEDESK_SMTP_URL"),
        (
            &["--mail-from", "releases at example"],
            "RELEASEDESK_MAIL_FROM",
        ),
        (
            &["--hooks-allow-private", "sometimes"],
            "RELEASEDESK_HOOKS_ALLOW_PRIVATE",
        ),
        (&["--subscribe-limit", "0"], "RELEASEDESK_SUBSCRIBE_LIMIT"),
    ];
    for (args, setting) in cases {
        let err = ServeConfig::from_args(serve_args(args)).expect_err("invalid");
        assert!(err.setting.starts_with(setting), "{args:?}: {err}");
        assert!(!err.to_string().contains('\n'), "one line: {err}");
    }
}

#[test]
fn intervals() {
    assert_eq!(parse_interval("90s"), Ok(Duration::from_secs(90)));
    assert_eq!(parse_interval("15m"), Ok(Duration::from_secs(900)));
    assert_eq!(parse_interval("1h30m"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_interval("1d"), Ok(Duration::from_secs(86_400)));
    for bad in [
        "",
        "15",
        "m",
        "0s",
        "8d",
        "1.5h",
        "-1m",
        "99999999999999999999s",
        "15 m",
    ] {
        assert!(parse_interval(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn an_smtp_password_never_reaches_an_error_or_the_debug_output() {
    let err = ServeConfig::from_args(serve_args(&["--smtp-url", "smtq://user:hunter2@mail"]))
        .expect_err("not smtp");
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let config = ServeConfig::from_args(serve_args(&[
        "--smtp-url",
        "smtps://user:hunter2@mail.example.org",
        "--mail-from",
        "Release Desk <releases@example.org>",
    ]))
    .expect("valid");
    assert!(!format!("{config:?}").contains("hunter2"));
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let config =
        ServeConfig::from_args(serve_args(&["--github-token", "ghp_supersecret"])).expect("valid");
    assert!(!format!("{config:?}").contains("supersecret"));
    assert_eq!(
        config
            .github
            .token
            .map(|t| t.expose().to_owned())
            .as_deref(),
        Some("ghp_supersecret")
    );
}
