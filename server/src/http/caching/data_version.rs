//! The data version (migration 0013) as kept answers check it: one read for a burst of
//! requests.

use std::sync::Mutex;

use app::store;
use sqlx::SqlitePool;
use tokio::sync::Notify;

/// Reads the data version for many requests at once. A request waits for the next read that
/// starts after it arrived, so what it is answered with is at least as new as the moment it
/// came in, and a burst of requests costs one query instead of one each.
#[derive(Debug, Default)]
pub struct DataVersionReader {
    state: Mutex<ReadState>,
    finished: Notify,
}

#[derive(Debug, Default)]
pub(super) struct ReadState {
    /// Reads finished so far.
    pub(super) reads: u64,
    /// Someone is reading for everybody waiting.
    turn: bool,
    /// ... and has sent the query: whoever comes now needs the next read.
    sent: bool,
    /// What the last read found (`None` when it failed).
    version: Option<i64>,
}

impl DataVersionReader {
    pub(super) fn state(&self) -> std::sync::MutexGuard<'_, ReadState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The data version as of now; `None` when the database cannot say.
    pub async fn current(&self, pool: &SqlitePool) -> Option<i64> {
        // A query already sent started before we came: the read after it is ours.
        let wanted = {
            let state = self.state();
            state.reads + if state.sent { 2 } else { 1 }
        };
        loop {
            let finished = self.finished.notified();
            tokio::pin!(finished);
            finished.as_mut().enable();
            let my_turn = {
                let mut state = self.state();
                if state.reads >= wanted {
                    return state.version;
                }
                !std::mem::replace(&mut state.turn, true)
            };
            if my_turn {
                return self.read(pool).await;
            }
            finished.await;
        }
    }

    async fn read(&self, pool: &SqlitePool) -> Option<i64> {
        /// Hands the turn on even when the request is dropped halfway (a client went away).
        struct Turn<'a>(&'a DataVersionReader, Option<Option<i64>>);
        impl Drop for Turn<'_> {
            fn drop(&mut self) {
                let mut state = self.0.state();
                state.turn = false;
                state.sent = false;
                if let Some(version) = self.1 {
                    state.reads += 1;
                    state.version = version;
                }
                drop(state);
                self.0.finished.notify_waiters();
            }
        }
        let mut turn = Turn(self, None);
        // Requests that are ready to run join this read before its query goes out.
        tokio::task::yield_now().await;
        self.state().sent = true;
        let version = store::data_version::current(pool).await.ok();
        turn.1 = Some(version);
        version
    }
}
