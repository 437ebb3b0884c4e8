//! An HTTP receiver of outgoing webhooks on loopback: it records every request it gets and
//! answers from a script, so that a test sees exactly what was sent and can make the
//! receiving end fail or hang.

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    Router,
};

/// How the receiver answers one request.
#[derive(Clone, Debug)]
pub enum Answer {
    /// That status with an empty body.
    Status(u16),
    /// A 200, but only after sleeping this long (longer than the sender waits, to time it
    /// out).
    Hang(Duration),
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct ReceivedHook {
    pub method: Method,
    /// The path and query, as requested.
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl ReceivedHook {
    /// The body as JSON; panics showing the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "the body of {} is not JSON ({err}): {}",
                self.path,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
    }
}

#[derive(Default)]
struct Script {
    received: Vec<ReceivedHook>,
    answers: VecDeque<Answer>,
}

type Shared = Arc<Mutex<Script>>;

/// Answers any method on any path: from the script while it lasts, then 204.
pub struct HookReceiver {
    address: SocketAddr,
    state: Shared,
}

impl HookReceiver {
    pub async fn start() -> HookReceiver {
        let state = Shared::default();
        let router = Router::new().fallback(receive).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            axum::serve(listener, router)
                .await
                .expect("hook receiver serves")
        });
        HookReceiver { address, state }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Answers the next requests with these, in order, after those already scripted.
    pub fn answer_next(&self, answers: impl IntoIterator<Item = Answer>) {
        let answers: Vec<Answer> = answers.into_iter().collect();
        for answer in &answers {
            if let Answer::Status(code) = answer {
                StatusCode::from_u16(*code)
                    .unwrap_or_else(|err| panic!("cannot answer with status {code}: {err}"));
            }
        }
        self.with(|script| script.answers.extend(answers));
    }

    /// Every request so far, in the order they arrived (recorded on arrival, before any
    /// `Hang`).
    pub fn received(&self) -> Vec<ReceivedHook> {
        self.with(|script| script.received.clone())
    }

    /// Waits until at least `count` requests have arrived and returns all of them; panics
    /// with what did arrive after `timeout`.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedHook> {
        let deadline = Instant::now() + timeout;
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            if Instant::now() >= deadline {
                let seen: Vec<String> = received
                    .iter()
                    .map(|hook| format!("{} {}", hook.method, hook.path))
                    .collect();
                panic!(
                    "expected {count} webhook request(s) within {timeout:?}, {} arrived: {seen:?}",
                    received.len()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Script) -> R) -> R {
        f(&mut self.state.lock().expect("hook receiver state"))
    }
}

async fn receive(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = {
        let mut script = state.lock().expect("hook receiver state");
        script.received.push(ReceivedHook {
            method,
            path: uri
                .path_and_query()
                .map_or_else(|| uri.path().to_owned(), |path| path.as_str().to_owned()),
            headers,
            body: body.to_vec(),
        });
        script.answers.pop_front()
    };
    match answer {
        None => StatusCode::NO_CONTENT.into_response(),
        Some(Answer::Status(code)) => StatusCode::from_u16(code)
            .expect("checked by answer_next")
            .into_response(),
        Some(Answer::Hang(delay)) => {
            tokio::time::sleep(delay).await;
            StatusCode::OK.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_requests_and_answers_from_the_script() {
        let receiver = HookReceiver::start().await;
        receiver.answer_next([Answer::Status(500), Answer::Hang(Duration::from_secs(5))]);
        let client = reqwest::Client::new();
        let post = |path: &str, n: i32| {
            client
                .post(receiver.url(path))
                .header("x-releasedesk-event", "release.published")
                .json(&serde_json::json!({ "n": n }))
        };

        let failed = post("/hooks/a", 1).send().await.expect("answers");
        assert_eq!(failed.status(), 500);
        let hung = post("/hooks/b?attempt=2", 2)
            .timeout(Duration::from_millis(200))
            .send()
            .await
            .expect_err("hangs past the client's timeout");
        assert!(hung.is_timeout(), "{hung}");
        let unscripted = post("/hooks/c", 3).send().await.expect("answers");
        assert_eq!(unscripted.status(), 204);

        let received = receiver.wait_for(3, Duration::from_secs(5)).await;
        let paths: Vec<&str> = received.iter().map(|hook| hook.path.as_str()).collect();
        assert_eq!(paths, ["/hooks/a", "/hooks/b?attempt=2", "/hooks/c"]);
        assert_eq!(received[1].method, Method::POST);
        assert_eq!(received[1].json(), serde_json::json!({ "n": 2 }));
        assert_eq!(
            received[2].header("X-ReleaseDesk-Event").as_deref(),
            Some("release.published")
        );
        assert_eq!(
            received[2].header("content-type").as_deref(),
            Some("application/json")
        );
    }
}
