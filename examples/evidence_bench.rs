//! The evidence benchmark (issues 7 and 8): one large exhibit uploaded over HTTP to a real
//! `ipdesk serve` process, against `sha256sum` of the same file on the same machine; then a
//! bundle of the case built in the background, against `sha256sum` plus `sha512sum`, and
//! checked with `ipdesk bundle verify`.
//!
//!     cargo build --release --bin ipdesk                                   # the server it starts
//!     cargo run --release --example evidence_bench                           # SQLite, 1 GiB
//!     cargo run --release --example evidence_bench -- --size-mib 256
//!     cargo run --release --example evidence_bench -- --postgres postgres://postgres@127.0.0.1/postgres
//!     cargo run --release --example evidence_bench -- --s3-endpoint http://127.0.0.1:8333 \
//!         --s3-bucket ipdesk-bench --s3-access-key KEY --s3-secret-key SECRET
//!
//! With `--s3-endpoint`, the same measurements run twice in one run: with the evidence store in
//! the local folder, then in the bucket (which must exist; each run uses a fresh prefix), and a
//! table at the end puts the two side by side with `sha256sum` of the same file.
//!
//! It writes a file of N MiB (default 1024) of pseudo-random bytes that starts like a PDF,
//! then measures:
//!
//! - `sha256sum` of the file (page cache hot: the file is read once before), in MB/s;
//! - the upload, from the first byte sent to the 303 answer, in MB/s and as a ratio to
//!   `sha256sum` (target: at least 0.5);
//! - the server's resident memory: VmRSS idle (after warm-up requests), and its peak during
//!   the upload, from VmRSS sampled every 20 ms and VmHWM reset just before through
//!   `/proc/<pid>/clear_refs` (target: growth of at most 64 MiB);
//! - the download of the exhibit, streamed and hashed by the client, which must give the
//!   file's SHA-256;
//! - a bundle of the case for the office: from the request to the case page showing it
//!   ready, against `sha256sum` plus `sha512sum` of the file (target: at most twice their
//!   time), with the server's memory sampled the same way (target: under 64 MiB of growth);
//!   the bundle is then downloaded and must pass `ipdesk bundle verify`.
//!
//! The upload is written by hand as HTTP/1.1 with a Content-Length over a plain TCP socket
//! (reqwest here has no streaming bodies): headers, the multipart preamble, the file in 1 MiB
//! slices, the closing boundary. The client shares the machine's cores with the server.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use rand::{RngCore, SeedableRng};
use reqwest::cookie::{CookieStore, Jar};
use sha2::{Digest, Sha256};

const MIB: u64 = 1024 * 1024;
const EMAIL: &str = "examiner@bench.example";
const PASSWORD: &str = "correct horse battery staple 42!";

struct Args {
    size_mib: u64,
    postgres: Option<String>,
    s3: Option<S3>,
}

/// An S3-compatible store to measure beside the local folder.
#[derive(Clone)]
struct S3 {
    endpoint: String,
    bucket: String,
    access_key: String,
    secret_key: String,
}

/// One pass's figures, for the table at the end.
struct Figures {
    store: String,
    sha256sum: f64,
    upload: f64,
    download: f64,
    upload_growth: f64,
    download_growth: f64,
    bundle: f64,
    bundle_growth: f64,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        size_mib: 1024,
        postgres: None,
        s3: None,
    };
    let (mut endpoint, mut bucket, mut access_key, mut secret_key) =
        (None, "ipdesk-bench".to_owned(), String::new(), String::new());
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--size-mib" => a.size_mib = value()?.parse().context("--size-mib")?,
            "--postgres" => a.postgres = Some(value()?),
            "--s3-endpoint" => endpoint = Some(value()?),
            "--s3-bucket" => bucket = value()?,
            "--s3-access-key" => access_key = value()?,
            "--s3-secret-key" => secret_key = value()?,
            other => bail!("unknown argument {other}"),
        }
    }
    a.s3 = endpoint.map(|endpoint| S3 {
        endpoint,
        bucket,
        access_key,
        secret_key,
    });
    if a.size_mib == 0 {
        bail!("--size-mib must be at least 1");
    }
    Ok(a)
}

/// `target/release/ipdesk`, next to the folder this example runs from.
fn server_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let release = exe
        .parent()
        .and_then(Path::parent)
        .context("cannot tell the target folder from this program's path")?;
    let binary = release.join("ipdesk");
    if !binary.is_file() {
        bail!(
            "{} is missing: run `cargo build --release --bin ipdesk` first",
            binary.display()
        );
    }
    Ok(binary)
}

/// `%PDF-1.7` and a line break, then pseudo-random bytes up to `size`.
fn write_file(path: &Path, size: u64) -> anyhow::Result<()> {
    let mut out = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
    let mut buffer = vec![0u8; MIB as usize];
    let mut written = 0u64;
    while written < size {
        let n = (size - written).min(MIB) as usize;
        rng.fill_bytes(&mut buffer[..n]);
        if written == 0 {
            buffer[..9].copy_from_slice(b"%PDF-1.7\n");
        }
        out.write_all(&buffer[..n])?;
        written += n as u64;
    }
    out.sync_all()?;
    Ok(())
}

/// One field of `/proc/<pid>/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .with_context(|| format!("no {field} in /proc/{pid}/status"))
}

/// Samples VmRSS every 20 ms until stopped; the largest value seen, in KiB.
struct Sampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut max = 0;
            while !flag.load(Ordering::Relaxed) {
                max = max.max(status_kib(pid, "VmRSS").unwrap_or(0));
                std::thread::sleep(Duration::from_millis(20));
            }
            max.max(status_kib(pid, "VmRSS").unwrap_or(0))
        });
        Sampler { stop, thread }
    }

    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// Resets the process's VmHWM to its current RSS (Linux, `echo 5 > clear_refs`).
fn reset_peak(pid: u32) -> anyhow::Result<()> {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5")
        .with_context(|| format!("cannot write /proc/{pid}/clear_refs"))
}

/// The server process, killed when dropped.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

/// `ipdesk` with the benchmark's settings.
fn ipdesk(binary: &Path, env: &[(&str, String)], dir: &Path) -> Command {
    let mut cmd = Command::new(binary);
    // In the temporary folder, so that no ipdesk.toml of the caller's is read.
    cmd.current_dir(dir)
        .env_remove("IPDESK_CONFIG")
        .envs(env.iter().map(|(k, v)| (*k, v)));
    cmd
}

fn add_examiner(binary: &Path, env: &[(&str, String)], dir: &Path) -> anyhow::Result<()> {
    let mut child = ipdesk(binary, env, dir)
        .args([
            "user", "add", "--email", EMAIL, "--name", "Bench", "--role", "examiner",
        ])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run ipdesk user add")?;
    child
        .stdin
        .take()
        .context("no stdin")?
        .write_all(format!("{PASSWORD}\n").as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "ipdesk user add failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

async fn start_server(
    binary: &Path,
    env: &[(&str, String)],
    dir: &Path,
    client: &reqwest::Client,
    base: &str,
) -> anyhow::Result<Server> {
    let log = dir.join("server.err");
    let child = ipdesk(binary, env, dir)
        .arg("serve")
        .stdout(std::fs::File::create(dir.join("server.out"))?)
        .stderr(std::fs::File::create(&log)?)
        .spawn()
        .context("cannot start ipdesk serve")?;
    let mut server = Server { child, log };
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait()? {
            bail!("ipdesk serve stopped ({status}):\n{}", server.log_tail());
        }
        if let Ok(res) = client.get(format!("{base}/healthz")).send().await
            && res.status() == 200
        {
            return Ok(server);
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("/healthz did not answer 200 within 60 s:\n{}", server.log_tail());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn capture(page: &str, pattern: &str, what: &str) -> anyhow::Result<String> {
    Ok(regex::Regex::new(pattern)?
        .captures(page)
        .with_context(|| format!("no {what} on the page"))?[1]
        .to_owned())
}

async fn page(client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    let res = client.get(url).send().await?;
    if res.status() != 200 {
        bail!("GET {url} answered {}", res.status());
    }
    Ok(res.text().await?)
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn sign_in(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let login = page(client, &format!("{base}/login")).await?;
    let token = capture(&login, r#"name="csrf_token" value="([^"]+)""#, "CSRF token")?;
    let res = client
        .post(format!("{base}/login"))
        .form(&[("email", EMAIL), ("password", PASSWORD), ("csrf_token", &token)])
        .send()
        .await?;
    if res.status() != 303 {
        bail!("sign-in failed: {}", res.status());
    }
    Ok(())
}

/// Logs a complaint that came on paper, as staff do; returns its number.
async fn file_case(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let form = page(client, &format!("{base}/cases/new")).await?;
    let token = capture(&form, r#"name="csrf_token" value="([^"]+)""#, "CSRF token")?;
    let key = capture(&form, r#"name="draft_key" value="([^"]+)""#, "draft key")?;
    let fields = [
        ("kind", "trade_secret"),
        ("track", "mediation"),
        ("title", "Evidence upload benchmark"),
        (
            "description",
            "A separator coating process disclosed by a former employee; the evidence is large.",
        ),
        ("ipc_class", "H01M 50/40"),
        ("damages_amount", "1,200,000,000"),
        ("damages_currency", "KRW"),
        ("remedy", "Stop using the process and compensate the damage."),
        ("origin", "self_filed"),
        ("c_kind", "organisation"),
        ("c_name", "(주)한빛테크"),
        ("c_registration_no", "123-45-67890"),
        ("c_size", "sme"),
        ("c_email", "legal@hanbit.example"),
        ("r0_kind", "organisation"),
        ("r0_name", "Megacorp Battery Ltd"),
        ("r0_size", "large"),
        ("r0_email", "legal@megacorp.example"),
        ("draft_key", &key),
        ("action", "submit"),
        ("csrf_token", &token),
    ];
    let res = client.post(format!("{base}/cases")).form(&fields).send().await?;
    let to = location(&res);
    match to.strip_prefix("/cases/") {
        Some(case_no) if res.status() == 303 && !case_no.is_empty() => Ok(case_no.to_owned()),
        _ => bail!("filing the case answered {} to `{to}`", res.status()),
    }
}

/// What the upload's answer said, and how long it took.
struct Uploaded {
    elapsed: Duration,
    status: u16,
    location: String,
}

/// The response head (status line and headers) from `stream`, read to its blank line.
fn read_head(stream: &mut TcpStream) -> anyhow::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            break;
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// Posts the exhibit form as a browser does: `csrf_token` first, then the title, the
/// visibility and the file, streamed from disk in 1 MiB slices.
fn upload(
    address: SocketAddr,
    cookie: &str,
    case_no: &str,
    token: &str,
    file: &Path,
) -> anyhow::Result<Uploaded> {
    let size = std::fs::metadata(file)?.len();
    let boundary = format!("ipdesk-bench-{}", uuid::Uuid::new_v4().simple());
    let text = |name: &str, value: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    };
    let preamble = [
        text("csrf_token", token),
        text("title", "Bench upload"),
        text("visibility", "parties"),
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        ),
    ]
    .concat();
    let epilogue = format!("\r\n--{boundary}--\r\n");
    let length = preamble.len() as u64 + size + epilogue.len() as u64;
    let head = format!(
        "POST /cases/{case_no}/exhibits HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\
         Connection: close\r\n\r\n"
    );
    let mut input = std::fs::File::open(file)?;
    let mut buffer = vec![0u8; MIB as usize];
    let mut stream = TcpStream::connect(address)?;
    let started = Instant::now();
    let sent = (|| -> std::io::Result<()> {
        stream.write_all(head.as_bytes())?;
        stream.write_all(preamble.as_bytes())?;
        loop {
            let n = input.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            stream.write_all(&buffer[..n])?;
        }
        stream.write_all(epilogue.as_bytes())
    })();
    // A server that refuses early answers before the body is all sent: show its answer.
    let answer = read_head(&mut stream);
    let elapsed = started.elapsed();
    let answer = match (sent, answer) {
        (Ok(()), answer) => answer?,
        (Err(e), Ok(answer)) if !answer.is_empty() => {
            bail!("the upload was cut short ({e}); the server said:\n{answer}")
        }
        (Err(e), _) => return Err(e).context("cannot send the upload"),
    };
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("not an HTTP answer: {answer:?}"))?;
    let location = answer
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    Ok(Uploaded {
        elapsed,
        status,
        location,
    })
}

/// Downloads a URL chunk by chunk, hashing it: (hex SHA-256, bytes, time).
async fn download(client: &reqwest::Client, url: &str) -> anyhow::Result<(String, u64, Duration)> {
    let started = Instant::now();
    let mut res = client.get(url).send().await?;
    if res.status() != 200 {
        bail!("GET {url} answered {}", res.status());
    }
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    while let Some(chunk) = res.chunk().await? {
        hasher.update(&chunk);
        bytes += chunk.len() as u64;
    }
    Ok((hex::encode(hasher.finalize()), bytes, started.elapsed()))
}

fn mb_per_s(bytes: u64, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The benchmark proper, given a database for the server.
async fn measure(
    a: &Args,
    dir: &Path,
    file: &Path,
    database_url: String,
    s3: Option<&S3>,
) -> anyhow::Result<Figures> {
    let binary = server_binary()?;
    let size = a.size_mib * MIB;
    let file = file.to_path_buf();

    // One read first, so that sha256sum and the upload both find the file in the page cache.
    std::io::copy(&mut std::fs::File::open(&file)?, &mut std::io::sink())?;
    let started = Instant::now();
    let out = Command::new("sha256sum")
        .arg(&file)
        .output()
        .context("cannot run sha256sum")?;
    let sha256sum_time = started.elapsed();
    if !out.status.success() {
        bail!("sha256sum failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let expected = String::from_utf8(out.stdout)?
        .split_whitespace()
        .next()
        .context("sha256sum printed nothing")?
        .to_owned();

    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let base = format!("http://{address}");
    let mut env = vec![
        ("IPDESK_DATA_DIR", dir.join("data").to_string_lossy().into_owned()),
        ("IPDESK_BIND", address.to_string()),
        ("IPDESK_EXHIBIT_MAX_BYTES", (size + MIB).to_string()),
        ("IPDESK_CASE_EVIDENCE_MAX_BYTES", (4 * size + MIB).to_string()),
        ("IPDESK_LOG_FORMAT", "json".to_owned()),
        ("DATABASE_URL", database_url),
    ];
    let store = match s3 {
        None => "local folder".to_owned(),
        Some(s3) => {
            let store = format!("s3://{}/bench-{}", s3.bucket, uuid::Uuid::new_v4().simple());
            env.extend([
                ("IPDESK_EVIDENCE_STORE", store.clone()),
                ("IPDESK_S3_ENDPOINT", s3.endpoint.clone()),
                ("IPDESK_S3_REGION", "us-east-1".to_owned()),
                ("IPDESK_S3_ACCESS_KEY", s3.access_key.clone()),
                ("IPDESK_S3_SECRET_KEY", s3.secret_key.clone()),
            ]);
            store
        }
    };
    std::fs::create_dir_all(dir.join("data"))?;
    add_examiner(&binary, &env, dir)?;
    let jar = Arc::new(Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let server = start_server(&binary, &env, dir, &client, &base).await?;
    let pid = server.child.id();

    sign_in(&client, &base).await?;
    let case_no = file_case(&client, &base).await?;
    let case_url = format!("{base}/cases/{case_no}");
    // Warm-up: the case page (which carries the upload form) and the list, a few times.
    let mut case_page = String::new();
    for _ in 0..5 {
        case_page = page(&client, &case_url).await?;
        page(&client, &format!("{base}/cases")).await?;
    }
    let token = capture(&case_page, r#"name="csrf_token" value="([^"]+)""#, "CSRF token")?;
    let cookie = jar
        .cookies(&base.parse()?)
        .context("no session cookie")?
        .to_str()?
        .to_owned();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let idle = status_kib(pid, "VmRSS")?;
    let hwm_reset = reset_peak(pid);
    let method = match &hwm_reset {
        Ok(()) => "VmHWM reset by writing 5 to /proc/<pid>/clear_refs just before, read after; \
                   VmRSS sampled every 20 ms"
            .to_owned(),
        Err(e) => format!("VmRSS sampled every 20 ms only (VmHWM not reset: {e:#})"),
    };
    // The peak since the reset, if it was reset (otherwise VmHWM is the whole life's).
    let hwm = || match hwm_reset {
        Ok(()) => status_kib(pid, "VmHWM"),
        Err(_) => Ok(0),
    };
    let sampler = Sampler::start(pid);
    let uploaded = {
        let (case_no, file) = (case_no.clone(), file.clone());
        tokio::task::spawn_blocking(move || upload(address, &cookie, &case_no, &token, &file)).await??
    };
    let sampled = sampler.finish();
    let upload_hwm = hwm()?;
    let want = format!("/cases/{case_no}#exhibits");
    if uploaded.status != 303 || uploaded.location != want {
        bail!(
            "the upload answered {} to `{}`, not 303 to `{want}`:\n{}",
            uploaded.status,
            uploaded.location,
            server.log_tail()
        );
    }
    let peak = sampled.max(upload_hwm);

    let case_page = page(&client, &case_url).await?;
    let number = capture(
        &case_page,
        &format!(r#"/cases/{}/exhibits/(\d+)" download"#, regex::escape(&case_no)),
        "exhibit download link",
    )?;
    let before_download = status_kib(pid, "VmRSS")?;
    if hwm_reset.is_ok() {
        reset_peak(pid)?;
    }
    let sampler = Sampler::start(pid);
    let (got, got_bytes, download_time) = download(&client, &format!("{case_url}/exhibits/{number}")).await?;
    let download_peak = sampler.finish().max(hwm()?);
    if got != expected || got_bytes != size {
        bail!(
            "exhibit {number} came back as {got_bytes} bytes with SHA-256 {got}, not {size} bytes {expected}"
        );
    }

    // The bundle: the office's view of the case (this one exhibit and the generated files),
    // built in the background; timed from the request to the case page showing it ready.
    let sha512sum_time = timed("sha512sum", &file)?;
    let case_page = page(&client, &case_url).await?;
    let token = capture(&case_page, r#"name="csrf_token" value="([^"]+)""#, "CSRF token")?;
    let before_bundle = status_kib(pid, "VmRSS")?;
    if hwm_reset.is_ok() {
        reset_peak(pid)?;
    }
    let sampler = Sampler::start(pid);
    let started = Instant::now();
    let res = client
        .post(format!("{case_url}/bundles"))
        .form(&[("audience", "office"), ("csrf_token", token.as_str())])
        .send()
        .await?;
    let bundle_url = location(&res);
    let id = bundle_url.rsplit('/').next().unwrap_or_default().to_owned();
    if res.status().as_u16() != 303 || id.is_empty() {
        bail!(
            "the bundle request answered {}:\n{}",
            res.status(),
            server.log_tail()
        );
    }
    let ready = format!(r#"data-bundle="{id}" data-bundle-status="done""#);
    loop {
        let page = page(&client, &case_url).await?;
        if page.contains(&ready) {
            break;
        }
        if page.contains(&format!(r#"data-bundle="{id}" data-bundle-status="failed""#)) {
            bail!("the bundle failed:\n{}", server.log_tail());
        }
        if started.elapsed() > Duration::from_secs(600) {
            bail!("the bundle was not built in ten minutes");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let bundle_time = started.elapsed();
    let bundle_peak = sampler.finish().max(hwm()?);
    let zip = dir.join("bundle.zip");
    {
        let mut res = client.get(format!("{base}{bundle_url}/download")).send().await?;
        let mut out = std::fs::File::create(&zip)?;
        while let Some(chunk) = res.chunk().await? {
            out.write_all(&chunk)?;
        }
    }
    let started = Instant::now();
    let verified = ipdesk(&binary, &env, dir)
        .args(["bundle", "verify"])
        .arg(&zip)
        .output()
        .context("cannot run ipdesk bundle verify")?;
    let verify_time = started.elapsed();
    if !verified.status.success() {
        bail!(
            "ipdesk bundle verify refused the bundle:\n{}{}",
            String::from_utf8_lossy(&verified.stdout),
            String::from_utf8_lossy(&verified.stderr)
        );
    }
    let bundle_size = std::fs::metadata(&zip)?.len();
    std::fs::remove_file(&zip)?;
    drop(server);

    let sha_speed = mb_per_s(size, sha256sum_time);
    let upload_speed = mb_per_s(size, uploaded.elapsed);
    let backend = if a.postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "\nEvidence upload of {} MiB ({size} bytes) as exhibit {number} of {case_no}, {backend}, \
         evidence in {store}; client and server share {} cores.",
        a.size_mib,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("Memory: {method}.");
    println!("Download: SHA-256 {got} matches sha256sum.\n");
    println!("{:<40} {:>10} {:>10}", "", "seconds", "MB/s");
    println!(
        "{:<40} {:>10.2} {:>10.1}",
        "sha256sum (page cache hot)",
        sha256sum_time.as_secs_f64(),
        sha_speed
    );
    println!(
        "{:<40} {:>10.2} {:>10.1}",
        "upload, first byte to 303",
        uploaded.elapsed.as_secs_f64(),
        upload_speed
    );
    println!(
        "{:<40} {:>10.2} {:>10.1}",
        "download, streamed and hashed",
        download_time.as_secs_f64(),
        mb_per_s(size, download_time)
    );
    let ratio = upload_speed / sha_speed;
    let growth = mib(peak.saturating_sub(idle));
    println!();
    println!(
        "{:<40} {:>10.2}  {}",
        "upload / sha256sum",
        ratio,
        if ratio >= 0.5 {
            "ok (target ≥ 0.5)"
        } else {
            "BELOW the target of 0.5"
        }
    );
    println!("{:<40} {:>6.1} MiB", "server RSS idle", mib(idle));
    println!(
        "{:<40} {:>6.1} MiB  (VmHWM {:.1}, max sampled VmRSS {:.1})",
        "server RSS peak during upload",
        mib(peak),
        mib(upload_hwm),
        mib(sampled)
    );
    println!(
        "{:<40} {:>6.1} MiB  {}",
        "growth during upload",
        growth,
        if growth <= 64.0 {
            "ok (target ≤ 64 MiB)"
        } else {
            "ABOVE the target of 64 MiB"
        }
    );
    println!(
        "{:<40} {:>6.1} MiB  (from {:.1} before it)",
        "server RSS peak during download",
        mib(download_peak),
        mib(before_download)
    );

    let hashing = sha256sum_time + sha512sum_time;
    let bundle_ratio = bundle_time.as_secs_f64() / hashing.as_secs_f64();
    let bundle_growth = mib(bundle_peak.saturating_sub(before_bundle));
    println!("\nBundle for the office ({bundle_size} bytes), built in the background, then checked:\n");
    println!("{:<40} {:>10} {:>10}", "", "seconds", "MB/s");
    println!(
        "{:<40} {:>10.2} {:>10.1}",
        "sha512sum (page cache hot)",
        sha512sum_time.as_secs_f64(),
        mb_per_s(size, sha512sum_time)
    );
    println!("{:<40} {:>10.2}", "sha256sum + sha512sum", hashing.as_secs_f64());
    println!(
        "{:<40} {:>10.2} {:>10.1}",
        "bundle, request to ready",
        bundle_time.as_secs_f64(),
        mb_per_s(size, bundle_time)
    );
    println!(
        "{:<40} {:>10.2} {:>10.1}",
        "ipdesk bundle verify",
        verify_time.as_secs_f64(),
        mb_per_s(bundle_size, verify_time)
    );
    println!();
    println!(
        "{:<40} {:>10.2}  {}",
        "bundle / (sha256sum + sha512sum)",
        bundle_ratio,
        if bundle_ratio <= 2.0 {
            "ok (target ≤ 2)"
        } else {
            "ABOVE the target of 2"
        }
    );
    println!(
        "{:<40} {:>6.1} MiB  (from {:.1} before it)",
        "server RSS peak during the build",
        mib(bundle_peak),
        mib(before_bundle)
    );
    println!(
        "{:<40} {:>6.1} MiB  {}",
        "growth during the build",
        bundle_growth,
        if bundle_growth < 64.0 {
            "ok (target < 64 MiB)"
        } else {
            "ABOVE the target of 64 MiB"
        }
    );
    Ok(Figures {
        store,
        sha256sum: sha_speed,
        upload: upload_speed,
        download: mb_per_s(size, download_time),
        upload_growth: growth,
        download_growth: mib(download_peak.saturating_sub(before_download)),
        bundle: bundle_time.as_secs_f64(),
        bundle_growth,
    })
}

/// How long a hashing command takes over the file (already in the page cache).
fn timed(command: &str, file: &Path) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let out = Command::new(command)
        .arg(file)
        .output()
        .with_context(|| format!("cannot run {command}"))?;
    if !out.status.success() {
        bail!("{command} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(started.elapsed())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args()?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("bench.pdf");
    let started = Instant::now();
    write_file(&file, a.size_mib * MIB)?;
    println!(
        "Wrote {} MiB to {} in {:.1} s.",
        a.size_mib,
        file.display(),
        started.elapsed().as_secs_f64()
    );
    let stores: Vec<Option<&S3>> = std::iter::once(None).chain(a.s3.as_ref().map(Some)).collect();
    let mut table = Vec::new();
    for (n, s3) in stores.into_iter().enumerate() {
        let pass = dir.path().join(format!("pass-{n}"));
        std::fs::create_dir_all(&pass)?;
        let (database_url, drop_db) = match &a.postgres {
            Some(admin) => {
                let name = format!("ipdesk_evidence_bench_{}", uuid::Uuid::new_v4().simple());
                PgConnection::establish(admin)
                    .with_context(|| format!("cannot connect to {admin}"))?
                    .batch_execute(&format!("CREATE DATABASE \"{name}\""))?;
                let mut url = url::Url::parse(admin)?;
                url.set_path(&name);
                (url.to_string(), Some((admin.clone(), name)))
            }
            None => (pass.join("data/ipdesk.db").to_string_lossy().into_owned(), None),
        };
        let result = measure(&a, &pass, &file, database_url, s3).await;
        if let Some((admin, name)) = drop_db {
            PgConnection::establish(&admin)?
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))?;
        }
        table.push(result?);
    }
    println!(
        "\n{:<48} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "", "sha256sum", "upload", "down", "growth", "growth", "bundle", "growth"
    );
    println!(
        "{:<48} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "evidence store", "MB/s", "MB/s", "MB/s", "up MiB", "dn MiB", "s", "MiB"
    );
    for f in &table {
        println!(
            "{:<48} {:>9.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.2} {:>8.1}",
            f.store,
            f.sha256sum,
            f.upload,
            f.download,
            f.upload_growth,
            f.download_growth,
            f.bundle,
            f.bundle_growth
        );
    }
    Ok(())
}
