//! Accepting connections so that slow or idle clients cannot starve the rest.
//!
//! 300 connections sending their headers a byte at a time, against a process allowed 256 file
//! descriptors, once kept `/healthz` from answering for over 35 seconds: every descriptor was
//! held by a client that would never finish. Here:
//!
//! - a request's headers must arrive within the header time-out (bodies have their own, in
//!   `http::bodies`), and a connection with nothing in flight closes after the idle time-out;
//! - at most `max` connections are open, below the file-descriptor limit so that the database
//!   and GitHub calls always find one;
//! - when all are taken, the connection longest without a request in flight (a slow client
//!   still sending headers, or an idle keep-alive) is closed to make room, so a client that
//!   sends its request at once (a health check, a person) is always served.
//!
//! HTTP/1.1 only: browsers speak HTTP/2 over TLS, which a proxy in front ends.

use std::{
    collections::HashMap,
    convert::Infallible,
    future::Future,
    pin::pin,
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use axum::{body::Body, extract::ConnectInfo, Router};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    net::TcpListener,
    sync::{watch, Notify, Semaphore},
};
use tower::ServiceExt;

/// File descriptors kept for everything but client connections: the database and its WAL,
/// outgoing GitHub calls, logs.
const RESERVED_DESCRIPTORS: u64 = 64;
/// How long requests in flight may take to finish once shutdown has begun.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// Open connections at most (`RELEASEDESK_MAX_CONNECTIONS`).
    pub max: usize,
    /// The longest a client may take to send a request's headers (`RELEASEDESK_HEADER_TIMEOUT`).
    pub header_timeout: Duration,
    /// A connection with no request in flight for this long is closed.
    pub idle_timeout: Duration,
}

/// Raises the soft file-descriptor limit to the hard one, and leaves
/// [`RESERVED_DESCRIPTORS`] of it for everything but connections.
pub fn default_max_connections() -> usize {
    let limit = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the file-descriptor limit; assuming 1024");
            1024
        }
    };
    let usable = limit.saturating_sub(RESERVED_DESCRIPTORS).clamp(8, 100_000);
    usize::try_from(usable).unwrap_or(100_000)
}

/// One open connection, as far as making room is concerned.
struct Connection {
    /// Requests being answered; a connection with none may be closed to make room.
    in_flight: AtomicUsize,
    /// When it last started or finished a request (ms since the server started).
    last_active: AtomicU64,
    close: Notify,
}

/// The open connections, to pick one to close when all are taken.
#[derive(Default)]
struct Registry {
    started: Option<Instant>,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Connection>>>,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.started
            .map_or(0, |started| started.elapsed().as_millis() as u64)
    }

    fn add(&self) -> (u64, Arc<Connection>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let connection = Arc::new(Connection {
            in_flight: AtomicUsize::new(0),
            last_active: AtomicU64::new(self.now_ms()),
            close: Notify::new(),
        });
        self.lock().insert(id, connection.clone());
        (id, connection)
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Closes the connection longest without a request in flight; false when every one is
    /// busy answering.
    fn close_longest_idle(&self) -> bool {
        let open = self.lock();
        let idlest = open
            .values()
            .filter(|c| c.in_flight.load(Ordering::Acquire) == 0)
            .min_by_key(|c| c.last_active.load(Ordering::Relaxed));
        match idlest {
            Some(connection) => {
                connection.close.notify_one();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Counts a request in flight on its connection until dropped (when its answer has been sent,
/// or the client went away).
struct InFlight {
    connection: Arc<Connection>,
    registry: Arc<Registry>,
}

impl InFlight {
    fn new(connection: Arc<Connection>, registry: Arc<Registry>) -> InFlight {
        connection.in_flight.fetch_add(1, Ordering::AcqRel);
        connection
            .last_active
            .store(registry.now_ms(), Ordering::Relaxed);
        InFlight {
            connection,
            registry,
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.connection
            .last_active
            .store(self.registry.now_ms(), Ordering::Relaxed);
        self.connection.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish (for at most 30 seconds).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let max = limits.max.max(1);
    let slots = Arc::new(Semaphore::new(max));
    let registry = Arc::new(Registry {
        started: Some(Instant::now()),
        ..Registry::default()
    });
    let (stopping, stop) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors despite the reserve, or a connection reset before it
                    // was accepted: pause briefly rather than spin.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                if !registry.close_longest_idle() {
                    tracing::warn!(max, "every connection is busy answering; the new one waits");
                }
                tokio::select! {
                    slot = slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let (id, connection) = registry.add();
        let router = router.clone();
        let registry = registry.clone();
        let limits = limits.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let service = {
                let (connection, registry) = (connection.clone(), registry.clone());
                hyper::service::service_fn(move |request: http::Request<Incoming>| {
                    let in_flight = InFlight::new(connection.clone(), registry.clone());
                    let router = router.clone();
                    async move {
                        let mut request = request.map(Body::new);
                        request.extensions_mut().insert(ConnectInfo(remote));
                        let response = router.oneshot(request).await?;
                        // The request stays in flight until its answer has been sent whole.
                        Ok::<_, Infallible>(response.map(|body| {
                            Body::new(body.map_frame(move |frame| {
                                let _ = &in_flight;
                                frame
                            }))
                        }))
                    }
                })
            };
            let connection_future = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            let mut connection_future = pin!(connection_future);
            let mut shutting_down = false;
            loop {
                tokio::select! {
                    result = connection_future.as_mut() => {
                        if let Err(err) = result {
                            tracing::debug!(error = %err, %remote, "connection ended with an error");
                        }
                        break;
                    }
                    () = connection.close.notified() => {
                        tracing::debug!(%remote, "closed an idle connection to make room");
                        break;
                    }
                    () = tokio::time::sleep(limits.idle_timeout) => {
                        let idle_ms = registry.now_ms()
                            .saturating_sub(connection.last_active.load(Ordering::Relaxed));
                        if connection.in_flight.load(Ordering::Acquire) == 0
                            && idle_ms >= limits.idle_timeout.as_millis() as u64
                        {
                            break;
                        }
                    }
                    changed = stop.changed(), if !shutting_down => {
                        shutting_down = true;
                        if changed.is_ok() {
                            connection_future.as_mut().graceful_shutdown();
                        }
                    }
                }
            }
            registry.remove(id);
            drop(slot);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Every connection gives its slot back when it ends.
    let max = u32::try_from(max).unwrap_or(u32::MAX);
    if tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(max))
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after 30 seconds; stopping anyway");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idlest_connection_without_a_request_in_flight_makes_room() {
        let registry = Registry {
            started: Some(Instant::now()),
            ..Registry::default()
        };
        let (_, busy) = registry.add();
        busy.in_flight.store(1, Ordering::Relaxed);
        busy.last_active.store(0, Ordering::Relaxed);
        let (_, idle_long) = registry.add();
        idle_long.last_active.store(5, Ordering::Relaxed);
        let (_, idle_short) = registry.add();
        idle_short.last_active.store(50, Ordering::Relaxed);

        assert!(registry.close_longest_idle());
        // The closed one finds its notice waiting; the others have none.
        let waiting =
            |c: &Connection| futures::FutureExt::now_or_never(c.close.notified()).is_some();
        assert!(waiting(&idle_long));
        assert!(!waiting(&idle_short));
        assert!(!waiting(&busy));

        idle_long.in_flight.store(1, Ordering::Relaxed);
        idle_short.in_flight.store(1, Ordering::Relaxed);
        assert!(!registry.close_longest_idle(), "every one is busy");
    }
}
