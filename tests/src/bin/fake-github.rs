//! The fake GitHub as a program, for the end-to-end tests: `fake-github [ADDRESS]` serves the
//! OAuth endpoints and user API on loopback, with `mona` (push access to acme/orbit) signed in
//! at the browser, and acme/orbit for the writes plans make (the commits behind a suggested
//! version, releases published).

use releasedesk_tests::{
    fake_github::{writes::FakeCommit, FakeGitHub, FakeRepo},
    fake_oauth::FakeUser,
};

#[tokio::main]
async fn main() {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3918".to_owned());
    let github = FakeGitHub::start_on(&address).await;
    github
        .oauth
        .add_user(FakeUser::new(1, "mona").pushes_to("acme/orbit"));
    github.oauth.add_user(FakeUser::new(2, "vic"));
    github.oauth.sign_in_as("mona");
    // The demo's repository, for the plans' writes: the commits on main since the newest stable
    // release (whichever it is by then), for the suggested version; releases published from a
    // plan.
    github.put_repo(
        "acme/orbit",
        FakeRepo {
            default_branch: "main".to_owned(),
            ..FakeRepo::default()
        },
    );
    github.put_compare(
        "acme/orbit",
        "*...main",
        vec![
            FakeCommit::new(
                "5e1f0c1d2a3b4c5d6e7f8091a2b3c4d5e6f70812",
                "feat(scheduler): job priorities",
            ),
            FakeCommit::new(
                "6f2a1d2e3b4c5d6e7f8091a2b3c4d5e6f7081923",
                "fix: retry lost leases",
            ),
            FakeCommit::new(
                "7a3b2e3f4c5d6e7f8091a2b3c4d5e6f708192a34",
                "docs: upgrade notes",
            ),
        ],
    );
    println!("fake GitHub at {}", github.url);
    // Serve until Playwright stops us.
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("fake-github: {err}");
    }
}
