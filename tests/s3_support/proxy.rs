//! A throttling HTTP proxy for the S3 tests: listens on 127.0.0.1 and a free port, forwards
//! to an upstream (moto) on 127.0.0.1, and answers the first requests with
//! `503 SlowDown` the way S3 does when a prefix is over its request rate.
//!
//! It parses each request (head plus Content-Length body) on every client connection, so it
//! counts requests, not connections, also on kept-alive connections. A request is throttled
//! while fewer than `limit` requests have been throttled in total and this request (method
//! and target) has been throttled fewer than `per_request` times; every other request is
//! forwarded. `per_request` keeps one request from being throttled more often than the
//! client's retry budget allows (leakhound: 10 attempts), so "nothing lost" is a fair
//! demand whatever order the requests arrive in. A throttled response carries
//! `Connection: close` and the connection is closed after it.
//!
//! Two more faults for object downloads, by a substring of the request target:
//! * cut: forward a GetObject, but pass only the response head and the first N body bytes
//!   back, then close the connection (a download broken mid-body, to be resumed with Range);
//! * stall: never answer the request (until the proxy is dropped);
//! * drop: close the connection of a GetObject without any response (a reset connection);
//! * hold: keep every GetObject until released, counting how many are held at once.
//!
//! Responses are copied back byte for byte; the client does not pipeline (the SDK sends the
//! next request on a connection only after reading the previous response), so a 503 can be
//! written on a kept-alive connection between two forwarded exchanges.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub const SLOW_DOWN_BODY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>LEAKHOUNDTEST</RequestId></Error>";

/// What the proxy does besides forwarding.
#[derive(Clone, Default)]
pub struct Faults {
    /// Requests answered with 503 SlowDown at most, in total.
    pub throttle: usize,
    /// Times one request (method and target) is throttled at most.
    pub throttle_per_request: usize,
    /// (target substring, body bytes passed, times): GETs matching are cut.
    pub cut: Vec<(String, usize, usize)>,
    /// Target substrings of GETs never answered.
    pub stall: Vec<String>,
    /// GetObject requests whose connection is closed without any response, at most once per
    /// request, this many in total (a reset connection).
    pub drop_gets: usize,
    /// Hold every GetObject until [`ThrottleProxy::release`] (or drop), counting how many
    /// are held at once: the client's requests in flight.
    pub hold_gets: bool,
}

struct State {
    limit: usize,
    per_request: usize,
    upstream: u16,
    cut: Mutex<Vec<(String, usize, usize)>>,
    stall: Vec<String>,
    drop_gets: usize,
    dropped: Mutex<Vec<String>>,
    hold_gets: bool,
    released: AtomicBool,
    held: Mutex<(usize, usize)>,
    stop: Arc<AtomicBool>,
    cuts: Mutex<Vec<String>>,
    stalled: Mutex<Vec<String>>,
    ranges: Mutex<Vec<(String, String)>>,
    heads: Mutex<Vec<String>>,
    throttled: Mutex<Vec<String>>,
    per_target: Mutex<HashMap<String, usize>>,
    forwarded: Mutex<Vec<String>>,
    connections: AtomicUsize,
}

pub struct ThrottleProxy {
    pub port: u16,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl ThrottleProxy {
    /// A proxy to 127.0.0.1:`upstream` throttling up to `limit` requests, each distinct
    /// request at most `per_request` times.
    pub fn start(upstream: u16, limit: usize, per_request: usize) -> ThrottleProxy {
        ThrottleProxy::with_faults(
            upstream,
            Faults {
                throttle: limit,
                throttle_per_request: per_request,
                ..Faults::default()
            },
        )
    }

    pub fn with_faults(upstream: u16, faults: Faults) -> ThrottleProxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let state = Arc::new(State {
            limit: faults.throttle,
            per_request: faults.throttle_per_request,
            upstream,
            cut: Mutex::new(faults.cut),
            stall: faults.stall,
            drop_gets: faults.drop_gets,
            hold_gets: faults.hold_gets,
            released: AtomicBool::new(false),
            held: Mutex::new((0, 0)),
            dropped: Mutex::new(Vec::new()),
            stop: stop.clone(),
            cuts: Mutex::new(Vec::new()),
            stalled: Mutex::new(Vec::new()),
            ranges: Mutex::new(Vec::new()),
            heads: Mutex::new(Vec::new()),
            throttled: Mutex::new(Vec::new()),
            per_target: Mutex::new(HashMap::new()),
            forwarded: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        });
        let (st, sp) = (state.clone(), stop.clone());
        let accept = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                st.connections.fetch_add(1, Ordering::SeqCst);
                let st = st.clone();
                std::thread::spawn(move || serve(conn, &st));
            }
        });
        ThrottleProxy {
            port,
            state,
            stop,
            accept: Some(accept),
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// "METHOD target" of every request answered with 503, in order.
    pub fn throttled(&self) -> Vec<String> {
        self.state.throttled.lock().unwrap().clone()
    }

    /// "METHOD target" of every request forwarded upstream, in order.
    pub fn forwarded(&self) -> Vec<String> {
        self.state.forwarded.lock().unwrap().clone()
    }

    /// Targets of the GETs whose responses were cut.
    pub fn cuts(&self) -> Vec<String> {
        self.state.cuts.lock().unwrap().clone()
    }

    /// (GetObject requests held now, most held at once).
    pub fn held(&self) -> (usize, usize) {
        *self.state.held.lock().unwrap()
    }

    /// Lets the held GetObject requests (and all later ones) through.
    pub fn release(&self) {
        self.state.released.store(true, Ordering::SeqCst);
    }

    /// Targets of the GetObject requests dropped without a response.
    pub fn dropped(&self) -> Vec<String> {
        self.state.dropped.lock().unwrap().clone()
    }

    /// Targets of the GETs left unanswered.
    pub fn stalled(&self) -> Vec<String> {
        self.state.stalled.lock().unwrap().clone()
    }

    /// (target, Range header) of every request that carried one.
    pub fn ranges(&self) -> Vec<(String, String)> {
        self.state.ranges.lock().unwrap().clone()
    }

    /// The head (request line and headers) of every request forwarded upstream, in order.
    pub fn heads(&self) -> Vec<String> {
        self.state.heads.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

impl Drop for ThrottleProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

/// One request read off a client connection.
struct Request {
    /// Head and body, exactly as received.
    raw: Vec<u8>,
    head: String,
    line: String,
    method: String,
    /// The client expects `100 Continue` before it sends the body: the body was not read.
    expect_continue: bool,
    range: Option<String>,
}

/// Reads one request (head, then a Content-Length body) using `buf` as carry-over between
/// requests. None at a clean end of stream.
fn read_request(conn: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i + 4;
        }
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let line = head.lines().next().unwrap_or_default().to_string();
    let method = line.split(' ').next().unwrap_or_default().to_string();
    let mut len = 0usize;
    let mut expect_continue = false;
    let mut range = None;
    for h in head.lines().skip(1) {
        if let Some((k, v)) = h.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            let v = v.trim();
            if k == "content-length" {
                len = v.parse().unwrap_or(0);
            } else if k == "expect" && v.eq_ignore_ascii_case("100-continue") {
                expect_continue = true;
            } else if k == "range" {
                range = Some(v.to_string());
            } else if k == "transfer-encoding" {
                panic!("throttle proxy: chunked request bodies are not supported: {line}");
            }
        }
    }
    let total = if expect_continue {
        head_end
    } else {
        head_end + len
    };
    while buf.len() < total {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let raw: Vec<u8> = buf.drain(..total).collect();
    Some(Request {
        raw,
        head,
        line,
        method,
        expect_continue,
        range,
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn serve(mut client: TcpStream, st: &State) {
    let mut buf = Vec::new();
    let mut upstream: Option<TcpStream> = None;
    while let Some(req) = read_request(&mut client, &mut buf) {
        let target = {
            // "GET /bucket/key?x-id=GetObject HTTP/1.1" -> "GET /bucket/key?x-id=GetObject"
            let mut parts = req.line.split(' ');
            format!(
                "{} {}",
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default()
            )
        };
        let throttle = !req.expect_continue && {
            let mut throttled = st.throttled.lock().unwrap();
            let mut per = st.per_target.lock().unwrap();
            let n = per.entry(target.clone()).or_insert(0);
            if throttled.len() < st.limit && *n < st.per_request {
                *n += 1;
                throttled.push(target.clone());
                true
            } else {
                false
            }
        };
        if throttle {
            let body = if req.method == "HEAD" {
                ""
            } else {
                SLOW_DOWN_BODY
            };
            let resp = format!(
                "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\
                 x-amz-request-id: LEAKHOUNDTEST\r\nConnection: close\r\n\r\n{body}",
                if req.method == "HEAD" {
                    SLOW_DOWN_BODY.len()
                } else {
                    body.len()
                }
            );
            let _ = client.write_all(resp.as_bytes());
            let _ = client.flush();
            let _ = client.shutdown(Shutdown::Both);
            if let Some(u) = upstream {
                let _ = u.shutdown(Shutdown::Both);
            }
            return;
        }
        if let Some(r) = &req.range {
            st.ranges.lock().unwrap().push((target.clone(), r.clone()));
        }
        let drop_it = req.method == "GET" && target.contains("x-id=GetObject") && {
            let mut dropped = st.dropped.lock().unwrap();
            if dropped.len() < st.drop_gets && !dropped.contains(&target) {
                dropped.push(target.clone());
                true
            } else {
                false
            }
        };
        if st.hold_gets && req.method == "GET" && target.contains("x-id=GetObject") {
            {
                let mut h = st.held.lock().unwrap();
                h.0 += 1;
                h.1 = h.1.max(h.0);
            }
            // A client that gives up on a held request (its timeout) closes the connection:
            // that request is no longer in flight.
            let _ = client.set_read_timeout(Some(Duration::from_millis(20)));
            let mut gone = false;
            while !st.released.load(Ordering::SeqCst) && !st.stop.load(Ordering::SeqCst) {
                let mut probe = [0u8; 1];
                match client.peek(&mut probe) {
                    Ok(0) => {
                        gone = true;
                        break;
                    }
                    Err(e)
                        if e.kind() != std::io::ErrorKind::WouldBlock
                            && e.kind() != std::io::ErrorKind::TimedOut =>
                    {
                        gone = true;
                        break;
                    }
                    _ => {}
                }
            }
            let _ = client.set_read_timeout(None);
            st.held.lock().unwrap().0 -= 1;
            if gone {
                if let Some(u) = upstream {
                    let _ = u.shutdown(Shutdown::Both);
                }
                return;
            }
        }
        if drop_it {
            let _ = client.shutdown(Shutdown::Both);
            if let Some(u) = upstream {
                let _ = u.shutdown(Shutdown::Both);
            }
            return;
        }
        if req.method == "GET" && st.stall.iter().any(|s| target.contains(s.as_str())) {
            st.stalled.lock().unwrap().push(target);
            while !st.stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        let cut = (req.method == "GET")
            .then(|| {
                let mut cuts = st.cut.lock().unwrap();
                cuts.iter_mut()
                    .find(|(s, _, times)| *times > 0 && target.contains(s.as_str()))
                    .map(|c| {
                        c.2 -= 1;
                        c.1
                    })
            })
            .flatten();
        if let Some(body_bytes) = cut {
            st.cuts.lock().unwrap().push(target);
            cut_response(&mut client, &req.raw, body_bytes, st.upstream);
            if let Some(u) = upstream {
                let _ = u.shutdown(Shutdown::Both);
            }
            return;
        }
        st.forwarded.lock().unwrap().push(target);
        st.heads.lock().unwrap().push(req.head.clone());
        if upstream.is_none() {
            let Ok(u) = TcpStream::connect((Ipv4Addr::LOCALHOST, st.upstream)) else {
                let _ = client.shutdown(Shutdown::Both);
                return;
            };
            // Responses flow back byte for byte on their own thread.
            let (mut from, mut to) = (
                u.try_clone().expect("clone"),
                client.try_clone().expect("clone"),
            );
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from, &mut to);
                let _ = to.shutdown(Shutdown::Both);
            });
            upstream = Some(u);
        }
        let u = upstream.as_mut().expect("upstream");
        if u.write_all(&req.raw).is_err() {
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        if req.expect_continue {
            // Not worth parsing further: pass the rest of this connection through as is.
            let _ = u.write_all(&buf);
            let _ = std::io::copy(&mut client, u);
            let _ = u.shutdown(Shutdown::Write);
            return;
        }
    }
    if let Some(u) = upstream {
        let _ = u.shutdown(Shutdown::Write);
    }
}

/// Sends `raw` upstream on a connection of its own and passes back the response head and
/// at most `body_bytes` of the body, then closes the client connection.
fn cut_response(client: &mut TcpStream, raw: &[u8], body_bytes: usize, upstream: u16) {
    let Ok(mut u) = TcpStream::connect((Ipv4Addr::LOCALHOST, upstream)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let mut resp = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    if u.write_all(raw).is_ok() {
        loop {
            let want = find(&resp, b"\r\n\r\n").map(|i| i + 4 + body_bytes);
            if want.is_some_and(|w| resp.len() >= w) {
                resp.truncate(want.unwrap());
                break;
            }
            match u.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => resp.extend_from_slice(&chunk[..n]),
            }
        }
    }
    let _ = client.write_all(&resp);
    let _ = client.flush();
    let _ = client.shutdown(Shutdown::Both);
    let _ = u.shutdown(Shutdown::Both);
}
