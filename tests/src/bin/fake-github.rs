//! The fake GitHub as a program, for the end-to-end tests: `fake-github [ADDRESS]` serves the
//! OAuth endpoints and user API on loopback, with `mona` (push access to acme/orbit) signed in
//! at the browser.

use releasedesk_tests::{fake_github::FakeGitHub, fake_oauth::FakeUser};

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
    println!("fake GitHub at {}", github.url);
    // Serve until Playwright stops us.
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("fake-github: {err}");
    }
}
