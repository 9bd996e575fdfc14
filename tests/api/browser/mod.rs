//! The desk in a real Chromium, driven through ChromeDriver, at a desktop and a phone width, in
//! Korean and in English. Every page the suite visits is checked with axe-core (no critical or
//! serious violation) and for sideways overflow, and kept as a screenshot under
//! `target/screenshots/` for a reviewer to look through.
//!
//! Runs on SQLite only (the HTTP suite covers both databases). Without `chromedriver` or
//! axe-core the suite is skipped, except in CI (`CI=true`), where that is a failure.

mod desks;
mod drafts;
mod edges;
mod passkeys;
mod statistics;
mod story;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

#[derive(Clone, Copy, Debug)]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    fn accept(self) -> &'static str {
        match self {
            Lang::Ko => "ko-KR,ko",
            Lang::En => "en-US,en",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }
    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Width {
    Desktop,
    Phone,
}

impl Width {
    fn name(self) -> &'static str {
        match self {
            Width::Desktop => "desktop",
            Width::Phone => "phone",
        }
    }
}

/// Where the browser, its driver and axe-core are, or why the suite cannot run.
struct Tools {
    driver: PathBuf,
    axe: String,
}

fn tools() -> Result<Tools, String> {
    let driver = which("chromedriver").ok_or("chromedriver is not installed")?;
    let axe_path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js"));
    let axe = std::fs::read_to_string(&axe_path)
        .map_err(|e| format!("axe-core is not at {} ({e}); set AXE_CORE_JS", axe_path.display()))?;
    Ok(Tools { driver, axe })
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

/// The tools, or `None` when the suite is skipped here (and a failure in CI).
fn tools_or_skip(what: &str) -> Option<Tools> {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        eprintln!("{what}: the browser suite runs on SQLite only");
        return None;
    }
    match tools() {
        Ok(t) => Some(t),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{what}: the browser suite must run in CI, but {why}")
        }
        Err(why) => {
            eprintln!("{what}: skipped, {why}");
            None
        }
    }
}

/// A ChromeDriver of the test's own, stopped when the test ends.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(path: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver listens"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, url }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An ipdesk whose public address is the one the browser uses, so that its own forms pass
/// the cross-site check exactly as they do for real people.
pub async fn spawn_app_for_browser() -> TestApp {
    spawn_app_for_browser_with(|_| {}).await
}

pub async fn spawn_app_for_browser_with(configure: impl FnOnce(&mut ipdesk::config::Settings)) -> TestApp {
    let port = free_port();
    spawn_app_with(move |s| {
        s.bind = format!("127.0.0.1:{port}").parse().unwrap();
        s.base_url = Some(format!("http://127.0.0.1:{port}"));
        configure(s);
    })
    .await
}

/// One person's browser: a Chromium session with the language and width of the run, which
/// checks and photographs every page it visits.
pub struct Browser {
    pub client: Client,
    pub app_url: String,
    pub lang: Lang,
    pub width: Width,
    axe: String,
    shots: PathBuf,
    step: usize,
    /// Everything found wrong so far, reported together at the end.
    pub problems: Vec<String>,
    download_dir: tempfile::TempDir,
    _driver: Driver,
}

impl Browser {
    /// A browser for the story named (its screenshots' folder).
    pub async fn open(app: &TestApp, story: &str, lang: Lang, width: Width) -> Option<Browser> {
        let what = format!("browser suite ({}, {})", lang.code(), width.name());
        let tools = tools_or_skip(&what)?;
        let driver = Driver::start(&tools.driver);
        let download_dir = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-gpu".to_owned(),
            "--hide-scrollbars".to_owned(),
            format!("--lang={}", lang.accept().split(',').next().unwrap()),
            format!("--accept-lang={}", lang.accept()),
        ];
        let mut options = json!({
            "prefs": {
                "intl.accept_languages": lang.accept(),
                "download.default_directory": download_dir.path(),
                "download.prompt_for_download": false,
            },
        });
        match width {
            Width::Desktop => args.push("--window-size=1366,900".to_owned()),
            Width::Phone => {
                options["mobileEmulation"] = json!({
                    "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0, "touch": true},
                    "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
                                  (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
                });
            }
        }
        options["args"] = json!(args);
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .expect("Chromium starts under ChromeDriver");
        let shots = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/screenshots")
            .join(story)
            .join(format!("{}-{}", lang.code(), width.name()));
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).unwrap();
        Some(Browser {
            client,
            app_url: app.address.clone(),
            lang,
            width,
            axe: tools.axe,
            shots,
            step: 0,
            problems: Vec::new(),
            download_dir,
            _driver: driver,
        })
    }

    pub fn download_dir(&self) -> &Path {
        self.download_dir.path()
    }

    pub async fn goto(&mut self, path_or_url: &str, step: &str) {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.app_url)
        };
        self.client.goto(&url).await.unwrap();
        self.check(step).await;
    }

    /// Checks the page the browser shows now: axe, overflow, language; and photographs it.
    pub async fn check(&mut self, step: &str) {
        self.step += 1;
        let name = format!("{:02}-{step}", self.step);
        let url = self.client.current_url().await.unwrap().to_string();
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();

        let layout = self
            .client
            .execute(
                "const d = document.documentElement;
                 // The screen's width: a phone widens its layout viewport (innerWidth) to fit
                 // content that is too wide, and then shows the page zoomed out.
                 const screen = Math.round(window.visualViewport.width * window.visualViewport.scale);
                 const wide = [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().right > screen + 1
                             && getComputedStyle(e).position !== 'fixed'
                             && !e.closest('.table-wrap, .visually-hidden'))
                   .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
                 return {scroll: d.scrollWidth, inner: screen, wide,
                         lang: d.lang, title: document.title};",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, inner) = (
            layout["scroll"].as_i64().unwrap(),
            layout["inner"].as_i64().unwrap(),
        );
        if scroll > inner {
            self.problems.push(format!(
                "{name} ({url}): the page is {scroll}px wide on a {inner}px screen; too wide: {}",
                layout["wide"]
            ));
        }
        if layout["lang"] != self.lang.code() && !step.contains("switch") {
            self.problems
                .push(format!("{name} ({url}): the page is in `{}`", layout["lang"]));
        }
        if layout["title"].as_str().is_some_and(|t| t.contains('<')) {
            self.problems.push(format!(
                "{name} ({url}): the title shows markup: {}",
                layout["title"]
            ));
        }

        for violation in self.axe_violations().await {
            self.problems.push(format!("{name} ({url}): axe: {violation}"));
        }
    }

    /// axe-core's critical and serious violations on the current page.
    async fn axe_violations(&self) -> Vec<String> {
        let loaded = self
            .client
            .execute("return typeof window.axe !== 'undefined';", vec![])
            .await
            .unwrap();
        if loaded != Value::Bool(true) {
            self.client.execute(&self.axe, vec![]).await.unwrap();
        }
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']})
                   .then(r => done(r.violations
                       .filter(v => v.impact === 'critical' || v.impact === 'serious')
                       .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — '
                            + v.nodes.slice(0, 3).map(n => n.html.slice(0, 160)).join(' | '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        result
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("the page has `{css}`: {e}"))
    }

    pub async fn has(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Types into a field, replacing what it held.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    pub async fn select(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        field
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("`{css}` offers `{value}`: {e}"));
    }

    /// Clicks and waits for the next page, then checks it.
    pub async fn submit(&mut self, css: &str, step: &str) {
        let before = self.page_id().await;
        self.find(css).await.click().await.unwrap();
        self.wait_for_new_page(&before).await;
        self.check(step).await;
    }

    /// A marker of the current document, to tell when the next one has loaded.
    async fn page_id(&self) -> Value {
        self.client
            .execute(
                "if (!window.__page) window.__page = Math.random(); return window.__page;",
                vec![],
            )
            .await
            .unwrap()
    }

    async fn wait_for_new_page(&self, before: &Value) {
        let started = Instant::now();
        loop {
            let ready = self
                .client
                .execute(
                    "return document.readyState === 'complete' ? (window.__page || null) : 'loading';",
                    vec![],
                )
                .await;
            if let Ok(id) = ready
                && id != *before
                && id != json!("loading")
            {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "the next page loads");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn text(&self) -> String {
        self.find("body").await.text().await.unwrap()
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Signs out through the page's own button.
    pub async fn sign_out(&mut self, step: &str) {
        self.submit("form[action='/logout'] button", step).await;
    }

    /// The problems found, as a failure if there were any.
    pub async fn finish(self) {
        let Browser {
            client,
            problems,
            lang,
            width,
            ..
        } = self;
        let _ = client.close().await;
        assert!(
            problems.is_empty(),
            "the browser suite ({}, {}) found {} problems:\n{}",
            lang.code(),
            width.name(),
            problems.len(),
            problems.join("\n")
        );
    }
}

/// A WebDriver extension command of this session (`/session/{id}/<path>`), such as the
/// virtual authenticators of WebAuthn's WebDriver extension.
#[derive(Debug)]
struct SessionCommand {
    method: http::Method,
    path: String,
    body: Option<Value>,
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (self.method.clone(), self.body.as_ref().map(Value::to_string))
    }
}

impl Browser {
    /// Gives the browser a platform authenticator (a passkey store that verifies its user),
    /// as a phone or a laptop with a fingerprint reader has. Returns its id.
    pub async fn add_virtual_authenticator(&self) -> String {
        let answer = self
            .client
            .issue_cmd(SessionCommand {
                method: http::Method::POST,
                path: "webauthn/authenticator".into(),
                body: Some(json!({
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": true,
                    "hasUserVerification": true,
                    "isUserVerified": true,
                    "isUserConsenting": true,
                })),
            })
            .await
            .expect("ChromeDriver adds a virtual authenticator");
        answer.as_str().expect("an authenticator id").to_owned()
    }

    /// The passkeys the virtual authenticator holds.
    pub async fn authenticator_credentials(&self, authenticator: &str) -> Vec<Value> {
        let answer = self
            .client
            .issue_cmd(SessionCommand {
                method: http::Method::GET,
                path: format!("webauthn/authenticator/{authenticator}/credentials"),
                body: None,
            })
            .await
            .expect("ChromeDriver lists the credentials");
        answer.as_array().cloned().unwrap_or_default()
    }
}
