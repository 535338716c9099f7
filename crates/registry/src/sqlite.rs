//! The embedded SQLite store: one file, WAL journal, schema versioned by `PRAGMA user_version`
//! and migrated forward on open.

use crate::RegistryError;
use crate::answer::{ManifestRecord, Scan, ScanFile};
use crate::audit::Event;
use crate::market::ApiKey;
use crate::model::{Credit, Isrc, Licence, Party, Policy, Share, Use, Work, WorkSummary};
use crate::people::SessionRow;
use crate::store::{DocKind, IdempotentResponse, Store, StoredDoc, Tx};
use crate::webhooks::{Delivery, DeliveryAttempt};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::path::{Path, PathBuf};

/// The schema, one migration per version; `MIGRATIONS[i]` takes the database from version `i`
/// to `i + 1`. Never edit a released migration: add one.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE parties (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE works (
    isrc TEXT PRIMARY KEY, title TEXT NOT NULL, artist TEXT NOT NULL, duration_s REAL, iswc TEXT,
    registrant TEXT NOT NULL REFERENCES parties(id)
);
CREATE TABLE credits (
    isrc TEXT NOT NULL REFERENCES works(isrc) ON DELETE CASCADE, position INTEGER NOT NULL,
    role TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (isrc, position)
);
CREATE TABLE shares (
    isrc TEXT NOT NULL REFERENCES works(isrc) ON DELETE CASCADE, territory TEXT NOT NULL,
    holder TEXT NOT NULL REFERENCES parties(id), basis_points INTEGER NOT NULL CHECK (basis_points BETWEEN 1 AND 10000),
    PRIMARY KEY (isrc, territory, holder)
);
CREATE INDEX shares_by_holder ON shares(holder);
CREATE TABLE work_tracks (
    isrc TEXT NOT NULL REFERENCES works(isrc) ON DELETE CASCADE, track_id TEXT NOT NULL,
    PRIMARY KEY (isrc, track_id)
);
CREATE INDEX work_tracks_by_track ON work_tracks(track_id);
CREATE TABLE policies (
    holder TEXT NOT NULL REFERENCES parties(id), isrc TEXT NOT NULL, use TEXT NOT NULL,
    decision TEXT NOT NULL, territories TEXT NOT NULL, price TEXT, term_months INTEGER,
    conditions TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (holder, isrc, use)
);
CREATE TABLE licences (
    id TEXT PRIMARY KEY, holder TEXT NOT NULL REFERENCES parties(id),
    developer TEXT NOT NULL REFERENCES parties(id), use TEXT NOT NULL, works TEXT NOT NULL,
    territories TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT, price TEXT, terms TEXT,
    granted_at TEXT NOT NULL, revoked_at TEXT, revoke_reason TEXT
);
CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE scans (
    id TEXT PRIMARY KEY, developer TEXT NOT NULL REFERENCES parties(id), model TEXT NOT NULL,
    use TEXT NOT NULL, territory TEXT NOT NULL, dataset TEXT NOT NULL, started_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE scan_files (
    scan_id TEXT NOT NULL REFERENCES scans(id), path TEXT NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, sha256 TEXT, duration_s REAL NOT NULL, matches TEXT NOT NULL,
    error TEXT, verdict TEXT, PRIMARY KEY (scan_id, path)
);
CREATE TABLE manifests (
    id TEXT PRIMARY KEY, scan_id TEXT NOT NULL REFERENCES scans(id), root TEXT NOT NULL,
    leaves INTEGER NOT NULL, path TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    subjects TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
"#,
    r#"
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY, party TEXT NOT NULL REFERENCES parties(id), role TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE documents (
    kind TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL REFERENCES parties(id), json TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX documents_by_owner ON documents(kind, owner);
CREATE TABLE idempotency (
    party TEXT NOT NULL, key TEXT NOT NULL, request_sha256 TEXT NOT NULL, status INTEGER NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (party, key)
);
"#,
    r#"
ALTER TABLE scan_files ADD COLUMN source TEXT;
"#,
    r#"
ALTER TABLE audit ADD COLUMN layout INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit ADD COLUMN records TEXT NOT NULL DEFAULT '';
"#,
    r#"
CREATE TABLE sessions (
    secret_sha256 TEXT PRIMARY KEY, person TEXT NOT NULL, csrf TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_person ON sessions(person);
"#,
    r#"
CREATE TABLE cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, party TEXT NOT NULL, event_seq INTEGER,
    event_type TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
    next_attempt_at TEXT, last_status_code INTEGER, last_error TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, delivered_at TEXT,
    UNIQUE (endpoint, event_seq, event_type)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries(endpoint, created_at);
CREATE TABLE webhook_attempts (
    delivery TEXT NOT NULL REFERENCES webhook_deliveries(id), attempt INTEGER NOT NULL,
    at TEXT NOT NULL, status_code INTEGER, error TEXT, duration_ms INTEGER NOT NULL,
    PRIMARY KEY (delivery, attempt)
);
"#,
    r#"
CREATE TABLE mail_queue (
    id TEXT PRIMARY KEY, person TEXT NOT NULL, recipient TEXT NOT NULL, event_seq INTEGER,
    event_type TEXT NOT NULL, data TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
    next_attempt_at TEXT, last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (person, event_seq, event_type)
);
CREATE INDEX mail_queue_due ON mail_queue(status, next_attempt_at);
"#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The registry in one SQLite file.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

fn db(path: &Path, e: rusqlite::Error) -> RegistryError {
    RegistryError::Database {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

impl SqliteStore {
    /// Opens (creating if `create`) the database at `path` and migrates it to this build's
    /// schema. A database written by a newer fermata is refused rather than misread.
    pub fn open(path: &Path, create: bool) -> Result<SqliteStore, RegistryError> {
        if !create && !path.exists() {
            return Err(RegistryError::NotInitialised {
                path: path.to_path_buf(),
            });
        }
        let flags = if create {
            rusqlite::OpenFlags::default()
        } else {
            rusqlite::OpenFlags::default() - rusqlite::OpenFlags::SQLITE_OPEN_CREATE
        };
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| db(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| db(path, e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| db(path, e))?;
        // FULL: a commit is on disk before it returns, so a power cut cannot lose a decision
        // that was reported as made (NORMAL in WAL mode may lose the last commits).
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| db(path, e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| db(path, e))?;
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| db(path, e))?;
        if version > SCHEMA_VERSION {
            return Err(RegistryError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Exclusive)
                .map_err(|e| db(path, e))?;
            for (i, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                tx.execute_batch(migration).map_err(|e| db(path, e))?;
                tx.pragma_update(None, "user_version", i as u32 + 1)
                    .map_err(|e| db(path, e))?;
            }
            tx.commit().map_err(|e| db(path, e))?;
        }
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32, RegistryError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| db(&self.path, e))
    }
}

impl Store for SqliteStore {
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>, RegistryError> {
        // IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db(&self.path, e))?;
        Ok(Box::new(SqliteTx {
            tx,
            path: &self.path,
        }))
    }

    fn begin_read(&mut self) -> Result<Box<dyn Tx + '_>, RegistryError> {
        // DEFERRED: in WAL mode readers see a snapshot and never wait for a writer.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| db(&self.path, e))?;
        Ok(Box::new(SqliteTx {
            tx,
            path: &self.path,
        }))
    }
}

struct SqliteTx<'a> {
    tx: Transaction<'a>,
    path: &'a Path,
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Decodes a stored JSON or enum column; a value that does not parse means the file was
/// changed outside fermata.
fn decode<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("{column}: {e}").into(),
        )
    })
}

fn parse<T: std::str::FromStr>(column: &str, text: &str) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e: T::Err| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("{column}: {e}").into(),
        )
    })
}

fn list<T: std::str::FromStr>(column: &str, text: &str) -> rusqlite::Result<Vec<T>>
where
    T::Err: std::fmt::Display,
{
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| parse(column, s))
        .collect()
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The columns of a `works` row, before its credits, shares and tracks are loaded.
type WorkHead = (String, String, String, Option<f64>, Option<String>, String);

const WORK_COLUMNS: &str = "isrc, title, artist, duration_s, iswc, registrant";
const POLICY_COLUMNS: &str =
    "holder, isrc, use, decision, territories, price, term_months, conditions, updated_at";
const LICENCE_COLUMNS: &str = "id, holder, developer, use, works, territories, valid_from, valid_to, price, terms, granted_at, revoked_at, revoke_reason";
const SCAN_COLUMNS: &str = "id, developer, model, use, territory, dataset, started_at, finished_at";
const EVENT_COLUMNS: &str =
    "seq, at, actor, action, subjects, payload, layout, records, prev_hash, hash";
const MANIFEST_COLUMNS: &str = "id, scan_id, root, leaves, path, created_at";

fn party_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Party> {
    Ok(Party {
        id: r.get(0)?,
        kind: parse("kind", &r.get::<_, String>(1)?)?,
        name: r.get(2)?,
        created_at: r.get(3)?,
    })
}

fn policy_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Policy> {
    let isrc: String = r.get(1)?;
    let price: Option<String> = r.get(5)?;
    Ok(Policy {
        holder: r.get(0)?,
        isrc: if isrc.is_empty() {
            None
        } else {
            Some(parse("isrc", &isrc)?)
        },
        use_: parse("use", &r.get::<_, String>(2)?)?,
        decision: parse("decision", &r.get::<_, String>(3)?)?,
        territories: list("territories", &r.get::<_, String>(4)?)?,
        price: price.map(|p| decode("price", &p)).transpose()?,
        term_months: r.get(6)?,
        conditions: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

fn licence_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Licence> {
    let price: Option<String> = r.get(8)?;
    Ok(Licence {
        id: r.get(0)?,
        holder: r.get(1)?,
        developer: r.get(2)?,
        use_: parse("use", &r.get::<_, String>(3)?)?,
        works: list("works", &r.get::<_, String>(4)?)?,
        territories: list("territories", &r.get::<_, String>(5)?)?,
        valid_from: r.get(6)?,
        valid_to: r.get(7)?,
        price: price.map(|p| decode("price", &p)).transpose()?,
        terms: r.get(9)?,
        granted_at: r.get(10)?,
        revoked_at: r.get(11)?,
        revoke_reason: r.get(12)?,
    })
}

fn scan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Scan> {
    Ok(Scan {
        id: r.get(0)?,
        developer: r.get(1)?,
        model: r.get(2)?,
        use_: parse("use", &r.get::<_, String>(3)?)?,
        territory: parse("territory", &r.get::<_, String>(4)?)?,
        dataset: r.get(5)?,
        started_at: r.get(6)?,
        finished_at: r.get(7)?,
    })
}

fn key_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiKey> {
    Ok(ApiKey {
        id: r.get(0)?,
        party: r.get(1)?,
        role: parse("role", &r.get::<_, String>(2)?)?,
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
    })
}

fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        seq: r.get::<_, i64>(0)? as u64,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        subjects: r.get(4)?,
        payload: r.get(5)?,
        // An out-of-range layout (an edited row) is kept unknown, and `verify` reports it.
        layout: u32::try_from(r.get::<_, i64>(6)?).unwrap_or(u32::MAX),
        records: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

fn manifest_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ManifestRecord> {
    Ok(ManifestRecord {
        id: r.get(0)?,
        scan_id: r.get(1)?,
        root: r.get(2)?,
        leaves: r.get::<_, i64>(3)? as u64,
        path: r.get(4)?,
        created_at: r.get(5)?,
    })
}

fn stored_doc_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDoc> {
    Ok(StoredDoc {
        id: r.get(0)?,
        owner: r.get(1)?,
        json: r.get(2)?,
    })
}

const DELIVERY_COLUMNS: &str = "id, endpoint, party, event_seq, event_type, body, status, attempts, next_attempt_at, last_status_code, last_error, created_at, updated_at, delivered_at";

fn delivery_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        id: r.get(0)?,
        endpoint: r.get(1)?,
        party: r.get(2)?,
        event_seq: r.get::<_, Option<i64>>(3)?.map(|s| s as u64),
        event_type: parse("event_type", &r.get::<_, String>(4)?)?,
        body: r.get(5)?,
        status: parse("status", &r.get::<_, String>(6)?)?,
        attempts: r.get(7)?,
        next_attempt_at: r.get(8)?,
        last_status_code: r.get(9)?,
        last_error: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        delivered_at: r.get(13)?,
    })
}

const MAIL_COLUMNS: &str = "id, person, recipient, event_seq, event_type, data, status, attempts, next_attempt_at, last_error, created_at, updated_at, sent_at";

fn mail_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<crate::mail::Mail> {
    Ok(crate::mail::Mail {
        id: r.get(0)?,
        person: r.get(1)?,
        to: r.get(2)?,
        event_seq: r.get::<_, Option<i64>>(3)?.map(|s| s.max(0) as u64),
        event_type: parse("event_type", &r.get::<_, String>(4)?)?,
        data: r.get(5)?,
        status: parse("status", &r.get::<_, String>(6)?)?,
        attempts: r.get(7)?,
        next_attempt_at: r.get(8)?,
        last_error: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        sent_at: r.get(12)?,
    })
}

fn stored_key_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(ApiKey, String)> {
    Ok((key_row(r)?, r.get(5)?))
}

impl SqliteTx<'_> {
    fn err(&self, e: rusqlite::Error) -> RegistryError {
        db(self.path, e)
    }

    fn load_work(
        &self,
        isrc: String,
        title: String,
        artist: String,
        duration_s: Option<f64>,
        iswc: Option<String>,
        registrant: String,
    ) -> rusqlite::Result<Work> {
        let mut credits_q = self
            .tx
            .prepare_cached("SELECT role, name FROM credits WHERE isrc = ?1 ORDER BY position")?;
        let credits = credits_q
            .query_map([&isrc], |r| {
                Ok(Credit {
                    role: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut shares_q =
            self.tx.prepare_cached("SELECT territory, holder, basis_points FROM shares WHERE isrc = ?1 ORDER BY territory, holder")?;
        let shares = shares_q
            .query_map([&isrc], |r| {
                Ok(Share {
                    territory: parse("territory", &r.get::<_, String>(0)?)?,
                    holder: r.get(1)?,
                    basis_points: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut tracks_q = self
            .tx
            .prepare_cached("SELECT track_id FROM work_tracks WHERE isrc = ?1 ORDER BY track_id")?;
        let tracks = tracks_q
            .query_map([&isrc], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Work {
            isrc: parse("isrc", &isrc)?,
            title,
            artist,
            duration_s,
            iswc: iswc.map(|i| parse("iswc", &i)).transpose()?,
            registrant,
            credits,
            shares,
            tracks,
        })
    }

    fn query_works(&self, sql: &str, args: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<Vec<Work>> {
        let mut q = self.tx.prepare(sql)?;
        let heads: Vec<WorkHead> = q
            .query_map(args, |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        heads
            .into_iter()
            .map(|(a, b, c, d, e, f)| self.load_work(a, b, c, d, e, f))
            .collect()
    }
}

impl Tx for SqliteTx<'_> {
    fn commit(self: Box<Self>) -> Result<(), RegistryError> {
        let path = self.path;
        self.tx.commit().map_err(|e| db(path, e))
    }

    fn insert_party(&mut self, p: &Party) -> Result<(), RegistryError> {
        self.tx
            .execute(
                "INSERT INTO parties (id, kind, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![p.id, p.kind.as_str(), p.name, p.created_at],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn party(&mut self, id: &str) -> Result<Option<Party>, RegistryError> {
        self.tx
            .query_row(
                "SELECT id, kind, name, created_at FROM parties WHERE id = ?1",
                [id],
                party_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn parties(&mut self) -> Result<Vec<Party>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<Party>> {
            let mut q = self
                .tx
                .prepare("SELECT id, kind, name, created_at FROM parties ORDER BY id")?;

            q.query_map([], party_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn work(&mut self, isrc: &Isrc) -> Result<Option<Work>, RegistryError> {
        let sql = format!("SELECT {WORK_COLUMNS} FROM works WHERE isrc = ?1");
        self.query_works(&sql, &[&isrc.as_str()])
            .map(|mut v| v.pop())
            .map_err(|e| self.err(e))
    }

    fn put_work(&mut self, w: &Work) -> Result<(), RegistryError> {
        let run = || -> rusqlite::Result<()> {
            let isrc = w.isrc.as_str();
            self.tx.execute(
                "INSERT INTO works (isrc, title, artist, duration_s, iswc, registrant) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (isrc) DO UPDATE SET title = ?2, artist = ?3, duration_s = ?4, iswc = ?5, registrant = ?6",
                params![isrc, w.title, w.artist, w.duration_s, w.iswc.as_ref().map(|i| i.as_str()), w.registrant],
            )?;
            for table in ["credits", "shares", "work_tracks"] {
                self.tx
                    .execute(&format!("DELETE FROM {table} WHERE isrc = ?1"), [isrc])?;
            }
            let mut credit = self.tx.prepare_cached(
                "INSERT INTO credits (isrc, position, role, name) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (i, c) in w.credits.iter().enumerate() {
                credit.execute(params![isrc, i as i64, c.role, c.name])?;
            }
            let mut share =
                self.tx.prepare_cached("INSERT INTO shares (isrc, territory, holder, basis_points) VALUES (?1, ?2, ?3, ?4)")?;
            for s in &w.shares {
                share.execute(params![
                    isrc,
                    s.territory.as_str(),
                    s.holder,
                    s.basis_points
                ])?;
            }
            let mut track = self.tx.prepare_cached(
                "INSERT OR IGNORE INTO work_tracks (isrc, track_id) VALUES (?1, ?2)",
            )?;
            for t in &w.tracks {
                track.execute(params![isrc, t])?;
            }
            Ok(())
        };
        run().map_err(|e| self.err(e))
    }

    fn works(&mut self, holder: Option<&str>) -> Result<Vec<Work>, RegistryError> {
        let result = match holder {
            None => self.query_works(
                &format!("SELECT {WORK_COLUMNS} FROM works ORDER BY isrc"),
                &[],
            ),
            Some(h) => self.query_works(
                &format!(
                    "SELECT {WORK_COLUMNS} FROM works WHERE registrant = ?1
                     OR isrc IN (SELECT isrc FROM shares WHERE holder = ?1) ORDER BY isrc"
                ),
                &[&h],
            ),
        };
        result.map_err(|e| self.err(e))
    }

    fn work_summaries(&mut self, holder: Option<&str>) -> Result<Vec<WorkSummary>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<WorkSummary>> {
            let (sql, args): (&str, Vec<&dyn rusqlite::ToSql>) = match &holder {
                None => ("SELECT isrc, title, artist, duration_s, registrant FROM works ORDER BY isrc", vec![]),
                Some(h) => (
                    "SELECT isrc, title, artist, duration_s, registrant FROM works WHERE registrant = ?1
                     OR isrc IN (SELECT isrc FROM shares WHERE holder = ?1) ORDER BY isrc",
                    vec![h as &dyn rusqlite::ToSql],
                ),
            };
            let mut q = self.tx.prepare_cached(sql)?;
            q.query_map(args.as_slice(), |r| {
                Ok(WorkSummary {
                    isrc: parse("isrc", &r.get::<_, String>(0)?)?,
                    title: r.get(1)?,
                    artist: r.get(2)?,
                    duration_s: r.get(3)?,
                    registrant: r.get(4)?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn works_for_track(&mut self, track_id: &str) -> Result<Vec<Isrc>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<Isrc>> {
            let mut q = self
                .tx
                .prepare_cached("SELECT isrc FROM work_tracks WHERE track_id = ?1 ORDER BY isrc")?;

            q.query_map([track_id], |r| parse("isrc", &r.get::<_, String>(0)?))?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn put_policy(&mut self, p: &Policy) -> Result<(), RegistryError> {
        self.tx
            .execute(
                &format!("INSERT OR REPLACE INTO policies ({POLICY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
                params![
                    p.holder,
                    p.isrc.as_ref().map_or("", |i| i.as_str()),
                    p.use_.as_str(),
                    p.decision.as_str(),
                    join(&p.territories),
                    p.price.as_ref().map(json),
                    p.term_months,
                    p.conditions,
                    p.updated_at
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn policies(&mut self, holder: &str) -> Result<Vec<Policy>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<Policy>> {
            let mut q = self.tx.prepare_cached(&format!(
                "SELECT {POLICY_COLUMNS} FROM policies WHERE holder = ?1 ORDER BY isrc, use"
            ))?;

            q.query_map([holder], policy_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn policy(
        &mut self,
        holder: &str,
        isrc: Option<&Isrc>,
        use_: Use,
    ) -> Result<Option<Policy>, RegistryError> {
        self.tx
            .query_row(
                &format!("SELECT {POLICY_COLUMNS} FROM policies WHERE holder = ?1 AND isrc = ?2 AND use = ?3"),
                params![holder, isrc.map_or("", |i| i.as_str()), use_.as_str()],
                policy_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn all_policies(&mut self) -> Result<Vec<Policy>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<Policy>> {
            let mut q = self.tx.prepare(&format!(
                "SELECT {POLICY_COLUMNS} FROM policies ORDER BY holder, isrc, use"
            ))?;
            q.query_map([], policy_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn next_number(&mut self, sequence: &str) -> Result<u64, RegistryError> {
        self.tx
            .query_row(
                "INSERT INTO sequences (name, value) VALUES (?1, 1)
                 ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
                [sequence],
                |r| r.get::<_, i64>(0),
            )
            .map(|v| v as u64)
            .map_err(|e| self.err(e))
    }

    fn put_licence(&mut self, l: &Licence) -> Result<(), RegistryError> {
        self.tx
            .execute(
                &format!(
                    "INSERT OR REPLACE INTO licences ({LICENCE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                ),
                params![
                    l.id,
                    l.holder,
                    l.developer,
                    l.use_.as_str(),
                    join(&l.works),
                    join(&l.territories),
                    l.valid_from,
                    l.valid_to,
                    l.price.as_ref().map(json),
                    l.terms,
                    l.granted_at,
                    l.revoked_at,
                    l.revoke_reason
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn licence(&mut self, id: &str) -> Result<Option<Licence>, RegistryError> {
        self.tx
            .query_row(
                &format!("SELECT {LICENCE_COLUMNS} FROM licences WHERE id = ?1"),
                [id],
                licence_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn licences(&mut self) -> Result<Vec<Licence>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<Licence>> {
            let mut q = self.tx.prepare(&format!(
                "SELECT {LICENCE_COLUMNS} FROM licences ORDER BY id"
            ))?;

            q.query_map([], licence_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn put_scan(&mut self, s: &Scan) -> Result<(), RegistryError> {
        self.tx
            .execute(
                &format!("INSERT OR REPLACE INTO scans ({SCAN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                params![s.id, s.developer, s.model, s.use_.as_str(), s.territory.as_str(), s.dataset, s.started_at, s.finished_at],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn scan(&mut self, id: &str) -> Result<Option<Scan>, RegistryError> {
        self.tx
            .query_row(
                &format!("SELECT {SCAN_COLUMNS} FROM scans WHERE id = ?1"),
                [id],
                scan_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn scans(&mut self) -> Result<Vec<Scan>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<Scan>> {
            let mut q = self
                .tx
                .prepare(&format!("SELECT {SCAN_COLUMNS} FROM scans ORDER BY id"))?;

            q.query_map([], scan_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn put_scan_file(&mut self, scan_id: &str, f: &ScanFile) -> Result<(), RegistryError> {
        let run = || -> rusqlite::Result<()> {
            let mut q = self.tx.prepare_cached(
                "INSERT OR REPLACE INTO scan_files (scan_id, path, size, mtime_ns, sha256, duration_s, matches, error, verdict, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            q.execute(params![
                scan_id,
                f.path,
                f.size as i64,
                f.mtime_ns,
                f.sha256,
                f.duration_s,
                json(&f.matches),
                f.error.as_ref().map(json),
                f.verdict.as_ref().map(json),
                f.source.as_ref().map(json)
            ])?;
            Ok(())
        };
        run().map_err(|e| self.err(e))
    }

    fn scan_files(&mut self, scan_id: &str) -> Result<Vec<ScanFile>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<ScanFile>> {
            let mut q = self.tx.prepare(
                "SELECT path, size, mtime_ns, sha256, duration_s, matches, error, verdict, source FROM scan_files
                 WHERE scan_id = ?1 ORDER BY path",
            )?;

            q.query_map([scan_id], |r| {
                let error: Option<String> = r.get(6)?;
                let verdict: Option<String> = r.get(7)?;
                let source: Option<String> = r.get(8)?;
                Ok(ScanFile {
                    path: r.get(0)?,
                    size: r.get::<_, i64>(1)? as u64,
                    mtime_ns: r.get(2)?,
                    sha256: r.get(3)?,
                    duration_s: r.get(4)?,
                    matches: decode("matches", &r.get::<_, String>(5)?)?,
                    error: error.map(|e| decode("error", &e)).transpose()?,
                    verdict: verdict.map(|v| decode("verdict", &v)).transpose()?,
                    source: source.map(|v| decode("source", &v)).transpose()?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn put_manifest(&mut self, m: &ManifestRecord) -> Result<(), RegistryError> {
        self.tx
            .execute(
                "INSERT OR REPLACE INTO manifests (id, scan_id, root, leaves, path, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![m.id, m.scan_id, m.root, m.leaves as i64, m.path, m.created_at],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn manifest(&mut self, id: &str) -> Result<Option<ManifestRecord>, RegistryError> {
        self.tx
            .query_row(
                &format!("SELECT {MANIFEST_COLUMNS} FROM manifests WHERE id = ?1"),
                [id],
                manifest_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn manifests(&mut self) -> Result<Vec<ManifestRecord>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<ManifestRecord>> {
            let mut q = self.tx.prepare(&format!(
                "SELECT {MANIFEST_COLUMNS} FROM manifests ORDER BY id"
            ))?;
            q.query_map([], manifest_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn put_doc(
        &mut self,
        kind: DocKind,
        id: &str,
        owner: &str,
        json: &str,
    ) -> Result<(), RegistryError> {
        self.tx
            .execute(
                "INSERT OR REPLACE INTO documents (kind, id, owner, json) VALUES (?1, ?2, ?3, ?4)",
                params![kind.as_str(), id, owner, json],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn doc(&mut self, kind: DocKind, id: &str) -> Result<Option<String>, RegistryError> {
        self.tx
            .query_row(
                "SELECT json FROM documents WHERE kind = ?1 AND id = ?2",
                params![kind.as_str(), id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn docs(&mut self, kind: DocKind, owner: Option<&str>) -> Result<Vec<String>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut q = self.tx.prepare_cached(
                "SELECT json FROM documents WHERE kind = ?1 AND (?2 IS NULL OR owner = ?2) ORDER BY id",
            )?;
            q.query_map(params![kind.as_str(), owner], |r| r.get(0))?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn stored_doc(&mut self, kind: DocKind, id: &str) -> Result<Option<StoredDoc>, RegistryError> {
        self.tx
            .query_row(
                "SELECT id, owner, json FROM documents WHERE kind = ?1 AND id = ?2",
                params![kind.as_str(), id],
                stored_doc_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn stored_docs(&mut self, kind: DocKind) -> Result<Vec<StoredDoc>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<StoredDoc>> {
            let mut q = self.tx.prepare_cached(
                "SELECT id, owner, json FROM documents WHERE kind = ?1 ORDER BY id",
            )?;
            q.query_map([kind.as_str()], stored_doc_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn put_key(&mut self, key: &ApiKey, secret_sha256: &str) -> Result<(), RegistryError> {
        self.tx
            .execute(
                "INSERT INTO api_keys (id, party, role, secret_sha256, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![key.id, key.party, key.role.as_str(), secret_sha256, key.created_at, key.revoked_at],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn key_by_hash(&mut self, secret_sha256: &str) -> Result<Option<ApiKey>, RegistryError> {
        self.tx
            .query_row(
                "SELECT id, party, role, created_at, revoked_at FROM api_keys WHERE secret_sha256 = ?1",
                [secret_sha256],
                key_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn keys(&mut self) -> Result<Vec<ApiKey>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<ApiKey>> {
            let mut q = self.tx.prepare(
                "SELECT id, party, role, created_at, revoked_at FROM api_keys ORDER BY id",
            )?;
            q.query_map([], key_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn revoke_key(&mut self, id: &str, at: &str) -> Result<bool, RegistryError> {
        self.tx
            .execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, at],
            )
            .map(|n| n == 1)
            .map_err(|e| self.err(e))
    }

    fn stored_key(&mut self, id: &str) -> Result<Option<(ApiKey, String)>, RegistryError> {
        self.tx
            .query_row(
                "SELECT id, party, role, created_at, revoked_at, secret_sha256 FROM api_keys WHERE id = ?1",
                [id],
                stored_key_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn stored_keys(&mut self) -> Result<Vec<(ApiKey, String)>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<(ApiKey, String)>> {
            let mut q = self.tx.prepare("SELECT id, party, role, created_at, revoked_at, secret_sha256 FROM api_keys ORDER BY id")?;
            q.query_map([], stored_key_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn idempotent(
        &mut self,
        party: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>, RegistryError> {
        self.tx
            .query_row(
                "SELECT request_sha256, status, body FROM idempotency WHERE party = ?1 AND key = ?2",
                params![party, key],
                |r| Ok(IdempotentResponse { request_digest: r.get(0)?, status: r.get(1)?, body: r.get(2)? }),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn put_idempotent(
        &mut self,
        party: &str,
        key: &str,
        response: &IdempotentResponse,
    ) -> Result<(), RegistryError> {
        self.tx
            .execute(
                "INSERT INTO idempotency (party, key, request_sha256, status, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![party, key, response.request_digest, response.status, response.body],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn put_session(&mut self, s: &SessionRow) -> Result<(), RegistryError> {
        self.tx
            .execute(
                "INSERT INTO sessions (secret_sha256, person, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.secret_sha256, s.person, s.csrf, s.created_at, s.expires_at],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn session(&mut self, secret_sha256: &str) -> Result<Option<SessionRow>, RegistryError> {
        self.tx
            .query_row(
                "SELECT secret_sha256, person, csrf, created_at, expires_at FROM sessions WHERE secret_sha256 = ?1",
                params![secret_sha256],
                |r| {
                    Ok(SessionRow {
                        secret_sha256: r.get(0)?,
                        person: r.get(1)?,
                        csrf: r.get(2)?,
                        created_at: r.get(3)?,
                        expires_at: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn delete_session(&mut self, secret_sha256: &str) -> Result<bool, RegistryError> {
        self.tx
            .execute(
                "DELETE FROM sessions WHERE secret_sha256 = ?1",
                params![secret_sha256],
            )
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    fn delete_sessions_of(&mut self, person: &str) -> Result<u64, RegistryError> {
        self.tx
            .execute("DELETE FROM sessions WHERE person = ?1", params![person])
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    fn delete_expired_sessions(&mut self, at: &str) -> Result<u64, RegistryError> {
        // RFC 3339 UTC with whole seconds, as fermata writes them, sorts as text.
        self.tx
            .execute("DELETE FROM sessions WHERE expires_at <= ?1", params![at])
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    fn append_event(&mut self, e: &Event) -> Result<(), RegistryError> {
        self.tx
            .execute(
                &format!("INSERT INTO audit ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                params![e.seq as i64, e.at, e.actor, e.action, e.subjects, e.payload, e.layout, e.records, e.prev_hash, e.hash],
            )
            .map(|_| ())
            .map_err(|err| self.err(err))
    }

    fn last_event(&mut self) -> Result<Option<Event>, RegistryError> {
        self.tx
            .query_row(
                &format!("SELECT {EVENT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT 1"),
                [],
                event_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn events_about(&mut self, subject: &str) -> Result<Vec<Event>, RegistryError> {
        // Narrowed in SQL (subjects are space-separated), then matched exactly.
        let escaped = subject
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("% {escaped} %");
        let run = || -> rusqlite::Result<Vec<Event>> {
            let mut q = self.tx.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM audit WHERE (' ' || subjects || ' ') LIKE ?1 ESCAPE '\\' ORDER BY seq"
            ))?;
            q.query_map([&pattern], event_row)?.collect()
        };
        Ok(run()
            .map_err(|e| self.err(e))?
            .into_iter()
            .filter(|e| e.is_about(subject))
            .collect())
    }

    fn events_after(&mut self, after: u64, limit: usize) -> Result<Vec<Event>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<Event>> {
            let mut q = self.tx.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            ))?;
            q.query_map(
                params![i64::try_from(after).unwrap_or(i64::MAX), limit as i64],
                event_row,
            )?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn cursor(&mut self, name: &str) -> Result<u64, RegistryError> {
        self.tx
            .query_row("SELECT seq FROM cursors WHERE name = ?1", [name], |r| {
                r.get::<_, i64>(0)
            })
            .optional()
            .map(|s| s.map_or(0, |s| s.max(0) as u64))
            .map_err(|e| self.err(e))
    }

    fn set_cursor(&mut self, name: &str, seq: u64) -> Result<(), RegistryError> {
        self.tx
            .execute(
                "INSERT OR REPLACE INTO cursors (name, seq) VALUES (?1, ?2)",
                params![name, i64::try_from(seq).unwrap_or(i64::MAX)],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn put_delivery(&mut self, d: &Delivery) -> Result<(), RegistryError> {
        self.tx
            .execute(
                &format!("INSERT OR REPLACE INTO webhook_deliveries ({DELIVERY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"),
                params![
                    d.id,
                    d.endpoint,
                    d.party,
                    d.event_seq.map(|s| i64::try_from(s).unwrap_or(i64::MAX)),
                    d.event_type.as_str(),
                    d.body,
                    d.status.as_str(),
                    d.attempts,
                    d.next_attempt_at,
                    d.last_status_code,
                    d.last_error,
                    d.created_at,
                    d.updated_at,
                    d.delivered_at
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn delivery(&mut self, id: &str) -> Result<Option<Delivery>, RegistryError> {
        self.tx
            .query_row(
                &format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?1"),
                [id],
                delivery_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn deliveries_of(
        &mut self,
        endpoint: &str,
        limit: usize,
    ) -> Result<Vec<Delivery>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<Delivery>> {
            let mut q = self.tx.prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint = ?1 ORDER BY id DESC LIMIT ?2"
            ))?;
            q.query_map(params![endpoint, limit as i64], delivery_row)?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn due_deliveries(&mut self, at: &str, limit: usize) -> Result<Vec<Delivery>, RegistryError> {
        // RFC 3339 UTC with whole seconds, as fermata writes them, sorts as text.
        let run = || -> rusqlite::Result<Vec<Delivery>> {
            let mut q = self.tx.prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2"
            ))?;
            q.query_map(params![at, limit as i64], delivery_row)?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn put_delivery_attempt(&mut self, a: &DeliveryAttempt) -> Result<(), RegistryError> {
        self.tx
            .execute(
                "INSERT INTO webhook_attempts (delivery, attempt, at, status_code, error, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![a.delivery, a.attempt, a.at, a.status_code, a.error, i64::try_from(a.duration_ms).unwrap_or(i64::MAX)],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn delivery_attempts(&mut self, delivery: &str) -> Result<Vec<DeliveryAttempt>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<DeliveryAttempt>> {
            let mut q = self.tx.prepare_cached(
                "SELECT delivery, attempt, at, status_code, error, duration_ms FROM webhook_attempts WHERE delivery = ?1 ORDER BY attempt",
            )?;
            q.query_map([delivery], |r| {
                Ok(DeliveryAttempt {
                    delivery: r.get(0)?,
                    attempt: r.get(1)?,
                    at: r.get(2)?,
                    status_code: r.get(3)?,
                    error: r.get(4)?,
                    duration_ms: r.get::<_, i64>(5)?.max(0) as u64,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn put_mail(&mut self, m: &crate::mail::Mail) -> Result<(), RegistryError> {
        self.tx
            .execute(
                &format!("INSERT OR REPLACE INTO mail_queue ({MAIL_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
                params![
                    m.id,
                    m.person,
                    m.to,
                    m.event_seq.map(|s| i64::try_from(s).unwrap_or(i64::MAX)),
                    m.event_type.as_str(),
                    m.data,
                    m.status.as_str(),
                    m.attempts,
                    m.next_attempt_at,
                    m.last_error,
                    m.created_at,
                    m.updated_at,
                    m.sent_at
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn mail(&mut self, id: &str) -> Result<Option<crate::mail::Mail>, RegistryError> {
        self.tx
            .query_row(
                &format!("SELECT {MAIL_COLUMNS} FROM mail_queue WHERE id = ?1"),
                [id],
                mail_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn due_mail(
        &mut self,
        at: &str,
        limit: usize,
    ) -> Result<Vec<crate::mail::Mail>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<crate::mail::Mail>> {
            let mut q = self.tx.prepare_cached(&format!(
                "SELECT {MAIL_COLUMNS} FROM mail_queue WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2"
            ))?;
            q.query_map(params![at, limit as i64], mail_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn mail_list(
        &mut self,
        status: Option<crate::webhooks::DeliveryStatus>,
        limit: usize,
    ) -> Result<Vec<crate::mail::Mail>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<crate::mail::Mail>> {
            let mut q = self.tx.prepare_cached(&format!(
                "SELECT {MAIL_COLUMNS} FROM mail_queue WHERE (?1 IS NULL OR status = ?1) ORDER BY id DESC LIMIT ?2"
            ))?;
            q.query_map(params![status.map(|s| s.as_str()), limit as i64], mail_row)?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn prune_mail(&mut self, before: &str) -> Result<usize, RegistryError> {
        self.tx
            .execute(
                "DELETE FROM mail_queue WHERE status != 'pending' AND updated_at < ?1",
                [before],
            )
            .map_err(|e| self.err(e))
    }

    fn events(&mut self) -> Result<Vec<Event>, RegistryError> {
        let run = || -> rusqlite::Result<Vec<Event>> {
            let mut q = self
                .tx
                .prepare(&format!("SELECT {EVENT_COLUMNS} FROM audit ORDER BY seq"))?;

            q.query_map([], event_row)?.collect()
        };
        run().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_are_durable_against_power_loss() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("r.sqlite"), true).expect("open");
        let mode: i64 = store
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .expect("pragma");
        assert_eq!(mode, 2, "synchronous must be FULL (2)");
        let journal: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("pragma");
        assert_eq!(journal, "wal");
    }
}
