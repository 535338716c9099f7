//! What the server's integration tests share: a registry with one of each record, and the
//! real server on a loopback port.
#![allow(dead_code)] // each test file uses its own part of this

use fermata_registry::{
    LicenceGrant, OfferDraft, PartyKind, Registry, RequestDraft, Territory, UsageDraft, Use, Work,
    parse_shares,
};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The one work of [`populate`].
pub const W1: &str = "ZZAPI2600001";

/// The registry file in a test's directory.
pub fn registry_file(dir: &Path) -> PathBuf {
    dir.join("registry.sqlite")
}

/// A work of label-a's.
pub fn work(isrc: &str) -> Work {
    Work {
        isrc: isrc.parse().unwrap(),
        title: "Song".into(),
        artist: "Band".into(),
        duration_s: Some(60.0),
        iswc: None,
        registrant: "label-a".into(),
        credits: vec![],
        shares: parse_shares("label-a=100").unwrap(),
        tracks: vec![],
    }
}

/// Two labels, two developers and an auditor, one work, and one of each record (offer,
/// request, licence, scan, usage report, statement).
pub fn populate(r: &mut Registry) {
    for (id, kind) in [
        ("label-a", PartyKind::Label),
        ("label-c", PartyKind::Label),
        ("dev-x", PartyKind::Developer),
        ("dev-y", PartyKind::Developer),
        ("aud", PartyKind::Auditor),
    ] {
        r.add_party(id, kind, id, "cli").unwrap();
    }
    r.register_works("label-a", vec![work(W1)], "cli").unwrap();
    r.publish_offer(
        OfferDraft {
            holder: "label-a".into(),
            works: vec![W1.parse().unwrap()],
            use_: Use::TrainGenai,
            territories: vec![],
            price: "per-work:100:EUR".parse().unwrap(),
            term_months: None,
            auto_accept: false,
            remuneration: Default::default(),
        },
        "label-a",
    )
    .unwrap();
    r.request_licences(
        RequestDraft {
            developer: "dev-x".into(),
            use_: Use::TrainGenai,
            model: "m".into(),
            territories: vec![],
            valid_from: "2026-01-01".into(),
            valid_to: None,
            term_months: None,
            works: vec![W1.parse().unwrap()],
            scan: None,
        },
        "dev-x",
    )
    .unwrap();
    r.grant_licence(
        LicenceGrant {
            works: vec![W1.parse().unwrap()],
            ..LicenceGrant::new("label-a", "dev-x", Use::TrainAi, "2026-01-01")
        },
        "label-a",
    )
    .unwrap();
    let (scan, _) = r
        .open_scan(
            "dev-x",
            "m",
            Use::TrainGenai,
            &"DE".parse().unwrap(),
            "/data",
        )
        .unwrap();
    r.finish_scan(&scan.id, None).unwrap();
    let usage = UsageDraft {
        developer: "dev-x".into(),
        model: "m".into(),
        run: "r1".into(),
        scan: None,
        manifest: None,
        use_: Some(Use::TrainAi),
        territory: "DE".parse::<Territory>().unwrap(),
        date: Some("2026-06-01".into()),
        works: vec![(W1.parse().unwrap(), 60.0)],
    };
    r.report_usage(usage, "dev-x").unwrap();
    r.issue_statement(
        "dev-x",
        "2026-01-01",
        "2026-12-31",
        "10.00:EUR".parse().unwrap(),
        "dev-x",
    )
    .unwrap();
    // A licence that ends, for renewal (lic-000002).
    r.grant_licence(
        LicenceGrant {
            works: vec![W1.parse().unwrap()],
            valid_to: Some("2026-12-31".into()),
            ..LicenceGrant::new("label-a", "dev-x", Use::InferenceInput, "2026-01-01")
        },
        "label-a",
    )
    .unwrap();
}

/// The real server on 127.0.0.1 (a port of its own) in this process; stopped when dropped.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Serves `registry` as `config` says.
    pub fn start(registry: Registry, config: fermata_server::ServeConfig) -> Server {
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let shutdown = async move {
                    let _ = stop_rx.await;
                };
                let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
                fermata_server::serve(registry, listen, &config, shutdown, move |a| {
                    addr_tx.send(a).unwrap()
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the server starts");
        Server {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
