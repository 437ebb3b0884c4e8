//! How a refusal made before a handler runs reads, by who asked: a page for a browser posting a
//! plain form, the server functions' own error encoding for the hydrated app, and the API's
//! `{"error":{...}}` for everyone else.

use app::{domain::api_description::code_spans, error::AppError};
use axum::{
    extract::Request,
    response::{Html, IntoResponse, Response},
};
use http::{header, HeaderMap, HeaderValue, StatusCode};

/// The refusal of `request`, in the encoding its sender reads.
pub fn refuse(request: &Request, error: AppError) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/sfn/") {
        return error.into_response();
    }
    if is_plain_form_post(request.headers()) {
        let back = referer_path(request.headers());
        let actions = [(back.as_deref().unwrap_or("/"), "Go back to the form")];
        return problem_page(
            error.status(),
            "The form was not sent",
            &error.to_string(),
            &actions,
        );
    }
    (error.status(), axum::Json(&error)).into_response()
}

/// A browser without JavaScript posting a form asks for a page; the app's own calls ask for
/// JSON.
fn is_plain_form_post(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The path of the page the form was on, from the `Referer`: a path of our own site only.
fn referer_path(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    app::request::form_post::same_site_path(referer)
}

/// A small page that says what went wrong and offers a way on: `actions` are links as
/// (address, words).
pub fn problem_page(
    status: StatusCode,
    title: &str,
    message: &str,
    actions: &[(&str, &str)],
) -> Response {
    let title = escape(title);
    let message = message_html(message);
    let links = actions
        .iter()
        .map(|(href, words)| format!(r#"<a href="{}">{}</a>"#, escape(href), escape(words)))
        .collect::<Vec<_>>()
        .join("");
    // The site's own frame (brand, main links, footer), so a problem reads as part of
    // Release Desk and leads back into it; no script, so it works everywhere.
    let body = format!(
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Release Desk</title><link rel="stylesheet" href="/pkg/releasedesk.css"></head>
<body><a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a class="brand" href="/"><svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5h16v3H4zM4 10.5h11v3H4zM4 16h7v3H4z"/></svg><span>Release Desk</span></a>
<nav aria-label="Main"><a href="/">Repositories</a><a href="/api/docs">API</a></nav></header>
<main id="main" class="page problem"><h1>{title}</h1><p>{message}</p>
<p class="problem-actions">{links}</p></main>
<footer class="site-footer"><p>Release Desk · release history, checklists and support windows for GitHub projects</p></footer></body></html>"##
    );
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `text` escaped, with each `quoted` span as code: messages name commands that way.
fn message_html(text: &str) -> String {
    code_spans(text)
        .into_iter()
        .map(|(piece, code)| {
            if code {
                format!("<code>{}</code>", escape(&piece))
            } else {
                escape(&piece)
            }
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    header::HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn a_message_shows_quoted_commands_as_code_and_escapes_the_rest() {
        assert_eq!(
            message_html("Run `releasedesk admin link` on the server."),
            "Run <code>releasedesk admin link</code> on the server."
        );
        assert_eq!(
            message_html("<b>`a&b`</b>"),
            "&lt;b&gt;<code>a&amp;b</code>&lt;/b&gt;"
        );
        assert_eq!(message_html("one ` alone"), "one ` alone");
    }

    #[test]
    fn the_way_back_is_a_path_of_our_own_site() {
        let back = |referer: &'static str| referer_path(&headers(&[("referer", referer)]));
        assert_eq!(
            back("http://releasedesk.test/acme/orbit/v/v1.0.0?x=1").as_deref(),
            Some("/acme/orbit/v/v1.0.0?x=1")
        );
        assert_eq!(back("https://evil.example/acme").as_deref(), Some("/acme"));
        assert_eq!(
            back("https://evil.example//other.example/x").as_deref(),
            Some("/other.example/x")
        );
        assert_eq!(back("not a url"), None);
        assert_eq!(referer_path(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn the_page_escapes_what_it_is_given() {
        let response = problem_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "<b>",
            "a \"quote\" & <tag>",
            &[("/x?a=1&b=\"2\"", "back")],
        );
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            response.headers().get(header::CACHE_CONTROL),
            Some(&HeaderValue::from_static("no-store"))
        );
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .expect("body");
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("<h1>&lt;b&gt;</h1>"), "{body}");
        assert!(body.contains("a &quot;quote&quot; &amp; &lt;tag&gt;"));
        assert!(body.contains(r#"<a href="/x?a=1&amp;b=&quot;2&quot;">back</a>"#));
    }
}
