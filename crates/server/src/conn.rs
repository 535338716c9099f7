//! Connections: accepting them, capping how many are held, and the timeouts that close slow,
//! stalled and idle ones. HTTP/1.1 itself is hyper's; this module sets its limits and adds
//! what hyper does not have (a connection cap, a write timeout, and the API's error shape on
//! the answers hyper writes by itself).
//!
//! What a client gets:
//!
//! - The request line and headers must arrive within [`ServeConfig::header_read_timeout`]
//!   (hyper's header read timeout). The same timer runs while a kept-alive connection waits for
//!   its next request, so it is also the idle keep-alive timeout. The connection is then closed
//!   without an answer.
//! - The request line and headers together may be at most [`MAX_HEADER_BYTES`], with at most
//!   [`MAX_HEADERS`] headers: past that, 431. A malformed request is a 400. Both are answered in
//!   the API's error shape and the connection is closed.
//! - A request body must arrive whole within [`ServeConfig::body_read_timeout`] of the handler
//!   starting to read it (after the API key is checked): past that, 408.
//! - A response the client does not read for [`ServeConfig::write_timeout`] closes the
//!   connection.
//! - At most [`ServeConfig::max_connections`] connections are held. At the cap, a new connection
//!   displaces the oldest one that has no request in progress (one still sending its request
//!   head, or a kept-alive one waiting for its next request), which is closed; if every
//!   connection has a request in progress, the new one gets a 503 in the error shape and is
//!   closed.
//! - With [`ServeConfig::tls`], each connection first completes a TLS handshake within
//!   [`ServeConfig::header_read_timeout`] (or is closed without an answer), then is served as
//!   above over TLS. A connection in its handshake counts against the cap and, having no
//!   request in progress, may be displaced. Over the cap with every connection busy, a new one is
//!   closed without an answer (a plain 503 would not be understood).

use crate::AppError;
use axum::Router;
use axum::body::Body;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// Default for [`ServeConfig::max_connections`]: well under the common limit of 1,024 open
/// files, leaving room for the registry's files and the logs.
pub const MAX_CONNECTIONS: usize = 512;

/// Default for [`ServeConfig::header_read_timeout`].
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Default for [`ServeConfig::body_read_timeout`]: a body of [`crate::MAX_BODY_BYTES`] at
/// about 9 KB/s.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Default for [`ServeConfig::write_timeout`].
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest request line and headers together, in bytes (431 past it).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Most headers in one request (431 past it).
pub const MAX_HEADERS: usize = 100;

/// Longest request URI (path and query), in bytes (414 past it).
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Most bytes hyper buffers per connection in each direction.
const MAX_BUF_BYTES: usize = 2 * MAX_HEADER_BYTES;

/// How the server treats connections; [`Default`] gives the documented constants.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Most connections held at once (at least 1).
    pub max_connections: usize,
    /// How long a client may take to send a request line and headers, and how long a
    /// kept-alive connection may wait for its next request.
    pub header_read_timeout: Duration,
    /// How long a request body may take to arrive whole.
    pub body_read_timeout: Duration,
    /// How long a response may wait for the client to read it.
    pub write_timeout: Duration,
    /// Serve HTTPS with this TLS configuration instead of plain HTTP (see [`crate::tls_config`]).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// The fermata home (registry, index, certificate key) the registry belongs to: needed by
    /// `POST /v1/attributions` (identifies outputs against its index) and by
    /// `POST /v1/models/{model}/certificates` (signs with its issuer key); without it both
    /// answer 503.
    pub home: Option<std::path::PathBuf>,
}

impl Default for ServeConfig {
    fn default() -> ServeConfig {
        ServeConfig {
            max_connections: MAX_CONNECTIONS,
            header_read_timeout: HEADER_READ_TIMEOUT,
            body_read_timeout: BODY_READ_TIMEOUT,
            write_timeout: WRITE_TIMEOUT,
            tls: None,
            home: None,
        }
    }
}

/// One held connection, as the accept loop sees it.
#[derive(Default)]
struct Slot {
    /// Requests whose response has not been handed to hyper in full.
    in_flight: AtomicUsize,
    /// Bytes written but not yet flushed to the socket.
    writing: AtomicBool,
    /// Told when the connection is displaced.
    evict: Notify,
}

impl Slot {
    /// Nothing in progress: closing it loses nothing but a request head not yet complete.
    fn idle(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0 && !self.writing.load(Ordering::SeqCst)
    }
}

/// The held connections, oldest first.
struct Table {
    cap: usize,
    next_id: u64,
    live: BTreeMap<u64, Arc<Slot>>,
}

impl Table {
    /// A slot for a new connection, displacing the oldest idle one at the cap; `None` when every
    /// connection is busy.
    fn admit(&mut self) -> Option<(u64, Arc<Slot>)> {
        if self.live.len() >= self.cap {
            let victim = self
                .live
                .iter()
                .find(|(_, s)| s.idle())
                .map(|(id, _)| *id)?;
            if let Some(slot) = self.live.remove(&victim) {
                slot.evict.notify_one();
            }
        }
        let id = self.next_id;
        self.next_id += 1;
        let slot = Arc::new(Slot::default());
        self.live.insert(id, slot.clone());
        Some((id, slot))
    }
}

type SharedTable = Arc<Mutex<Table>>;

fn lock(table: &SharedTable) -> std::sync::MutexGuard<'_, Table> {
    // The table holds no invariant a panic could break halfway.
    table.lock().unwrap_or_else(|e| e.into_inner())
}

/// Accepts connections on `listener` and serves `app` on each until `stop` turns true; then
/// stops accepting and returns once every connection has finished.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    config: ServeConfig,
    mut stop: watch::Receiver<bool>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .max_header_size(MAX_HEADER_BYTES)
        .max_headers(MAX_HEADERS)
        .max_buf_size(MAX_BUF_BYTES)
        // One write per response, so that the answers hyper writes itself can be recognised.
        .writev(false)
        .keep_alive(true);
    let table: SharedTable = Arc::new(Mutex::new(Table {
        cap: config.max_connections.max(1),
        next_id: 0,
        live: BTreeMap::new(),
    }));
    // Every connection task holds a receiver; `closed()` tells when the last has ended.
    let (done_tx, done_rx) = watch::channel(());
    let tls = config.tls.clone().map(|tls| Handshake {
        acceptor: TlsAcceptor::from(tls),
        timeout: config.header_read_timeout,
    });
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused) => continue,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::error!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                    continue;
                }
            },
            _ = stop.wait_for(|s| *s) => break,
        };
        let (stream, peer) = stream;
        let admitted = lock(&table).admit();
        let Some((id, slot)) = admitted else {
            refuse(stream, tls.is_some());
            continue;
        };
        let conn = Connection {
            id,
            slot,
            table: table.clone(),
            tls: tls.clone(),
            _done: done_rx.clone(),
        };
        tokio::spawn(conn.serve(
            stream,
            peer,
            app.clone(),
            http.clone(),
            config.write_timeout,
            stop.clone(),
        ));
    }
    drop(listener);
    drop(done_rx);
    done_tx.closed().await;
}

/// Answers a connection over the cap with a 503 in the error shape, without waiting: whatever
/// the socket takes at once is sent, then it is closed. Over TLS it is only closed: the client
/// expects a handshake, not plain HTTP.
fn refuse(stream: TcpStream, tls: bool) {
    tracing::warn!("connection refused: every connection has a request in progress");
    if tls {
        return;
    }
    let answer =
        AppError::Unavailable("the server is at its connection limit: try again shortly".into())
            .to_http1();
    let _ = stream.try_write(&answer);
}

struct Connection {
    id: u64,
    slot: Arc<Slot>,
    table: SharedTable,
    /// The handshake to do first, when the server speaks HTTPS.
    tls: Option<Handshake>,
    _done: watch::Receiver<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        lock(&self.table).live.remove(&self.id);
    }
}

/// The TLS handshake every connection does first when the server speaks HTTPS.
#[derive(Clone)]
struct Handshake {
    acceptor: TlsAcceptor,
    /// How long the client may take to complete it.
    timeout: Duration,
}

impl Connection {
    async fn serve(
        mut self,
        stream: TcpStream,
        peer: std::net::SocketAddr,
        app: Router,
        http: hyper::server::conn::http1::Builder,
        write_timeout: Duration,
        mut stop: watch::Receiver<bool>,
    ) {
        let _ = stream.set_nodelay(true);
        let Some(tls) = self.tls.take() else {
            return self
                .serve_http(stream, peer, app, http, write_timeout, stop)
                .await;
        };
        let stream = tokio::select! {
            handshake = tokio::time::timeout(tls.timeout, tls.acceptor.accept(stream)) => match handshake {
                Ok(Ok(stream)) => stream,
                Ok(Err(e)) => {
                    tracing::debug!(error = %e, %peer, "TLS handshake failed; connection closed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "TLS handshake not completed in time; connection closed");
                    return;
                }
            },
            _ = self.slot.evict.notified() => {
                tracing::debug!("connection displaced by a newer one during its TLS handshake");
                return;
            }
            _ = stop.wait_for(|s| *s) => return,
        };
        self.serve_http(stream, peer, app, http, write_timeout, stop)
            .await;
    }

    /// Serves HTTP/1.1 on `stream`, plain TCP or TLS over it.
    async fn serve_http<S>(
        self,
        stream: S,
        peer: std::net::SocketAddr,
        app: Router,
        http: hyper::server::conn::http1::Builder,
        write_timeout: Duration,
        mut stop: watch::Receiver<bool>,
    ) where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let io = TokioIo::new(Watched {
            inner: stream,
            slot: self.slot.clone(),
            write_timeout,
            stall: None,
            substitute: None,
        });
        let slot = self.slot.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            // The client's address, for per-client limits (the web app's sign-in).
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            let app = app.clone();
            let guard = InFlight::enter(slot.clone());
            async move {
                let response = match app.oneshot(req).await {
                    Ok(r) => r,
                    Err(never) => match never {},
                };
                // The request is in progress until hyper has taken the whole response body.
                Ok::<_, Infallible>(response.map(|body| {
                    Body::new(body.map_frame(move |frame| {
                        let _ = &guard;
                        frame
                    }))
                }))
            }
        });
        let conn = http.serve_connection(io, service);
        tokio::pin!(conn);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection closed");
                }
                return;
            }
            _ = self.slot.evict.notified() => tracing::debug!("connection displaced by a newer one"),
            _ = stop.wait_for(|s| *s) => {}
        }
        if self.slot.idle() {
            // Nothing in progress: close now.
            return;
        }
        // A request in progress finishes (bounded by the body and write timeouts), then the
        // connection closes.
        conn.as_mut().graceful_shutdown();
        let _ = conn.await;
    }
}

/// Counts a request in progress on its connection's slot while it lives.
struct InFlight(Arc<Slot>);

impl InFlight {
    fn enter(slot: Arc<Slot>) -> InFlight {
        slot.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(slot)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The socket as hyper sees it: marks the slot busy while output is unflushed, closes the
/// connection when the client stops reading for the write timeout, and puts the error shape
/// on the answers hyper writes by itself.
struct Watched<S> {
    inner: S,
    slot: Arc<Slot>,
    write_timeout: Duration,
    /// Armed while a write or flush waits on the client.
    stall: Option<Pin<Box<tokio::time::Sleep>>>,
    /// An answer being written in place of hyper's: the bytes, how many are written, and how
    /// many of hyper's bytes it stands for.
    substitute: Option<(Vec<u8>, usize, usize)>,
}

impl<S> Watched<S> {
    fn stalled<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let timeout = self.write_timeout;
        let stall = self
            .stall
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stall.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not read the response in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress<T>(
        &mut self,
        result: Poll<io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<T>> {
        match result {
            Poll::Pending => self.stalled(cx),
            ready => {
                self.stall = None;
                ready
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.slot.writing.store(true, Ordering::SeqCst);
        if this.substitute.is_none()
            && let Some(error) = automatic_answer(buf)
        {
            this.substitute = Some((error.to_http1(), 0, buf.len()));
        }
        if let Some((bytes, written, stands_for)) = this.substitute.as_mut() {
            let stands_for = *stands_for;
            while *written < bytes.len() {
                match Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..]) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Poll::Ready(Ok(n)) => {
                        *written += n;
                        this.stall = None;
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return this.stalled(cx),
                }
            }
            this.substitute = None;
            return Poll::Ready(Ok(stands_for));
        }
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.progress(result, cx)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_flush(cx);
        if let Poll::Ready(Ok(())) = result {
            this.slot.writing.store(false, Ordering::SeqCst);
        }
        this.progress(result, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.progress(result, cx)
    }
}

/// The error for an answer hyper wrote by itself to a request it could not parse: a bare head
/// of status 400, 414 or 431 with `content-length: 0` (the API's own errors always have a
/// JSON body, so they never look like this).
fn automatic_answer(buf: &[u8]) -> Option<AppError> {
    if buf.len() > 512 || !buf.ends_with(b"\r\n\r\n") {
        return None;
    }
    let head = std::str::from_utf8(buf).ok()?.to_ascii_lowercase();
    if head.matches("\r\n\r\n").count() != 1 || !head.lines().any(|l| l == "content-length: 0") {
        return None;
    }
    match head
        .strip_prefix("http/1.1 ")
        .or_else(|| head.strip_prefix("http/1.0 "))?
        .get(..4)?
    {
        "400 " => Some(AppError::Invalid {
            status: axum::http::StatusCode::BAD_REQUEST,
            message: "the request is not valid HTTP/1.1 (a malformed request line or header)"
                .into(),
        }),
        "414 " => Some(AppError::UriTooLong(MAX_URI_BYTES)),
        "431 " => Some(AppError::HeadersTooLarge),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_s_bare_answers_are_replaced() {
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\n";
        assert!(matches!(
            automatic_answer(bare),
            Some(AppError::HeadersTooLarge)
        ));
        let bad = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
        assert!(matches!(
            automatic_answer(bad),
            Some(AppError::Invalid { .. })
        ));
        // The API's own answers carry a body.
        let own = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n";
        assert!(automatic_answer(own).is_none());
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert!(automatic_answer(ok).is_none());
        // Two responses in one write are left alone.
        let two =
            b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
        assert!(automatic_answer(two).is_none());
    }

    #[test]
    fn the_oldest_idle_connection_gives_way_and_busy_ones_never_do() {
        let mut t = Table {
            cap: 2,
            next_id: 0,
            live: BTreeMap::new(),
        };
        let (a, sa) = t.admit().unwrap();
        let (_b, sb) = t.admit().unwrap();
        // At the cap: the oldest idle one (a) is displaced and told.
        let (_c, sc) = t.admit().unwrap();
        assert!(!t.live.contains_key(&a));
        assert_eq!(t.live.len(), 2);
        drop(sa);
        // With both held connections busy, a new one is refused.
        sb.in_flight.fetch_add(1, Ordering::SeqCst);
        sc.writing.store(true, Ordering::SeqCst);
        assert!(t.admit().is_none());
        sc.writing.store(false, Ordering::SeqCst);
        assert!(t.admit().is_some());
    }
}
