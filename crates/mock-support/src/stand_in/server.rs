//! The two loopback listeners (API and storage), served with hyper on a runtime of their own in a
//! background thread: a stand-in works from synchronous code and from any async runtime, outlives
//! no test that drops it, and stops when dropped.

use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::Origin;
use super::handle::{self, Shared};

/// The running server; dropping it stops both listeners and waits for the thread.
pub(crate) struct Running {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Serves `api` and `storage` (bound already, so their addresses are known) until dropped.
pub(crate) fn run(
    api: std::net::TcpListener,
    storage: std::net::TcpListener,
    shared: Arc<Shared>,
) -> Result<Running> {
    api.set_nonblocking(true)?;
    storage.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .context("a runtime for the stand-in")?;
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("stand-in".into())
        .spawn(move || {
            runtime.block_on(async move {
                let (Ok(api), Ok(storage)) =
                    (TcpListener::from_std(api), TcpListener::from_std(storage))
                else {
                    return;
                };
                tokio::select! {
                    _ = stopped => {}
                    () = serve(api, Arc::clone(&shared), Origin::Api) => {}
                    () = serve(storage, shared, Origin::Storage) => {}
                }
            });
        })
        .context("a thread for the stand-in")?;
    Ok(Running {
        stop: Some(stop),
        thread: Some(thread),
    })
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, origin: Origin) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors, say: wait a moment rather than spin.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move {
                    // An error (a scripted hang-up) closes the connection without an answer.
                    match origin {
                        Origin::Api => handle::api(&shared, request).await,
                        Origin::Storage => handle::storage(&shared, &request).await,
                    }
                }
            });
            // A client that hangs up mid-exchange ends only its own connection.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
