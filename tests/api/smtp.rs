//! A real SMTP server inside the test process (mailin-embedded), recording what it receives.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::response::{NO_MAILBOX, OK};
use mailin_embedded::{Handler, Response, Server};

#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mailparse::ParsedMail<'_> {
        mailparse::parse_mail(&self.data).expect("a well-formed message")
    }

    pub fn header(&self, name: &str) -> String {
        use mailparse::MailHeaderMap;
        self.parsed().headers.get_first_value(name).unwrap_or_default()
    }

    /// The decoded body of the first part of this MIME type.
    pub fn part(&self, mime: &str) -> Option<String> {
        fn find(m: &mailparse::ParsedMail<'_>, mime: &str) -> Option<String> {
            if m.ctype.mimetype == mime {
                return m.get_body().ok();
            }
            m.subparts.iter().find_map(|p| find(p, mime))
        }
        find(&self.parsed(), mime)
    }
}

#[derive(Clone)]
struct Recorder {
    mails: Arc<Mutex<Vec<Received>>>,
    reject: Arc<AtomicBool>,
    current: Option<Received>,
}

impl Handler for Recorder {
    fn rcpt(&mut self, _to: &str) -> Response {
        if self.reject.load(Ordering::SeqCst) {
            NO_MAILBOX
        } else {
            OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Received {
            to: to.to_vec(),
            data: Vec::new(),
        });
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(current) = &mut self.current {
            current.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(done) = self.current.take() {
            self.mails.lock().unwrap().push(done);
        }
        OK
    }
}

pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Received>>>,
    reject: Arc<AtomicBool>,
}

/// A port with nothing listening (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpSink {
    /// Listens on `port` (0: any) and runs until the test process ends.
    pub fn start(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("the SMTP port is free");
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let reject = Arc::new(AtomicBool::new(false));
        let recorder = Recorder {
            mails: mails.clone(),
            reject: reject.clone(),
            current: None,
        };
        std::thread::spawn(move || {
            let mut server = Server::new(recorder);
            server.with_name("sink.test").with_tcp_listener(listener);
            let _ = server.serve();
        });
        SmtpSink { port, mails, reject }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Answer every recipient with 550 (a permanent failure), or accept again.
    pub fn reject_all(&self, reject: bool) {
        self.reject.store(reject, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.mails.lock().unwrap().clone()
    }

    /// Waits until `n` messages arrived (or fails the test after a while).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "expected {n} messages, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The first `http…token=…` link in a text.
pub fn link_in(text: &str) -> String {
    let re = regex::Regex::new(r"https?://[^\s<>]+token=[A-Za-z0-9_-]+").unwrap();
    re.find(text)
        .expect("the message holds a link")
        .as_str()
        .to_owned()
}
