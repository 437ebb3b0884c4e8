//! `/admin/outbox`: the mail a server without SMTP keeps, for its local administrator.

use crate::pages::data::page_data;
use leptos::prelude::*;

use crate::{
    api::notify::get_outbox,
    components::{PageTitle, Refused, RelativeTime},
};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let mails = page_data(|| (), |()| get_outbox());
    view! {
        <PageTitle text="Outbox · Release Desk"/>
        <h1>"Outbox"</h1>
        <p class="lede">
            "No SMTP server is set (" <code>"RELEASEDESK_SMTP_URL"</code> "), so mail stays here, newest first."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading mail…"</p> }>
            {move || Suspend::new(async move {
                match mails.await {
                    Ok(mails) if mails.is_empty() => view! { <p>"No mail yet."</p> }.into_any(),
                    Ok(mails) => {
                        let now = chrono::Utc::now();
                        mails
                            .into_iter()
                            .map(|mail| {
                                let heading = format!("mail-{}", mail.id);
                                let labelled_by = heading.clone();
                                view! {
                                    <article class="panel mail" aria-labelledby=labelled_by>
                                        <h2 id=heading>{mail.subject}</h2>
                                        <p>"To " <span class="mono">{mail.recipient}</span> ", " <RelativeTime at=mail.created_at now/></p>
                                        <details>
                                            <summary>"Headers"</summary>
                                            <pre>{mail.headers}</pre>
                                        </details>
                                        <pre class="mail-body">{linked(&mail.text)}</pre>
                                    </article>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }
                    Err(err) => view! { <Refused title="Outbox" err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The mail's text with its links made clickable (the confirmation link, mostly).
fn linked(text: &str) -> impl IntoView {
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                let rest = word[trimmed.len()..].to_owned();
                view! { <a href=trimmed.to_owned()>{trimmed.to_owned()}</a>{rest} }.into_any()
            } else {
                word.to_owned().into_any()
            }
        })
        .collect_view()
}
