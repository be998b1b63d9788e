#!/usr/bin/env python3
"""Generate a reproducible benchmark corpus of realistic logs for scripts/bench.

Profile "sparse" (the default): ~500 MB in 50 files of ~10 MB, mixing nginx access logs
(combined format plus "$http_cookie", analytics cookies only on ~30% of lines), JSON
application logs, Java (Spring Boot / logback) logs with stack traces, and syslog. About one
real-shaped credential is planted every ~10,000 lines: JSESSIONID and PHPSESSID cookies,
bearer JWTs, Basic auth headers, GitHub tokens (ghp_), AWS access key ids (AKIA...). Every
value is random and fake.

Profile "dense": ~200 MB in 20 files (nginx with cookie="..." authorization="..." fields,
Node JSON request logs with their headers, Spring header logging) where EVERY line carries a
Cookie header with a session cookie (JSESSIONID, PHPSESSID, connect.sid) among analytics
cookies, or an Authorization: Bearer header (opaque token or JWT). The values come from one
seeded pool of 50,000 distinct values shared by all files, as sessions repeat: the worst case
for a scanner's confirm stage. No manifest (it would list every line): the stamp counts the
planted occurrences and the distinct values used.

Derived profiles, built from another corpus (--source, normally corpus-sparse) by streaming
its bytes around, fast and reproducibly:
    one-big-file       big.log, the source files concatenated 4 times, each pass in its own
                       seeded order (~2 GB from sparse)
    many-small-files   100 folders x 1000 files (dNNN/NNNN.log) of ~2 KB: consecutive slices
                       of the source files cut at line ends
Their stamps embed the source's stamp, so they are rebuilt when the source changes.

Outputs, for OUT = target/bench/corpus-<profile>:
    OUT/                   the corpus
    OUT.planted.jsonl      sparse only: one line per planted secret: file, line, kind, secret
    OUT.stamp              generator version and parameters, bytes, lines, planted; written last

If OUT.stamp matches the requested parameters the corpus is left alone (use --force to
rebuild). Each file is generated from its own seed ("<seed>/<index>"), so the output does not
depend on the number of worker processes. Python 3.8+, stdlib only.

    python3 scripts/gen-corpus.py --out target/bench/corpus-sparse [--profile sparse]
    python3 scripts/gen-corpus.py --out target/bench/corpus-dense --profile dense
    python3 scripts/gen-corpus.py --out target/bench/corpus-one-big-file --profile one-big-file \\
        --source target/bench/corpus-sparse
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import hmac
import json
import multiprocessing
import os
import shutil
import sys
import time
import zlib
from pathlib import Path
from random import Random

# Bump when the output changes for the same parameters, so cached corpora are rebuilt.
GENERATOR_VERSION = 1

PROFILES = {
    # name: total size, file count, mean lines between planted secrets, share of files per kind
    "sparse": {
        "size_mb": 500,
        "files": 50,
        "token_every": 10_000,
        "mix": {"nginx": 0.40, "json": 0.26, "java": 0.20, "syslog": 0.14},
    },
    # token_every 0: EVERY line carries a credential, drawn from a pool of `pool` distinct values.
    "dense": {
        "size_mb": 200,
        "files": 20,
        "token_every": 0,
        "pool": 50_000,
        "mix": {"nginx-dense": 0.40, "json-dense": 0.35, "java-dense": 0.25},
    },
}
DEFAULT_SEED = 20261102
MB = 1_000_000  # decimal megabytes, as bench reports MB/s

HEX = "0123456789abcdef"
HEX_UP = "0123456789ABCDEF"
LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# 2026-11-02 00:00:00 UTC; each file covers its own stretch of time after this.
EPOCH_START = 1793577600


# --------------------------------------------------------------------------- fake secrets


def rstr(r: Random, alphabet: str, n: int) -> str:
    return "".join(r.choices(alphabet, k=n))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(r: Random) -> str:
    """An HS256 JWT with a plausible payload, signed with a random throwaway key."""
    iat = EPOCH_START + r.randint(0, 86_400)
    payload = {
        "sub": str(r.randint(10_000, 9_999_999)),
        "email": f"{rstr(r, 'abcdefghijklmnopqrstuvwxyz', r.randint(4, 9))}@example.com",
        "role": r.choice(["customer", "customer", "support", "admin"]),
        "iat": iat,
        "exp": iat + r.choice([900, 3600, 86_400]),
    }
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    body = b64url(json.dumps(payload, separators=(",", ":")).encode())
    key = r.getrandbits(256).to_bytes(32, "big")
    sig = b64url(hmac.new(key, f"{header}.{body}".encode(), hashlib.sha256).digest())
    return f"{header}.{body}.{sig}"


def make_github_token(r: Random) -> str:
    """ghp_ + 30 random base62 + 6-char base62 CRC32 of those 30, as GitHub issues them."""
    entropy = rstr(r, BASE62, 30)
    crc = zlib.crc32(entropy.encode())
    check = ""
    for _ in range(6):
        crc, digit = divmod(crc, 62)
        check = BASE62[digit] + check
    return f"ghp_{entropy}{check}"


def make_basic(r: Random) -> str:
    user = r.choice(["deploy", "svc-orders", "jenkins", "metrics", "backup", "api-client"])
    password = rstr(r, BASE62 + "!#%+-_", r.randint(14, 24))
    return base64.b64encode(f"{user}:{password}".encode()).decode()


SECRET_MAKERS = {
    "jsessionid": lambda r: rstr(r, HEX_UP, 32),
    "phpsessid": lambda r: rstr(r, LOWER_DIGITS, 26),
    "jwt": make_jwt,
    "basic": make_basic,
    "github": make_github_token,
    "aws": lambda r: "AKIA" + rstr(r, BASE32, 16),
}


# --------------------------------------------------------------------------- timestamps


class Clock:
    """Advancing wall-clock time with the formatted second cached (formatting is the slow part)."""

    def __init__(self, r: Random, start: float, mean_step: float) -> None:
        self.r, self.t, self.step = r, start, mean_step * 2  # uniform(0, 2*mean)
        self._sec = -1
        self._parts: tuple = ()

    def advance(self) -> None:
        self.t += self.r.random() * self.step

    def _split(self):
        sec = int(self.t)
        if sec != self._sec:
            self._sec = sec
            tm = time.gmtime(sec)
            self._parts = tm
            self._nginx = f"{tm.tm_mday:02d}/{MONTHS[tm.tm_mon - 1]}/{tm.tm_year}:{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} +0000"
            self._iso = f"{tm.tm_year}-{tm.tm_mon:02d}-{tm.tm_mday:02d}T{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}"
            self._java = f"{tm.tm_year}-{tm.tm_mon:02d}-{tm.tm_mday:02d} {tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}"
            self._syslog = f"{MONTHS[tm.tm_mon - 1]} {tm.tm_mday:2d} {tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}"

    def nginx(self) -> str:
        self._split()
        return self._nginx

    def iso_ms(self) -> str:
        self._split()
        return f"{self._iso}.{int(self.t * 1000) % 1000:03d}Z"

    def java_ms(self) -> str:
        self._split()
        return f"{self._java}.{int(self.t * 1000) % 1000:03d}"

    def syslog(self) -> str:
        self._split()
        return self._syslog


# --------------------------------------------------------------------------- shared pools

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Go-http-client/1.1",
]
WORDS = ["usb-c+cable", "desk+lamp", "hdmi+2.1", "standing+desk", "monitor+arm", "webcam", "keyboard", "ssd+2tb",
         "laptop+stand", "noise+cancelling", "office+chair", "router", "power+bank", "mouse+pad", "tablet+case"]


def ip_pool(r: Random, n: int) -> list:
    return [f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}" for _ in range(n)]


# --------------------------------------------------------------------------- generators
#
# Each generator yields (text, is_token_line) pieces through an `emit` callback; the file
# writer counts lines and decides when to plant a secret. `plant(kind)` returns the kinds a
# format can carry; `token_line(kind, secret)` renders one.


class NginxGen:
    kinds = ["jsessionid", "jsessionid", "phpsessid"]

    def __init__(self, r: Random) -> None:
        self.r = r
        self.clock = Clock(r, EPOCH_START + r.randint(0, 20 * 86_400), 0.03)
        self.ips = ip_pool(r, 4000)
        self.requests = self._requests(6000)
        self.referers = ["-"] * 6 + ["https://shop.example.com/", "https://shop.example.com/products",
                                     "https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/",
                                     "https://shop.example.com/cart", "android-app://com.google.android.gm/"]
        self.cookies = [self._analytics(r) for _ in range(3000)]

    def _requests(self, n: int) -> list:
        r = self.r
        out = []
        for _ in range(n):
            x = r.random()
            if x < 0.30:
                asset = r.choice(["js/main", "js/vendor", "js/runtime", "css/app"])
                path, st, size = f"/static/{asset}.{rstr(r, HEX, 8)}.{asset[:asset.index('/')]}", r.choice([200, 200, 200, 304]), r.randint(1200, 420_000)
            elif x < 0.45:
                path, st, size = f"/images/{r.choice(['p', 'c', 'hero'])}/{r.randint(1000, 99999)}-{r.choice([320, 640, 1280])}.webp", r.choice([200, 200, 304, 404]), r.randint(3000, 180_000)
            elif x < 0.60:
                path, st, size = f"/products?page={r.randint(1, 60)}&sort={r.choice(['asc', 'desc', 'price', 'rating'])}{r.choice(['', '', '&utm_source=newsletter&utm_medium=email', '&utm_source=google&utm_medium=cpc&gclid=Cj0KCQjw' + rstr(r, BASE62, 20)])}", 200, r.randint(9000, 40_000)
            elif x < 0.70:
                path, st, size = f"/products/{r.randint(1000, 99999)}", r.choice([200, 200, 200, 404]), r.randint(9000, 30_000)
            elif x < 0.78:
                path, st, size = f"/search?q={r.choice(WORDS)}&page={r.randint(1, 8)}", 200, r.randint(8000, 25_000)
            elif x < 0.86:
                path, st, size = r.choice(["/api/cart", "/api/cart/count", "/api/recommendations?limit=8", f"/api/products/{r.randint(1000, 99999)}/reviews?page={r.randint(1, 5)}"]), r.choice([200, 200, 304]), r.randint(40, 9000)
            elif x < 0.92:
                path, st, size = r.choice(["/healthz", "/favicon.ico", "/robots.txt", "/sitemap.xml", "/manifest.webmanifest"]), 200, r.randint(2, 50_000)
            elif x < 0.97:
                path, st, size = r.choice(["/", "/account/orders", "/login", "/cart", "/checkout/shipping", "/help/returns"]), r.choice([200, 200, 302]), r.randint(0, 30_000)
            else:
                path, st, size = r.choice(["/wp-login.php", "/.env", "/.git/config", "/xmlrpc.php", "/phpmyadmin/index.php", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php"]), 404, r.randint(150, 560)
            if st == 304:
                size = 0
            method = "POST" if path.startswith("/api/cart") and r.random() < 0.3 else "GET"
            proto = r.choice(["HTTP/1.1", "HTTP/2.0", "HTTP/2.0"])
            out.append((f'"{method} {path} {proto}" {st} {size}'))
        return out

    @staticmethod
    def _analytics(r: Random) -> str:
        parts = [f"_ga=GA1.2.{r.randint(10**8, 2 * 10**9)}.{r.randint(1_700_000_000, 1_793_000_000)}"]
        if r.random() < 0.7:
            parts.append(f"_gid=GA1.2.{r.randint(10**8, 2 * 10**9)}.{r.randint(1_793_000_000, 1_793_600_000)}")
        if r.random() < 0.3:
            parts.append(f"_fbp=fb.1.{r.randint(1_700_000_000_000, 1_793_000_000_000)}.{r.randint(10**8, 2 * 10**9)}")
        if r.random() < 0.2:
            parts.append(f"_gcl_au=1.1.{r.randint(10**8, 2 * 10**9)}.{r.randint(1_700_000_000, 1_793_000_000)}")
        if r.random() < 0.2:
            parts.append(r.choice(["cookieconsent_status=dismiss", "lang=en", "lang=de", "currency=EUR", "_gat=1"]))
        r.shuffle(parts)
        return "; ".join(parts)

    def line(self) -> str:
        r, ch = self.r, self.r.choice
        self.clock.advance()
        cookie = ch(self.cookies) if r.random() < 0.30 else "-"
        return f'{ch(self.ips)} - - [{self.clock.nginx()}] {ch(self.requests)} "{ch(self.referers)}" "{ch(USER_AGENTS)}" "{cookie}"\n'

    def token_line(self, kind: str, secret: str) -> str:
        r = self.r
        self.clock.advance()
        name = "JSESSIONID" if kind == "jsessionid" else "PHPSESSID"
        cookie = f"{r.choice(self.cookies)}; {name}={secret}" if r.random() < 0.7 else f"{name}={secret}"
        req = r.choice(['"GET /account/orders HTTP/1.1" 200 9120', '"GET /cart HTTP/2.0" 200 15210', '"POST /api/cart HTTP/2.0" 200 412', '"GET /checkout/shipping HTTP/2.0" 200 22071'])
        return f'{r.choice(self.ips)} - - [{self.clock.nginx()}] {req} "https://shop.example.com/" "{r.choice(USER_AGENTS[:9])}" "{cookie}"\n'


class JsonGen:
    kinds = ["jwt", "jwt", "jwt", "basic"]

    def __init__(self, r: Random) -> None:
        self.r = r
        self.clock = Clock(r, EPOCH_START + r.randint(0, 20 * 86_400), 0.02)
        self.service = r.choice(["orders-api", "catalog-api", "payments-api", "users-api"])
        self.host = f"{self.service}-{rstr(r, LOWER_DIGITS, 9)}-{rstr(r, LOWER_DIGITS, 5)}"
        self.pid = r.randint(1, 99)
        # Bodies are pre-rendered JSON fragments; per line only ts and ids are fresh.
        self.bodies = [self._body() for _ in range(5000)]

    def _body(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.62:
            method = r.choice(["GET", "GET", "GET", "POST", "PUT", "DELETE"])
            url = r.choice([f"/api/orders/{r.randint(10**5, 10**6)}", "/api/orders?page=2&limit=20", f"/api/products/{r.randint(1000, 99999)}",
                            "/api/cart", f"/api/users/{r.randint(10**4, 10**6)}/addresses", "/api/checkout/quote", "/healthz", "/metrics"])
            status = r.choice([200, 200, 200, 200, 201, 204, 304, 400, 401, 404, 409, 500])
            headers = {"host": "api.shop.example.com", "user-agent": r.choice(["okhttp/4.12.0", "axios/1.7.7", "Go-http-client/1.1", USER_AGENTS[0]]),
                       "accept": "application/json", "x-forwarded-for": f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"}
            if status in (200, 304) and r.random() < 0.3:
                headers["if-none-match"] = f'W/"{rstr(r, HEX, 8)}-{rstr(r, B64URL, 16)}"'
            level = "error" if status >= 500 else "warn" if status >= 400 else "info"
            return json.dumps({"level": level, "msg": "request completed", "req": {"method": method, "url": url, "headers": headers},
                               "res": {"statusCode": status}, "responseTime": round(r.uniform(0.4, 900), 1)}, separators=(",", ":"))
        if x < 0.75:
            return json.dumps({"level": "debug", "msg": "db query", "db": "postgres", "query": r.choice([
                "SELECT id, status, total_cents FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20",
                "UPDATE carts SET updated_at = now() WHERE id = $1", "INSERT INTO order_items (order_id, sku, qty) VALUES ($1, $2, $3)",
                "SELECT * FROM products WHERE sku = ANY($1)"]), "rows": r.randint(0, 50), "durationMs": round(r.uniform(0.2, 80), 2)}, separators=(",", ":"))
        if x < 0.85:
            return json.dumps({"level": "info", "msg": r.choice(["order created", "payment captured", "cart merged", "email queued", "stock reserved"]),
                               "orderId": r.randint(10**5, 10**6), "amountCents": r.randint(500, 90_000), "currency": r.choice(["EUR", "USD", "GBP"])}, separators=(",", ":"))
        if x < 0.93:
            return json.dumps({"level": "debug", "msg": "cache " + r.choice(["hit", "miss"]), "key": f"product:{r.randint(1000, 99999)}:v{r.randint(1, 9)}",
                               "ttl": r.choice([60, 300, 3600])}, separators=(",", ":"))
        err = r.choice([("TimeoutError", "connect ETIMEDOUT 10.0.12.41:5432"), ("FetchError", "request to https://payments.example.com/v1/charges failed, reason: socket hang up"),
                        ("ValidationError", "\"quantity\" must be greater than or equal to 1")])
        stack = f"{err[0]}: {err[1]}\n    at {r.choice(['Socket', 'ClientRequest', 'Object.validate'])}.<anonymous> (/app/node_modules/{r.choice(['pg', 'node-fetch', 'joi'])}/lib/index.js:{r.randint(10, 900)}:{r.randint(5, 40)})\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"
        return json.dumps({"level": "error", "msg": "unhandled error", "err": {"type": err[0], "message": err[1], "stack": stack}}, separators=(",", ":"))

    def _prefix(self) -> str:
        r = self.r
        self.clock.advance()
        return (f'{{"ts":"{self.clock.iso_ms()}","pid":{self.pid},"hostname":"{self.host}","service":"{self.service}",'
                f'"traceId":"{r.getrandbits(128):032x}","spanId":"{r.getrandbits(64):016x}",')

    def line(self) -> str:
        return self._prefix() + self.r.choice(self.bodies)[1:] + "\n"

    def token_line(self, kind: str, secret: str) -> str:
        r = self.r
        scheme = "Bearer" if kind == "jwt" else "Basic"
        headers = {"host": "api.shop.example.com", "authorization": f"{scheme} {secret}", "user-agent": r.choice(["okhttp/4.12.0", "axios/1.7.7", "python-requests/2.32.3"]),
                   "accept": "application/json"}
        body = json.dumps({"level": "info", "msg": "request completed", "req": {"method": r.choice(["GET", "POST"]), "url": r.choice(["/api/orders", "/api/admin/refunds", "/api/cart"]), "headers": headers},
                           "res": {"statusCode": r.choice([200, 200, 201, 401])}, "responseTime": round(r.uniform(1, 300), 1)}, separators=(",", ":"))
        return self._prefix() + body[1:] + "\n"


class JavaGen:
    kinds = ["github", "aws", "basic", "jwt"]

    LOGGERS = [  # (logger, level, message template)
        ("c.e.shop.web.OrderController", "INFO", "Order {n} created for customer {m}"),
        ("c.e.shop.web.OrderController", "DEBUG", "Fetching orders for customer {m} page {p}"),
        ("c.e.shop.web.OrderController", "WARN", "Order {n} not found"),
        ("c.e.shop.service.InventoryService", "INFO", "Reserved {p} units of SKU-{n}"),
        ("c.e.shop.service.InventoryService", "WARN", "Stock level for SKU-{n} below threshold: {p}"),
        ("c.e.shop.service.PaymentService", "INFO", "Payment {n} captured in {p} ms"),
        ("c.e.shop.service.PaymentService", "WARN", "Retrying payment {n}, attempt {q}"),
        ("o.h.engine.jdbc.spi.SqlExceptionHelper", "WARN", "SQL Error: 0, SQLState: 40001"),
        ("com.zaxxer.hikari.pool.HikariPool", "DEBUG", "HikariPool-1 - Pool stats (total=20, active={q}, idle={q}, waiting=0)"),
        ("o.s.web.servlet.DispatcherServlet", "INFO", "Completed initialization in {p} ms"),
        ("o.a.c.c.C.[Tomcat].[localhost].[/]", "INFO", "Initializing Spring DispatcherServlet 'dispatcherServlet'"),
        ("o.s.k.l.KafkaMessageListenerContainer", "INFO", "order-events: partitions assigned: [order-events-{q}]"),
        ("c.e.shop.scheduling.CartCleanupJob", "INFO", "Removed {p} abandoned carts older than 30 days"),
        ("org.apache.http.wire", "DEBUG", 'http-outgoing-{q} << "HTTP/1.1 200 OK[\\r][\\n]"'),
        ("org.apache.http.wire", "DEBUG", 'http-outgoing-{q} >> "GET /v1/rates HTTP/1.1[\\r][\\n]"'),
    ]
    EXCEPTIONS = [
        ("org.springframework.dao.CannotAcquireLockException", "could not execute statement; SQL [n/a]"),
        ("java.net.SocketTimeoutException", "Read timed out"),
        ("java.lang.IllegalStateException", "Order {n} is already shipped"),
        ("org.springframework.web.client.HttpServerErrorException$BadGateway", "502 Bad Gateway: [no body]"),
    ]
    FRAMES = [
        "c.e.shop.service.OrderService.ship(OrderService.java:{l})", "c.e.shop.web.OrderController.ship(OrderController.java:{l})",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
        "org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)",
        "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
        "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
        "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
        "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1769)",
        "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)",
        "java.base/java.lang.Thread.run(Thread.java:1583)",
    ]

    def __init__(self, r: Random) -> None:
        self.r = r
        self.clock = Clock(r, EPOCH_START + r.randint(0, 20 * 86_400), 0.05)
        self.pid = r.randint(1, 65_000)
        self.messages = []
        for _ in range(6000):
            logger, level, template = r.choice(self.LOGGERS)
            msg = template.format(n=r.randint(10**5, 10**6), m=r.randint(1000, 99999), p=r.randint(1, 500), q=r.randint(0, 20))
            self.messages.append(f"{level:>5} {self.pid} --- [{self._thread()}] {logger:<40.40} : {msg}\n")
        self.traces = [self._trace() for _ in range(200)]

    def _thread(self) -> str:
        r = self.r
        return r.choice([f"nio-8080-exec-{r.randint(1, 200)}", "           main", f"   scheduling-{r.randint(1, 4)}", f"ntainer#0-0-C-{r.randint(1, 3)}"])[-15:].rjust(15)

    def _trace(self) -> str:
        r = self.r
        cls, msg = r.choice(self.EXCEPTIONS)
        head = f"ERROR {self.pid} --- [{self._thread()}] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception\n"
        frames = "".join(f"\tat {f.format(l=r.randint(40, 400))}\n" for f in self._frames())
        cause = f"Caused by: java.io.IOException: {r.choice(['Connection reset by peer', 'Broken pipe'])}\n\tat java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)\n\t... {r.randint(20, 80)} common frames omitted\n"
        return head + f"{cls}: {msg.format(n=r.randint(10**5, 10**6))}\n" + frames + (cause if r.random() < 0.5 else "")

    def _frames(self) -> list:
        """A random subset of FRAMES, innermost first, in call order."""
        keep = sorted(self.r.sample(range(len(self.FRAMES)), self.r.randint(5, len(self.FRAMES))))
        return [self.FRAMES[i] for i in keep]

    def line(self) -> str:
        self.clock.advance()
        ts = self.clock.java_ms()
        if self.r.random() < 0.01:
            return f"{ts} {self.r.choice(self.traces)}"
        return f"{ts} {self.r.choice(self.messages)}"

    def token_line(self, kind: str, secret: str) -> str:
        r = self.r
        self.clock.advance()
        n = r.randint(0, 20)
        if kind == "aws":
            body = f" INFO {self.pid} --- [           main] c.e.shop.config.S3Config                 : Creating S3 client for bucket shop-invoices-example with accessKeyId={secret} region=eu-west-1"
        elif kind == "github":
            body = f"DEBUG {self.pid} --- [   scheduling-1] org.apache.http.headers                  : http-outgoing-{n} >> Authorization: token {secret}"
        elif kind == "basic":
            body = f"DEBUG {self.pid} --- [{self._thread()}] org.apache.http.headers                  : http-outgoing-{n} >> Authorization: Basic {secret}"
        else:
            body = f"DEBUG {self.pid} --- [{self._thread()}] org.apache.http.headers                  : http-outgoing-{n} >> Authorization: Bearer {secret}"
        return f"{self.clock.java_ms()} {body}\n"


class SyslogGen:
    kinds = ["github", "aws", "basic", "jwt"]

    def __init__(self, r: Random) -> None:
        self.r = r
        self.clock = Clock(r, EPOCH_START + r.randint(0, 20 * 86_400), 0.5)
        self.host = f"web-{r.randint(1, 12):02d}"
        self.ips = ip_pool(r, 500)
        self.events = [self._event() for _ in range(4000)]

    def _event(self) -> str:
        r = self.r
        pid = r.randint(300, 99_999)
        x = r.random()
        if x < 0.25:
            return r.choice([f"CRON[{pid}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
                             f"CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
                             f"CRON[{pid}]: pam_unix(cron:session): session closed for user root",
                             f"CRON[{pid}]: (www-data) CMD (php /var/www/shop/artisan schedule:run >> /dev/null 2>&1)"])
        if x < 0.45:
            unit, what = r.choice([("apt-daily.service", "Daily apt download activities"), ("logrotate.service", "Rotate log files"),
                                   ("certbot.service", "Certbot"), ("fstrim.service", "Discard unused blocks on filesystems from /etc/fstab"),
                                   ("sysstat-collect.service", "system activity accounting tool"), ("phpsessionclean.service", "Clean php session files")])
            if r.random() < 0.3:
                return f"systemd[1]: {unit}: Deactivated successfully."
            return f"systemd[1]: {r.choice(['Starting', 'Finished'])} {unit} - {what}{'...' if r.random() < 0.5 else '.'}"
        if x < 0.65:
            ip, port = r.choice(self.ips), r.randint(30_000, 65_000)
            user = r.choice(["admin", "test", "ubuntu", "oracle", "pi", "git", "postgres"])
            return r.choice([f"sshd[{pid}]: Invalid user {user} from {ip} port {port}",
                             f"sshd[{pid}]: Failed password for invalid user {user} from {ip} port {port} ssh2",
                             f"sshd[{pid}]: Connection closed by authenticating user root {ip} port {port} [preauth]",
                             f"sshd[{pid}]: Received disconnect from {ip} port {port}:11: Bye Bye [preauth]",
                             f"sshd[{pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}"])
        if x < 0.8:
            return (f"kernel: [{r.randint(10**5, 10**7)}.{r.randint(0, 999_999):06d}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:{rstr(r, HEX, 2)}:{rstr(r, HEX, 2)}:{rstr(r, HEX, 2)}:52:54:00:12:34:56:08:00 "
                    f"SRC={r.choice(self.ips)} DST=10.0.0.{r.randint(2, 40)} LEN={r.choice([40, 44, 60])} TOS=0x00 PREC=0x00 TTL={r.randint(40, 250)} ID={r.randint(1, 65535)} PROTO=TCP SPT={r.randint(1024, 65535)} DPT={r.choice([22, 23, 3389, 5900, 8080, 6379])} WINDOW=1024 RES=0x00 SYN URGP=0")
        if x < 0.9:
            return r.choice([f"systemd-logind[712]: New session {r.randint(1, 9999)} of user deploy.",
                             f"systemd-logind[712]: Removed session {r.randint(1, 9999)}.",
                             f"sudo[{pid}]:   deploy : TTY=pts/{r.randint(0, 4)} ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl reload nginx",
                             f"systemd-timesyncd[640]: Contacted time server 192.0.2.{r.randint(1, 254)}:123 (ntp.example.com)."])
        return r.choice([f"postfix/smtpd[{pid}]: connect from unknown[{r.choice(self.ips)}]",
                         f"postfix/smtpd[{pid}]: disconnect from unknown[{r.choice(self.ips)}] ehlo=1 auth=0/1 quit=1 commands=2/3",
                         f"dhclient[{pid}]: DHCPACK of 10.0.0.{r.randint(2, 40)} from 10.0.0.1",
                         f"rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"{pid}\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed"])

    def line(self) -> str:
        self.clock.advance()
        return f"{self.clock.syslog()} {self.host} {self.r.choice(self.events)}\n"

    def token_line(self, kind: str, secret: str) -> str:
        r = self.r
        self.clock.advance()
        pid = r.randint(300, 99_999)
        if kind == "aws":
            body = (f"sudo[{pid}]:   deploy : TTY=pts/0 ; PWD=/srv/shop ; USER=root ; COMMAND=/usr/bin/env AWS_ACCESS_KEY_ID={secret} "
                    f"AWS_DEFAULT_REGION=eu-west-1 /usr/local/bin/aws s3 sync /srv/backups s3://shop-backups-example")
        elif kind == "github":
            body = f"CRON[{pid}]: (deploy) CMD (curl -fsS -H \"Authorization: token {secret}\" https://api.github.com/repos/example/shop/releases/latest -o /tmp/latest.json)"
        elif kind == "basic":
            body = f"CRON[{pid}]: (backup) CMD (wget -q --header=\"Authorization: Basic {secret}\" https://backup.example.com/api/v1/snapshots -O /dev/null)"
        else:
            body = f"CRON[{pid}]: (deploy) CMD (curl -s -X POST -H \"Authorization: Bearer {secret}\" https://hooks.example.com/deploy/notify >/dev/null)"
        return f"{self.clock.syslog()} {self.host} {body}\n"


# --------------------------------------------------------------------------- dense profile
#
# Every line carries a credential: a Cookie header with a session cookie (JSESSIONID,
# PHPSESSID, connect.sid) among analytics cookies, or an Authorization: Bearer header with an
# opaque token or a JWT. The values come from ONE pool shared by all files, as sessions repeat
# across requests and servers: the worst case for the confirm stage (every line a candidate,
# the same secrets over and over). Dense generators take (r, pool) and only have line().


def make_connect_sid(r: Random) -> str:
    """express-session's cookie as browsers send it: s:<id>.<HMAC-SHA256, base64>, URL-encoded."""
    sig = base64.b64encode(r.getrandbits(256).to_bytes(32, "big")).decode().rstrip("=")
    return "s%3A" + rstr(r, B64URL, 32) + "." + sig.replace("+", "%2B").replace("/", "%2F")


POOL_KINDS = [  # (share of the pool, header, cookie name, value maker)
    (0.30, "cookie", "JSESSIONID", SECRET_MAKERS["jsessionid"]),
    (0.20, "cookie", "PHPSESSID", SECRET_MAKERS["phpsessid"]),
    (0.15, "cookie", "connect.sid", make_connect_sid),
    (0.15, "bearer", None, lambda r: rstr(r, BASE62 + "-_", 43)),  # opaque OAuth access token
    (0.20, "bearer", None, make_jwt),
]


@functools.lru_cache(maxsize=2)
def token_pool(seed: int, size: int) -> tuple:
    """(cookies, bearers): `size` distinct values in all; cookies as "NAME=value", bearers as values.

    Cached: each worker process builds it once (about a second for 50,000 values)."""
    r = Random(f"{seed}/pool")
    seen: set = set()
    cookies, bearers = [], []
    while len(seen) < size:
        x = r.random()
        for share, header, name, maker in POOL_KINDS:
            x -= share
            if x < 0:
                break
        value = maker(r)
        if value in seen:
            continue
        seen.add(value)
        if header == "cookie":
            cookies.append(f"{name}={value}")
        else:
            bearers.append(value)
    return cookies, bearers


class DenseBase:
    """Picks pool values and remembers which ones were used (ids: cookie i -> i, bearer j -> ~j)."""

    def _setup_pool(self, pool: tuple) -> None:
        self.pool_cookies, self.pool_bearers = pool
        self.used: set = set()

    def session_cookie(self) -> str:
        i = self.r.randrange(len(self.pool_cookies))
        self.used.add(i)
        return self.pool_cookies[i]

    def bearer(self) -> str:
        j = self.r.randrange(len(self.pool_bearers))
        self.used.add(~j)
        return self.pool_bearers[j]

    def cookie_header(self, analytics: list) -> str:
        """The session cookie among analytics cookies, in either order (or alone)."""
        r = self.r
        session = self.session_cookie()
        x = r.random()
        if x < 0.55:
            return f"{r.choice(analytics)}; {session}"
        if x < 0.9:
            return f"{session}; {r.choice(analytics)}"
        return session


class DenseNginxGen(NginxGen, DenseBase):
    """nginx with a named-field log format: ... cookie="$http_cookie" authorization="$http_authorization"."""

    def __init__(self, r: Random, pool: tuple) -> None:
        super().__init__(r)
        self._setup_pool(pool)
        self.api_requests = [q for q in self.requests if "/api/" in q]

    def line(self) -> str:
        r, ch = self.r, self.r.choice
        self.clock.advance()
        head = f"{ch(self.ips)} - - [{self.clock.nginx()}]"
        rt = f"rt={r.randint(1, 900) / 1000:.3f}"
        if r.random() < 0.8:  # browser traffic: the session cookie
            return f'{head} {ch(self.requests)} "{ch(self.referers)}" "{ch(USER_AGENTS)}" {rt} cookie="{self.cookie_header(self.cookies)}" authorization="-"\n'
        ua = ch(["okhttp/4.12.0", "axios/1.7.7", "Go-http-client/1.1", "python-requests/2.32.3"])
        return f'{head} {ch(self.api_requests)} "-" "{ua}" {rt} cookie="-" authorization="Bearer {self.bearer()}"\n'


class DenseJsonGen(JsonGen, DenseBase):
    """Node request logs that dump the request headers, cookie or authorization among them."""

    MARK = '"@@header@@":"@@value@@"'

    def __init__(self, r: Random, pool: tuple) -> None:
        super().__init__(r)
        self._setup_pool(pool)
        self.analytics = [NginxGen._analytics(r) for _ in range(2000)]
        # Pre-rendered request bodies split where the credential header goes.
        self.templates = [self._template() for _ in range(3000)]

    def _template(self) -> tuple:
        r = self.r
        method = r.choice(["GET", "GET", "GET", "POST", "PUT", "DELETE"])
        url = r.choice([f"/api/orders/{r.randint(10**5, 10**6)}", "/api/orders?page=2&limit=20", f"/api/products/{r.randint(1000, 99999)}",
                        "/api/cart", f"/api/users/{r.randint(10**4, 10**6)}/addresses", "/api/checkout/quote", "/account/orders"])
        status = r.choice([200, 200, 200, 200, 201, 204, 304, 400, 401, 404, 409, 500])
        headers = [("host", "api.shop.example.com"), ("user-agent", r.choice(["okhttp/4.12.0", "axios/1.7.7", USER_AGENTS[0], USER_AGENTS[3]])),
                   ("accept", "application/json"), ("x-forwarded-for", f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}")]
        headers.insert(r.randint(1, len(headers)), ("@@header@@", "@@value@@"))
        level = "error" if status >= 500 else "warn" if status >= 400 else "info"
        body = json.dumps({"level": level, "msg": "request completed", "req": {"method": method, "url": url, "headers": dict(headers)},
                           "res": {"statusCode": status}, "responseTime": round(r.uniform(0.4, 900), 1)}, separators=(",", ":"))
        before, after = body[1:].split(self.MARK)
        return before, after

    def line(self) -> str:
        before, after = self.r.choice(self.templates)
        if self.r.random() < 0.5:
            header = f'"cookie":"{self.cookie_header(self.analytics)}"'
        else:
            header = f'"authorization":"Bearer {self.bearer()}"'
        return self._prefix() + before + header + after + "\n"


class DenseJavaGen(JavaGen, DenseBase):
    """Spring Boot with Apache HttpClient header logging and CommonsRequestLoggingFilter."""

    def __init__(self, r: Random, pool: tuple) -> None:
        super().__init__(r)
        self._setup_pool(pool)
        self.analytics = [NginxGen._analytics(r) for _ in range(2000)]
        self.threads = [self._thread() for _ in range(64)]
        self.urls = [f"/api/orders/{r.randint(10**5, 10**6)}" for _ in range(500)] + ["/api/cart", "/account/orders", "/checkout/shipping"]

    def line(self) -> str:
        r = self.r
        self.clock.advance()
        head = f"{self.clock.java_ms()} DEBUG {self.pid} --- [{r.choice(self.threads)}]"
        x = r.random()
        if x < 0.3:
            return f"{head} org.apache.http.headers                  : http-outgoing-{r.randint(0, 40)} >> Cookie: {self.cookie_header(self.analytics)}\n"
        if x < 0.6:
            return f"{head} org.apache.http.headers                  : http-outgoing-{r.randint(0, 40)} >> Authorization: Bearer {self.bearer()}\n"
        if x < 0.8:
            header = f'cookie:"{self.cookie_header(self.analytics)}"'
        else:
            header = f'authorization:"Bearer {self.bearer()}"'
        return (f"{head} o.s.w.f.CommonsRequestLoggingFilter      : Before request [{r.choice(['GET', 'GET', 'POST'])} {r.choice(self.urls)}, "
                f'client=10.0.{r.randint(0, 9)}.{r.randint(2, 250)}, headers=[host:"shop.example.com", {header}, accept:"*/*"]]\n')


GENERATORS = {"nginx": NginxGen, "json": JsonGen, "java": JavaGen, "syslog": SyslogGen,
              "nginx-dense": DenseNginxGen, "json-dense": DenseJsonGen, "java-dense": DenseJavaGen}
FILE_NAMES = {  # per kind: subdirectory and name pattern (index within the kind)
    "nginx": ("nginx", "access.log.{i}"),
    "json": ("app", "orders-api.json.log.{i}"),
    "java": ("java", "shop-backend.log.{i}"),
    "syslog": ("syslog", "syslog.{i}"),
    "nginx-dense": ("nginx", "access.log.{i}"),
    "json-dense": ("app", "gateway.json.log.{i}"),
    "java-dense": ("java", "shop-web.log.{i}"),
}


# --------------------------------------------------------------------------- driver


def plan_files(profile: dict, seed: int) -> list:
    """[(index, kind, relative path)]: the profile's mix of kinds, shuffled by the seed."""
    n = profile["files"]
    counts = {k: round(share * n) for k, share in profile["mix"].items()}
    counts[next(iter(counts))] += n - sum(counts.values())  # rounding remainder to the first kind
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    Random(f"{seed}/plan").shuffle(kinds)
    seen = dict.fromkeys(counts, 0)
    plan = []
    for idx, kind in enumerate(kinds):
        sub, pattern = FILE_NAMES[kind]
        plan.append((idx, kind, f"{sub}/{pattern.format(i=seen[kind])}"))
        seen[kind] += 1
    return plan


def generate_file(job: tuple) -> tuple:
    """Write one file; return (relative path, bytes, lines, planted records, planted count, pool ids used).

    token_every > 0: a secret planted every ~token_every lines, each listed in the records.
    token_every == 0 (dense): every line carries a pool value; only counted, not listed."""
    idx, kind, rel, out_dir, seed, target_bytes, token_every, pool_size = job
    r = Random(f"{seed}/{idx}")
    dense = token_every == 0
    gen = GENERATORS[kind](r, token_pool(seed, pool_size)) if dense else GENERATORS[kind](r)
    line = gen.line
    token_line, kinds = (None, None) if dense else (gen.token_line, gen.kinds)
    path = Path(out_dir) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    planted = []
    size = lines = 0
    # First secret uniformly within one mean gap, so the expected count is lines/token_every
    # whatever the file size; after that, gaps of 0.5x..1.5x the mean.
    next_token = float("inf") if dense else r.randint(0, token_every)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        while size < target_bytes:
            # Build ~1 MB at a time; check for a planted secret once per piece.
            buf = []
            buf_size = 0
            chunk = min(1 << 20, target_bytes - size)
            while buf_size < chunk:
                if lines >= next_token:
                    secret_kind = r.choice(kinds)
                    secret = SECRET_MAKERS[secret_kind](r)
                    piece = token_line(secret_kind, secret)
                    planted.append({"file": rel, "line": lines + 1, "kind": secret_kind, "secret": secret})
                    next_token = lines + r.randint(token_every // 2, token_every * 3 // 2)
                else:
                    piece = line()
                buf.append(piece)
                buf_size += len(piece)
                lines += piece.count("\n")
            text = "".join(buf)
            f.write(text)
            size += len(text.encode("utf-8")) if not text.isascii() else len(text)
    if dense:
        return rel, size, lines, [], lines, gen.used
    return rel, size, lines, planted, len(planted), set()


def stamp_text(profile_name: str, profile: dict, seed: int) -> dict:
    want = {"generator": "gen-corpus.py", "version": GENERATOR_VERSION, "profile": profile_name, "seed": seed,
            "size_mb": profile["size_mb"], "files": profile["files"], "token_every": profile["token_every"]}
    if profile.get("pool"):
        want["pool"] = profile["pool"]
    return want


def stamp_matches(stamp_path: Path, want: dict) -> dict:
    """The stamp's content if every key of `want` matches it, else {}."""
    try:
        have = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        return {}
    return have if all(have.get(k) == v for k, v in want.items()) else {}


def generate(args: argparse.Namespace, out: Path, stamp_path: Path, tmp: Path) -> dict:
    """Generate a PROFILES corpus into tmp; return the stamp fields it adds."""
    profile = dict(PROFILES[args.profile])
    if args.size_mb:
        profile["size_mb"] = args.size_mb
    planted_path = out.with_name(out.name + ".planted.jsonl")
    target = profile["size_mb"] * MB // profile["files"]
    jobs = [(idx, kind, rel, str(tmp), args.seed, target, profile["token_every"], profile.get("pool", 0))
            for idx, kind, rel in plan_files(profile, args.seed)]
    print(f"generating {out} ({args.profile}: {profile['size_mb']} MB in {profile['files']} files, seed {args.seed}, {args.jobs} jobs)", file=sys.stderr)
    if args.jobs > 1:
        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.map(generate_file, jobs, chunksize=1)
    else:
        results = [generate_file(j) for j in jobs]
    extra = {"bytes": sum(r[1] for r in results), "lines": sum(r[2] for r in results), "planted": sum(r[4] for r in results)}
    if profile["token_every"]:
        with open(planted_path, "w", encoding="utf-8") as f:
            for _, _, _, planted, _, _ in results:
                for rec in planted:
                    f.write(json.dumps(rec, separators=(",", ":")) + "\n")
    else:
        # Dense: a manifest would list every line; the stamp counts them and the distinct values.
        planted_path.unlink(missing_ok=True)
        extra["distinct"] = len(set().union(*(r[5] for r in results)))
    return extra


# --------------------------------------------------------------------------- derived corpora
#
# Built from another corpus (--source, normally corpus-sparse) by streaming its bytes around:
#   one-big-file       the source's files concatenated into one big.log, `repeat` times, each
#                      pass in its own seeded file order (2 GB from the 500 MB sparse corpus).
#   many-small-files   `folders` x `per_folder` files (dNNN/NNNN.log) of ~`mean_bytes` each:
#                      consecutive slices of the source files, cut at line ends (a slice never
#                      spans two source files), lengths drawn from the seed.
# The planted count comes from the source's manifest (OUT.planted.jsonl of the source).

DERIVED = {
    "one-big-file": {"repeat": 4},
    "many-small-files": {"folders": 100, "per_folder": 1000, "mean_bytes": 2000},
}


def source_files(src: Path) -> list:
    """The source corpus's files as (relative path, Path), in a fixed (sorted) order."""
    return sorted((p.relative_to(src).as_posix(), p) for p in src.rglob("*") if p.is_file())


def planted_lines(src: Path) -> dict:
    """{relative path: [planted line numbers]} from the source's manifest (empty if none)."""
    manifest = src.with_name(src.name + ".planted.jsonl")
    out: dict = {}
    if manifest.is_file():
        with open(manifest, encoding="utf-8") as f:
            for rec in map(json.loads, f):
                out.setdefault(rec["file"], []).append(rec["line"])
    return out


def derive_one_big_file(src: Path, tmp: Path, params: dict, seed: int, source_stamp: dict) -> dict:
    files = source_files(src)
    size = 0
    with open(tmp / "big.log", "wb") as out:
        for rep in range(params["repeat"]):
            order = list(files)
            Random(f"{seed}/one-big-file/{rep}").shuffle(order)
            for _, path in order:
                with open(path, "rb") as f:
                    shutil.copyfileobj(f, out, 16 << 20)
                size += path.stat().st_size
    return {"bytes": size, "files": 1, "lines": source_stamp.get("lines", 0) * params["repeat"],
            "planted": source_stamp.get("planted", 0) * params["repeat"]}


def derive_many_small_files(src: Path, tmp: Path, params: dict, seed: int, source_stamp: dict) -> dict:
    r = Random(f"{seed}/many-small-files")
    mean = params["mean_bytes"]
    total = params["folders"] * params["per_folder"]
    planted = planted_lines(src)
    written = size = n_planted = 0
    for folder in range(params["folders"]):
        (tmp / f"d{folder:03d}").mkdir()
    for rel, path in source_files(src):
        data = path.read_bytes()
        start = 0
        while start < len(data) and written < total:
            # Cut at the first line end after mean/2 .. 3*mean/2 bytes.
            end = data.find(b"\n", start + r.randint(mean // 2, mean * 3 // 2) - 1)
            end = len(data) if end < 0 else end + 1
            with open(tmp / f"d{written // params['per_folder']:03d}" / f"{written % params['per_folder']:04d}.log", "wb") as f:
                f.write(data[start:end])
            size += end - start
            written += 1
            start = end
        # Planted secrets in the part of this file that went into slices.
        if start > 0 and rel in planted:
            last_line = data.count(b"\n", 0, start)
            n_planted += sum(1 for line in planted[rel] if line <= last_line)
        if written == total:
            break
    if written < total:
        raise SystemExit(f"{src} is too small for {total} files of ~{mean} bytes (made {written})")
    return {"bytes": size, "files": written, "planted": n_planted}


def derive(args: argparse.Namespace, out: Path, stamp_path: Path, tmp: Path) -> dict:
    src = Path(args.source)
    params = DERIVED[args.profile]
    print(f"deriving {out} ({args.profile} from {src}, {params}, seed {args.seed})", file=sys.stderr)
    source_stamp = json.loads(src.with_name(src.name + ".stamp").read_text())
    builder = derive_one_big_file if args.profile == "one-big-file" else derive_many_small_files
    return builder(src, tmp, params, args.seed, source_stamp)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="corpus directory to create")
    ap.add_argument("--profile", default="sparse", choices=sorted(PROFILES) + sorted(DERIVED))
    ap.add_argument("--source", help="source corpus directory (required by the derived profiles: " + ", ".join(DERIVED) + ")")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--size-mb", type=int, help="override the profile's total size (MB; generated profiles only)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (output does not depend on it)")
    ap.add_argument("--force", action="store_true", help="regenerate even if the stamp matches")
    args = ap.parse_args()

    out = Path(args.out)
    stamp_path = out.with_name(out.name + ".stamp")
    if args.profile in DERIVED:
        if not args.source:
            ap.error(f"--profile {args.profile} needs --source")
        src = Path(args.source)
        src_stamp = src.with_name(src.name + ".stamp")
        if not src_stamp.is_file():
            ap.error(f"{src} has no stamp ({src_stamp}): generate it first")
        want = {"generator": "gen-corpus.py", "version": GENERATOR_VERSION, "profile": args.profile, "seed": args.seed,
                **DERIVED[args.profile], "source": json.loads(src_stamp.read_text())}
        build = derive
    else:
        profile = dict(PROFILES[args.profile])
        if args.size_mb:
            profile["size_mb"] = args.size_mb
        want = stamp_text(args.profile, profile, args.seed)
        build = generate

    have = {} if args.force or not out.is_dir() else stamp_matches(stamp_path, want)
    if have:
        print(f"{out}: up to date ({have.get('bytes', 0) / MB:.0f} MB, {have.get('planted', '?')} planted secrets)", file=sys.stderr)
        return 0

    # Generate into a scratch directory and swap it in, so an interrupted run never leaves a
    # half-written corpus behind a valid stamp.
    stamp_path.unlink(missing_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    started = time.monotonic()
    try:
        extra = build(args, out, stamp_path, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    stamp_path.write_text(json.dumps({**want, **extra}, indent=2) + "\n")
    details = ", ".join(f"{v} {k}" for k, v in extra.items() if k != "bytes")
    print(f"wrote {extra['bytes'] / MB:.1f} MB ({details}) in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
