//! The bundle builder: a background task on every app server that claims queued bundles
//! (and those whose builder died), gathers what the audience may see, writes the bag into a
//! temporary file in the evidence store (memory does not grow with the bundle), keeps it
//! durably, and records it: the job done with the bundle's SHA-256, a custody entry on each
//! exhibit it holds and an audit entry, in one transaction. It refuses a build that would
//! leave too little free space, and deletes the files of bundles past their retention period.

use std::io::Seek;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use askama::Template;
use chrono::{NaiveDateTime, TimeDelta};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::{Notify, watch};

use super::bag::{self, BagInfo, Entry, Source};
use super::key;
use super::keyring::KeyRing;
use crate::audit::{self, Actor, Event};
use crate::db::{DbConn, DbPool, write_tx};
use crate::domain::office_time::{AsInstant, OfficeZone};
use crate::domain::{Audience, CustodyAction, Lang, human_size};
use crate::evidence::Store;
use crate::i18n;
use crate::models::bundle::{self, Built, Claim};
use crate::models::case::{self, CaseRow, PartyFields};
use crate::models::exhibit::{self, Custody, CustodyRow, ExhibitView};
use crate::models::id::{CaseId, ExhibitId};
use crate::models::right::{self, CaseRightView};
use crate::models::workflow::{self as store, EventView};
use crate::models::{self};

/// Progress is written at most this often (each write also renews the lease).
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct Builder {
    pub pool: DbPool,
    pub store: Store,
    pub keys: KeyRing,
    /// Written into bag-info.txt as Source-Organization.
    pub organization: String,
    pub zone: OfficeZone,
    /// Without a wake-up, the queue is looked at this often.
    pub poll: Duration,
    /// A built bundle's file is deleted this many days after it was built.
    pub retention_days: u32,
    /// A build must leave at least this much free beside the bundle.
    pub min_free_bytes: u64,
    /// How long a claimed build is held without a progress update before another server
    /// may take it over.
    pub lease: TimeDelta,
}

impl Builder {
    /// Builds bundles until told to stop: at once when woken, otherwise every few seconds.
    pub async fn run(self, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
        loop {
            let builder = self.clone();
            let work = move || {
                if let Err(e) = builder.delete_expired() {
                    tracing::error!(error = ?e, "expired bundles could not be deleted");
                }
                builder.build_next()
            };
            match tokio::task::spawn_blocking(work).await {
                // Another job may be waiting.
                Ok(Ok(true)) => continue,
                Ok(Ok(false)) => {}
                Ok(Err(e)) => tracing::error!(error = ?e, "the bundle builder failed"),
                Err(e) => tracing::error!(error = %e, "the bundle builder panicked"),
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Claims and builds one job; `false` when there was none.
    pub fn build_next(&self) -> anyhow::Result<bool> {
        let mut conn = self
            .pool
            .get()
            .context("no database connection for the bundle builder")?;
        let Some(claim) = write_tx(&mut conn, |c| bundle::claim(c, models::now(), self.lease))? else {
            return Ok(false);
        };
        tracing::info!(bundle = %claim.bundle.public_id, "a bundle build started");
        let started = Instant::now();
        match self.build(&mut conn, &claim) {
            Ok(Some(sha256)) => tracing::info!(bundle = %claim.bundle.public_id, %sha256,
                seconds = started.elapsed().as_secs_f64(), "bundle built"),
            Ok(None) => tracing::warn!(bundle = %claim.bundle.public_id,
                "a bundle build lost its claim to another server"),
            Err(e) => {
                tracing::error!(bundle = %claim.bundle.public_id, error = ?e, "a bundle could not be built");
                write_tx(&mut conn, |c| {
                    bundle::fail(c, &claim, &format!("{e:#}"), models::now())
                })?;
            }
        }
        Ok(true)
    }

    /// Deletes the files of bundles built longer ago than the retention period. The row, its
    /// hash and its audit entries stay; the deletion is audited too.
    pub fn delete_expired(&self) -> anyhow::Result<()> {
        let mut conn = self
            .pool
            .get()
            .context("no database connection for the bundle builder")?;
        let now = models::now();
        let cutoff = now - TimeDelta::days(i64::from(self.retention_days));
        for b in bundle::expired(&mut conn, cutoff)? {
            let file = crate::evidence::BundleFile::of(&b.public_id, b.sha256.as_deref())
                .context("a built bundle has no id or SHA-256")?;
            // The file goes first: if recording fails, the next sweep records it.
            self.store
                .delete_bundle(&file)
                .context("cannot delete an expired bundle's file")?;
            write_tx(&mut conn, |c| {
                if !bundle::mark_file_deleted(c, b.id, models::now())? {
                    return Ok::<_, anyhow::Error>(());
                }
                audit::record(
                    c,
                    Event {
                        actor: &Actor::system(),
                        action: "bundle.file_deleted",
                        object: Some(("bundle", b.public_id.clone())),
                        details: json!({
                            "audience": b.audience,
                            "sha256": b.sha256,
                            "size": b.size,
                            "retention_days": self.retention_days,
                        }),
                        address: None,
                    },
                )?;
                Ok(())
            })?;
            tracing::info!(bundle = %b.public_id, "an expired bundle's file was deleted");
        }
        Ok(())
    }

    /// Refuses a build that would leave less than the minimum free beside the bundle.
    fn check_space(&self, bytes: u64) -> anyhow::Result<()> {
        let free = self
            .store
            .bundle_space()
            .context("cannot read the free space for bundles")?;
        let needed = bytes.saturating_add(self.min_free_bytes);
        if free < needed {
            let (free, bytes, kept) = (
                human_size(free),
                human_size(bytes),
                human_size(self.min_free_bytes),
            );
            tracing::warn!(%free, %bytes, %kept, "a bundle was refused for lack of disk space");
            anyhow::bail!(
                "not enough free disk space: {free} free, the bundle needs {bytes} and {kept} must stay free"
            );
        }
        Ok(())
    }

    /// Builds the claimed bundle; `None` if the claim was lost on the way.
    fn build(&self, conn: &mut DbConn, claim: &Claim) -> anyhow::Result<Option<String>> {
        let job = &claim.bundle;
        let audience = job.audience();
        let lang = job.language();
        let snapshot = Snapshot::load(conn, job.case_id, audience)?;
        let bagged_at = models::now();
        let case_no = snapshot
            .case
            .case_no
            .clone()
            .unwrap_or_else(|| snapshot.case.draft_key.clone());
        let root = format!(
            "{case_no}_{}_{}",
            audience.as_str(),
            bagged_at.format("%Y%m%dT%H%M%SZ")
        );
        // The key current now, even if another server made it after this one started.
        let signing_key = self.keys.current(conn)?;
        let fingerprint = key::fingerprint(&signing_key.verifying_key());
        let context = BagContext {
            lang,
            audience,
            case_no: &case_no,
            bundle_id: &job.public_id,
            bagged_at,
            fingerprint: &fingerprint,
            organization: &self.organization,
            zone: self.zone,
        };
        let entries = snapshot.entries(&self.store, &context)?;
        let total = (
            entries.len() as i64,
            entries.iter().map(|e| e.size as i64).sum::<i64>(),
        );
        if !bundle::progress(conn, claim, (0, 0), total, models::now() + self.lease)? {
            return Ok(None);
        }
        self.check_space(total.1 as u64)?;
        let info = BagInfo {
            source_organization: self.organization.clone(),
            bagging_date: bagged_at,
            external_identifier: case_no.clone(),
            extra: vec![
                ("Audience".into(), audience.as_str().into()),
                ("Bundle-Id".into(), job.public_id.clone()),
                ("Office-Key-Fingerprint".into(), fingerprint.clone()),
                (
                    "Signature".into(),
                    "signature.ed25519 signs tagmanifest-sha512.txt with Ed25519".into(),
                ),
            ],
        };
        let mut file = self
            .store
            .temp_file()
            .context("cannot create the bundle's file")?;
        let mut last = Instant::now();
        let written = bag::write(file.as_file_mut(), &root, &entries, &info, &signing_key, |p| {
            if last.elapsed() < PROGRESS_EVERY {
                return Ok(());
            }
            last = Instant::now();
            let done = (p.files_done as i64, p.bytes_done as i64);
            match bundle::progress(conn, claim, done, total, models::now() + self.lease) {
                Ok(true) => Ok(()),
                Ok(false) => Err(std::io::Error::other(ClaimLost)),
                Err(e) => Err(std::io::Error::other(e)),
            }
        });
        let written = match written {
            Ok(w) => w,
            Err(e) if e.get_ref().is_some_and(|inner| inner.is::<ClaimLost>()) => return Ok(None),
            Err(e) => return Err(anyhow::Error::new(e).context("cannot write the bundle")),
        };
        let size = file.as_file().metadata()?.len();
        file.as_file_mut().rewind()?;
        let (fingerprint_of_file, _) = crate::evidence::store::hash_reader(file.as_file_mut())?;
        self.store
            .keep_bundle(file, &fingerprint_of_file)
            .context("cannot keep the bundle")?;
        let sha256 = fingerprint_of_file.as_str().to_owned();
        let exhibits: Vec<ExhibitId> = snapshot.exhibits.iter().map(|e| e.row.id).collect();
        let file_name = format!("{root}.zip");
        let recorded = write_tx(conn, |c| {
            let now = models::now();
            let built = Built {
                file_name: &file_name,
                size: size as i64,
                sha256: &sha256,
                exhibits: &exhibits,
            };
            if !bundle::finish(c, claim, &built, now)? {
                return Ok::<_, anyhow::Error>(false);
            }
            for e in &exhibits {
                exhibit::record(
                    c,
                    &Custody {
                        exhibit: *e,
                        action: CustodyAction::Bundled,
                        actor: None,
                        address: None,
                        details: json!({ "bundle": job.public_id, "audience": audience.as_str() }),
                    },
                    now,
                )?;
            }
            audit::record(
                c,
                Event {
                    actor: &Actor::system(),
                    action: "bundle.built",
                    object: Some(("bundle", job.public_id.clone())),
                    details: json!({
                        "case": case_no,
                        "audience": audience.as_str(),
                        "file": file_name,
                        "size": size,
                        "sha256": sha256,
                        "payload_files": written.payload_files,
                        "payload_bytes": written.payload_bytes,
                        "exhibits": snapshot.exhibits.iter().map(|e| e.row.number).collect::<Vec<_>>(),
                        "key_fingerprint": fingerprint,
                    }),
                    address: None,
                },
            )?;
            Ok(true)
        })?;
        Ok(recorded.then_some(sha256))
    }
}

/// Another server took the job over: this build stops and leaves it to them.
#[derive(Debug)]
struct ClaimLost;

impl std::fmt::Display for ClaimLost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the build's claim was lost")
    }
}

impl std::error::Error for ClaimLost {}

/// What the bag says about itself, beside the case.
pub struct BagContext<'a> {
    pub lang: Lang,
    pub audience: Audience,
    pub case_no: &'a str,
    pub bundle_id: &'a str,
    pub bagged_at: NaiveDateTime,
    pub fingerprint: &'a str,
    pub organization: &'a str,
    /// The office's time zone, in which index.html and the custody log show times.
    pub zone: OfficeZone,
}

/// The case as the audience may see it, read once at the start of the build.
pub struct Snapshot {
    pub case: CaseRow,
    pub parties: Vec<PartyFields>,
    pub rights: Vec<CaseRightView>,
    pub exhibits: Vec<ExhibitView>,
    pub events: Vec<EventView>,
    /// As the audience may see it ([`CustodyRow::as_seen_by`]): only the office's copy
    /// carries source addresses.
    pub custody: Vec<CustodyRow>,
    /// The office's copy keeps source addresses and the history's texts; the parties' do not.
    pub full: bool,
}

impl Snapshot {
    pub fn load(conn: &mut DbConn, id: CaseId, audience: Audience) -> anyhow::Result<Snapshot> {
        let case = case::find_by_id(conn, id)?.context("the bundle's case is gone")?;
        let viewer = bundle::viewer_for(audience);
        let exhibits = bundle::exhibits_for(conn, id, audience)?;
        let ids: Vec<ExhibitId> = exhibits.iter().map(|e| e.row.id).collect();
        Ok(Snapshot {
            parties: case::parties_of(conn, id)?,
            rights: right::of_case(conn, id)?,
            events: store::events_of(conn, id)?,
            custody: exhibit::custody_seen_by(conn, id, viewer, &ids)?,
            full: audience == Audience::Office,
            exhibits,
            case,
        })
    }

    /// The name of each exhibit's file in the bag.
    fn bag_names(&self) -> Vec<String> {
        self.exhibits
            .iter()
            .map(|e| {
                format!(
                    "exhibits/{}",
                    bag::exhibit_file_name(e.row.number, &e.row.title, &e.row.extension)
                )
            })
            .collect()
    }

    /// The payload: the index, the case as JSON, the custody log, then the exhibits.
    fn entries(&self, store: &Store, cx: &BagContext<'_>) -> anyhow::Result<Vec<Entry>> {
        let names = self.bag_names();
        let index = IndexPage {
            cx,
            s: self,
            names: &names,
        }
        .render()
        .context("cannot render index.html")?
        .into_bytes();
        let json = serde_json::to_vec_pretty(&self.json(cx, &names))?;
        let numbers: Vec<(ExhibitId, i32)> = self.exhibits.iter().map(|e| (e.row.id, e.row.number)).collect();
        let csv = crate::evidence::custody_csv(&self.custody, &numbers, cx.case_no, cx.zone)?;
        let mut entries = vec![
            Entry {
                path: "index.html".into(),
                size: index.len() as u64,
                source: Source::Bytes(index),
            },
            Entry {
                path: "case.json".into(),
                size: json.len() as u64,
                source: Source::Bytes(json),
            },
            Entry {
                path: "custody-log.csv".into(),
                size: csv.len() as u64,
                source: Source::Bytes(csv),
            },
        ];
        for (e, name) in self.exhibits.iter().zip(names) {
            let fingerprint = e.row.fingerprint().context("an exhibit's SHA-256 is malformed")?;
            let store = store.clone();
            let open = move || match store.read(&fingerprint)? {
                Some(r) => Ok(r.reader as Box<dyn std::io::Read>),
                None => Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!(
                        "the exhibit file {} is missing from the store",
                        fingerprint.as_str()
                    ),
                )),
            };
            entries.push(Entry {
                path: name,
                size: e.row.size as u64,
                source: Source::Open(Box::new(open)),
            });
        }
        Ok(entries)
    }

    fn json(&self, cx: &BagContext<'_>, names: &[String]) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        out.insert(
            "bundle".into(),
            json!({
                "id": cx.bundle_id,
                "audience": cx.audience.as_str(),
                "bagged_at": format!("{}Z", cx.bagged_at.format("%Y-%m-%dT%H:%M:%S")),
                "source_organization": cx.organization,
                "office_key_fingerprint": cx.fingerprint,
            }),
        );
        if let serde_json::Value::Object(content) = self.content(cx.case_no, names) {
            out.extend(content);
        }
        serde_json::Value::Object(out)
    }

    /// case.json but for the bundle's own header: what the case says, as the audience sees it.
    fn content(&self, case_no: &str, names: &[String]) -> serde_json::Value {
        let c = &self.case;
        json!({
            "case": {
                "number": case_no,
                "title": c.title,
                "state": c.state,
                "track": c.track,
                "kind": c.kind,
                "description": c.description,
                "technology_field": c.ipc_class,
                "damages": c.damages_amount.map(|a| json!({ "amount": a, "currency": c.damages_currency })),
                "remedy": c.remedy,
                "origin": c.origin,
                "origin_reference": c.origin_reference,
                "filed_at": c.filed_at.map(|t| format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S"))),
            },
            "parties": self.parties.iter().map(|p| json!({
                "side": p.side,
                "kind": p.party_kind,
                "name": p.name,
                "registration_no": p.registration_no,
                "size": p.size,
                "counsel": p.counsel_name.as_ref().map(|n| json!({ "name": n, "firm": p.counsel_firm })),
            })).collect::<Vec<_>>(),
            "cited_rights": self.rights.iter().map(|r| json!({
                "number": r.display,
                "docdb": r.docdb,
                "title": r.title,
                "role": r.role,
                "claims": r.claims,
            })).collect::<Vec<_>>(),
            "exhibits": self.exhibits.iter().zip(names).map(|(e, name)| json!({
                "number": e.row.number,
                "file": format!("data/{name}"),
                "title": e.row.title,
                "description": e.row.description,
                "side": e.row.side,
                "visibility": e.row.visibility,
                "original_file_name": e.row.file_name,
                "content_type": e.row.content_type,
                "size": e.row.size,
                "sha256": e.row.sha256,
                "filed_by": e.uploader,
                "filed_at": format!("{}Z", e.row.uploaded_at.format("%Y-%m-%dT%H:%M:%S")),
                "superseded_by": self.superseded_by(e),
                "supersedes": self.number_of(e.row.supersedes_id),
            })).collect::<Vec<_>>(),
            "timeline": self.events.iter().map(|e| json!({
                "at": format!("{}Z", e.at.format("%Y-%m-%dT%H:%M:%S")),
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "by": e.actor_name,
            })).collect::<Vec<_>>(),
        })
    }

    fn number_of(&self, id: Option<ExhibitId>) -> Option<i32> {
        let id = id?;
        self.exhibits
            .iter()
            .find(|o| o.row.id == id)
            .map(|o| o.row.number)
    }

    /// The exhibit that corrected this one, if it is in the bundle too.
    pub fn superseded_by(&self, e: &ExhibitView) -> Option<i32> {
        self.number_of(e.row.superseded_by_id)
    }
}

/// What a bundle of the case for this audience and language would hold: a SHA-256 over the
/// case's content as case.json gives it and each exhibit's id, hash, title, visibility and
/// correction. Two requests with the same key would build the same bundle but for its date
/// and id, so the later one gets the earlier bundle. The custody log is left out: building
/// and downloading a bundle add to it.
pub fn content_key(
    conn: &mut DbConn,
    case: CaseId,
    audience: Audience,
    lang: Lang,
) -> anyhow::Result<String> {
    let snapshot = Snapshot::load(conn, case, audience)?;
    let c = &snapshot.case;
    let case_no = c.case_no.as_deref().unwrap_or(&c.draft_key);
    let content = serde_json::to_vec(&snapshot.content(case_no, &snapshot.bag_names()))?;
    let mut hasher = Sha256::new();
    hasher.update(format!(
        "ipdesk bundle 1\n{}\n{}\n{}\n",
        audience.as_str(),
        lang.code(),
        c.version
    ));
    for e in &snapshot.exhibits {
        let r = &e.row;
        hasher.update(format!(
            "{} {} {} {} {:?} {:?} {:?}\n",
            r.id, r.number, r.sha256, r.visibility, r.title, r.supersedes_id, r.superseded_by_id
        ));
    }
    hasher.update(&content);
    Ok(hex::encode(hasher.finalize()))
}

/// `data/index.html`: the bundle readable offline in a browser, self-contained.
#[derive(Template)]
#[template(path = "bundle/index.html")]
struct IndexPage<'a> {
    cx: &'a BagContext<'a>,
    s: &'a Snapshot,
    names: &'a [String],
}

impl IndexPage<'_> {
    fn t(&self, key: &str) -> String {
        i18n::text(self.cx.lang, key)
    }

    fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        i18n::text_with(self.cx.lang, key, &[(name, value.to_string())])
    }

    fn label(&self, prefix: &str, value: impl AsRef<str>) -> String {
        i18n::label(self.cx.lang, prefix, value.as_ref())
    }

    /// A stored time in office time, zone marked.
    fn time(&self, utc: impl AsInstant) -> String {
        self.cx.zone.show(utc.instant())
    }

    fn time_s(&self, utc: impl AsInstant) -> String {
        self.cx.zone.show_seconds(utc.instant())
    }

    fn size(&self, e: &ExhibitView) -> String {
        crate::domain::human_size(e.row.size as u64)
    }

    /// The exhibit's file in the bag, as a link relative to index.html.
    fn href(&self, i: &usize) -> String {
        self.names[*i]
            .split('/')
            .map(|part| {
                form_urlencoded::byte_serialize(part.as_bytes())
                    .collect::<String>()
                    .replace('+', "%20")
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    fn number_of(&self, id: &ExhibitId) -> Option<i32> {
        self.s
            .exhibits
            .iter()
            .find(|e| e.row.id == *id)
            .map(|e| e.row.number)
    }
}
