#!/usr/bin/env python3
"""Generate CLEAN logs for tests/data/clean/: a secret scanner must report nothing on them.

The files imitate the public loghub corpora (Apache, HDFS, OpenSSH, Linux, Zookeeper,
OpenStack, Hadoop, Android) plus an nginx access log and a JSON application log. They are
hard negatives: session ids that are not credentials (Zookeeper `sessionid 0x...`), key
fingerprints (`RSA SHA256:...`), token *mentions* (`YARN_AM_RM_TOKEN`, `AppWindowToken{...}`),
redacted values, placeholders, hashes, trace ids, ETags, data: URIs, analytics and
load-balancer cookies.

Deterministic (random.Random(42), stdlib only): running it twice gives identical files.

    python3 scripts/gen-clean-logs.py [OUT_DIR]     # default: tests/data/clean
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import sys
import uuid
from pathlib import Path
from random import Random

LINES = 300
HEX = "0123456789abcdef"
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
B64 = ALNUM + "+/"


class Gen:
    """Shared helpers around one seeded Random."""

    def __init__(self, seed: int = 42) -> None:
        self.r = Random(seed)

    def s(self, alphabet: str, n: int) -> str:
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def hex(self, n: int) -> str:
        return self.s(HEX, n)

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def pick(self, seq):
        return self.r.choice(seq)

    def ip(self, prefix: str) -> str:
        """An address under `prefix` ("10.250." -> 10.250.x.y)."""
        parts = prefix.rstrip(".").split(".")
        while len(parts) < 4:
            parts.append(str(self.r.randint(1, 254)))
        return ".".join(parts)

    def seconds(self) -> str:
        """A request duration as OpenStack writes it: "0.2477829"."""
        return f"{self.r.uniform(0.0005, 0.9):.7f}"

    def weighted(self, table):
        """table: [(weight, fn), ...] -> result of one fn chosen by weight."""
        total = sum(w for w, _ in table)
        x = self.r.uniform(0, total)
        for w, fn in table:
            x -= w
            if x <= 0:
                return fn()
        return table[-1][1]()


class Clock:
    """A monotonically advancing timestamp."""

    def __init__(self, g: Gen, start: dt.datetime, max_step_ms: int) -> None:
        self.g, self.t, self.max_step = g, start, max_step_ms

    def tick(self) -> dt.datetime:
        self.t += dt.timedelta(milliseconds=self.g.r.randint(0, self.max_step))
        return self.t


# --------------------------------------------------------------------------- apache error log


def apache_error(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2005, 12, 4, 4, 47, 44), 40_000)
    children = [g.r.randint(1500, 32000) for _ in range(40)]

    def client():
        return f"{g.r.randint(24, 222)}.{g.r.randint(0, 255)}.{g.r.randint(0, 255)}.{g.r.randint(1, 254)}"

    events = [
        (14, lambda: ("notice", "workerEnv.init() ok /etc/httpd/conf/workers2.properties")),
        (10, lambda: ("error", f"mod_jk child workerEnv in error state {g.pick([6, 6, 6, 7, 8])}")),
        (12, lambda: ("notice", f"jk2_init() Found child {g.pick(children)} in scoreboard slot {g.r.randint(6, 10)}")),
        (3, lambda: ("error", f"jk2_init() Can't find child {g.pick(children)} in scoreboard")),
        (2, lambda: ("error", "mod_jk child init 1 -2")),
        (5, lambda: ("error", f"[client {client()}] Directory index forbidden by rule: /var/www/html/")),
        (5, lambda: ("error", f"[client {client()}] client denied by server configuration: /var/www/html/{g.pick(['', 'cgi-bin/', 'admin/', '.htaccess'])}")),
        (5, lambda: ("error", f"[client {client()}] File does not exist: /var/www/html/{g.pick(['awstats.pl', 'favicon.ico', 'robots.txt', 'xmlrpc.php', 'phpMyAdmin/index.php', 'cgi-bin/awstats/awstats.pl'])}")),
        (1, lambda: ("notice", "Digest: generating secret for digest authentication ...")),
        (1, lambda: ("notice", "Digest: done")),
        (1, lambda: ("notice", "LDAP: Built with OpenLDAP LDAP SDK")),
        (1, lambda: ("notice", "LDAP: SSL support unavailable")),
        (1, lambda: ("notice", "suEXEC mechanism enabled (wrapper: /usr/sbin/suexec)")),
        (1, lambda: ("notice", "Apache/2.0.52 (Red Hat) configured -- resuming normal operations")),
        (1, lambda: ("notice", "caught SIGTERM, shutting down")),
        (1, lambda: ("notice", "mod_security/1.9dev2 configured")),
        (1, lambda: ("error", f"[client {client()}] Invalid method in request \\x16\\x03\\x01")),
        (1, lambda: ("warn", "RSA server certificate CommonName (CN) `localhost.localdomain' does NOT match server name!?")),
        (1, lambda: ("error", f"[client {client()}] user admin: authentication failure for \"/private\": Password Mismatch")),
    ]
    out = []
    for _ in range(LINES):
        level, msg = g.weighted(events)
        out.append(f"[{clock.tick():%a %b %d %H:%M:%S %Y}] [{level}] {msg}")
    return out


# --------------------------------------------------------------------------- HDFS


def hdfs(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2008, 11, 9, 20, 35, 18), 6_000)
    nodes = [f"10.{g.pick([250, 251])}.{g.r.randint(1, 254)}.{g.r.randint(1, 254)}" for _ in range(24)]
    blocks = [f"blk_{g.pick(['-', ''])}{g.r.randint(10**17, 9 * 10**18)}" for _ in range(60)]
    job = "job_200811092030_0001"

    def ts():
        return f"{clock.tick():%y%m%d %H%M%S} {g.r.randint(13, 700)}"

    def size():
        return g.pick([67108864, 91178, 11977, 3545, g.r.randint(1000, 67108864)])

    events = [
        (14, lambda: f"INFO dfs.DataNode$DataXceiver: Receiving block {g.pick(blocks)} src: /{(n := g.pick(nodes))}:{g.r.randint(32768, 60999)} dest: /{n}:50010"),
        (10, lambda: f"INFO dfs.DataNode$PacketResponder: PacketResponder {g.r.randint(0, 2)} for block {g.pick(blocks)} terminating"),
        (10, lambda: f"INFO dfs.DataNode$PacketResponder: Received block {g.pick(blocks)} of size {size()} from /{g.pick(nodes)}"),
        (12, lambda: f"INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: {g.pick(nodes)}:50010 is added to {g.pick(blocks)} size {size()}"),
        (5, lambda: f"INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /mnt/hadoop/mapred/system/{job}/{g.pick(['job.jar', 'job.split', 'job.xml'])}. {g.pick(blocks)}"),
        (3, lambda: f"INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/_task_200811092030_0001_m_{g.r.randint(0, 999):06d}_0/part-{g.r.randint(0, 999):05d}. {g.pick(blocks)}"),
        (4, lambda: f"INFO dfs.FSNamesystem: BLOCK* NameSystem.delete: {g.pick(blocks)} is added to invalidSet of {g.pick(nodes)}:50010"),
        (4, lambda: f"INFO dfs.FSDataset: Deleting block {(b := g.pick(blocks))} file /mnt/hadoop/dfs/data/current/subdir{g.r.randint(0, 63)}/{b}"),
        (3, lambda: f"INFO dfs.DataBlockScanner: Verification succeeded for {g.pick(blocks)}"),
        (2, lambda: f"INFO dfs.DataNode: {g.pick(nodes)}:50010 Starting thread to transfer block {g.pick(blocks)} to {g.pick(nodes)}:50010"),
        (2, lambda: f"INFO dfs.DataNode$DataTransfer: {(n := g.pick(nodes))}:50010:Transmitted block {g.pick(blocks)} to /{g.pick(nodes)}:50010"),
        (1, lambda: f"WARN dfs.DataNode$DataXceiver: {g.pick(nodes)}:50010:Got exception while serving {g.pick(blocks)} to /{g.pick(nodes)}:"),
        (1, lambda: f"INFO dfs.FSNamesystem: BLOCK* ask {g.pick(nodes)}:50010 to replicate {g.pick(blocks)} to datanode(s) {g.pick(nodes)}:50010"),
        (1, lambda: f"INFO dfs.DataNode: Received block {g.pick(blocks)} src: /{g.pick(nodes)}:{g.r.randint(32768, 60999)} dest: /{g.pick(nodes)}:50010 of size {size()}"),
    ]
    return [f"{ts()} {g.weighted(events)}" for _ in range(LINES)]


# --------------------------------------------------------------------------- OpenSSH


def openssh(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2024, 12, 10, 6, 55, 46), 20_000)
    users = ["fztu", "curi", "hxu", "deploy", "jenkins", "backup"]
    bad_users = ["admin", "test", "oracle", "webmaster", "ubuntu", "pi", "support", "git", "user", "postgres"]
    # Host key fingerprints: SHA256 of a public key, base64 without padding (43 chars).
    # One key per user, so a user always shows the same key type and fingerprint.
    keys = [
        (g.pick(["RSA", "ED25519", "ECDSA"]),
         base64.b64encode(hashlib.sha256(g.s(ALNUM, 40).encode()).digest()).decode().rstrip("="))
        for _ in range(len(users))
    ]
    attackers = [g.ip(g.pick(["183.62.", "112.95.", "103.99.0.", "187.141.", "5.188.10."])) for _ in range(15)]
    good = [g.ip(g.pick(["119.137.62.", "113.118.", "10.0.3."])) for _ in range(5)]
    out: list[str] = []

    def line(pid, msg):
        out.append(f"{clock.tick():%b %d %H:%M:%S} LabSZ sshd[{pid}]: {msg}")

    while len(out) < LINES:
        pid = g.r.randint(20000, 32000)
        kind = g.r.random()
        if kind < 0.45:  # brute-force attempt
            ip, u, port = g.pick(attackers), g.pick(bad_users), g.r.randint(30000, 60999)
            if g.r.random() < 0.3:
                line(pid, f"reverse mapping checking getaddrinfo for {g.s('abcdefghijklmnopqrstuvwxyz', 8)}.com [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!")
            line(pid, f"Invalid user {u} from {ip}")
            line(pid, f"input_userauth_request: invalid user {u} [preauth]")
            line(pid, "pam_unix(sshd:auth): check pass; user unknown")
            line(pid, f"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip} ")
            line(pid, f"Failed password for invalid user {u} from {ip} port {port} ssh2")
            line(pid, g.pick([f"Received disconnect from {ip}: 11: Bye Bye [preauth]", f"Connection closed by {ip} [preauth]"]))
        elif kind < 0.6:  # root brute force
            ip, port = g.pick(attackers), g.r.randint(30000, 60999)
            line(pid, f"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root")
            line(pid, f"Failed password for root from {ip} port {port} ssh2")
            line(pid, f"message repeated 5 times: [ Failed password for root from {ip} port {port} ssh2]")
            line(pid, "Disconnecting: Too many authentication failures for root [preauth]")
            line(pid, f"PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root")
            line(pid, "PAM service(sshd) ignoring max retries; 6 > 3")
        elif kind < 0.85:  # a real login
            i = g.r.randrange(len(users))
            u, ip, port = users[i], g.pick(good), g.r.randint(40000, 60999)
            if g.r.random() < 0.6:
                algo, fingerprint = keys[i]
                line(pid, f"Accepted publickey for {u} from {ip} port {port} ssh2: {algo} SHA256:{fingerprint}")
            else:
                line(pid, f"Accepted password for {u} from {ip} port {port} ssh2")
            line(pid, f"pam_unix(sshd:session): session opened for user {u} by (uid=0)")
            line(pid, f"Received disconnect from {ip}: 11: disconnected by user")
            line(pid, f"pam_unix(sshd:session): session closed for user {u}")
        else:
            ip = g.pick(attackers)
            line(pid, g.pick([
                f"Did not receive identification string from {ip}",
                f"error: Received disconnect from {ip}: 14: No more user authentication methods available. [preauth]",
                f"Bad protocol version identification 'GET / HTTP/1.1' from {ip} port {g.r.randint(30000, 60999)}",
                "fatal: Read from socket failed: Connection reset by peer [preauth]",
                f"Received disconnect from {ip}: 11: Normal Shutdown, Thank you for playing [preauth]",
            ]))
    return out[:LINES]


# --------------------------------------------------------------------------- Linux syslog


def linux_syslog(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2005, 6, 14, 15, 16, 1), 90_000)

    def pid():
        return g.r.randint(1500, 32000)

    def su():
        p, u = pid(), g.pick(["cyrus", "news", "root"])
        return [f"su(pam_unix)[{p}]: session opened for user {u} by (uid=0)",
                f"su(pam_unix)[{p}]: session closed for user {u}"]

    def cron():
        p = pid()
        return [f"crond(pam_unix)[{p}]: session opened for user root by (uid=0)",
                f"crond(pam_unix)[{p}]: session closed for user root"]

    def dhcp():
        return ["dhclient: DHCPREQUEST on eth0 to 172.16.1.1 port 67",
                "dhclient: DHCPACK from 172.16.1.1",
                f"dhclient: bound to 172.16.1.{g.r.randint(20, 200)} -- renewal in {g.r.randint(1800, 43200)} seconds."]

    def boot():
        return ["syslogd 1.4.1: restart.",
                "syslog: syslogd startup succeeded",
                "kernel: klogd 1.4.1, log source = /proc/kmsg started.",
                "kernel: Linux version 2.6.5-1.358 (bhcompile@bugs.build.redhat.com) (gcc version 3.3.3 20040412 (Red Hat Linux 3.3.3-7)) #1 Sat May 8 09:04:50 EDT 2004",
                "kernel: BIOS-provided physical RAM map:",
                "kernel:  BIOS-e820: 0000000000000000 - 00000000000a0000 (usable)",
                "kernel: Memory: 125312k/129720k available (1540k kernel code, 3860k reserved, 599k data, 144k init, 0k highmem)",
                "kernel: Calibrating delay loop... 1196.85 BogoMIPS",
                "kernel: CPU: L1 I cache: 16K, L1 D cache: 16K"]

    def one(msg):
        return lambda: [msg() if callable(msg) else msg]

    events = [
        (12, su),
        (12, cron),
        (3, dhcp),
        (1, boot),
        (3, one("logrotate: ALERT exited abnormally with [1]")),
        (4, one(lambda: f"sshd(pam_unix)[{pid()}]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost={g.ip('218.188.2.')}")),
        (2, one(lambda: f"sshd(pam_unix)[{pid()}]: check pass; user unknown")),
        (2, one(lambda: f"ftpd[{pid()}]: connection from {g.ip('206.47.209.')} () at {clock.t:%a %b %d %H:%M:%S %Y}")),
        (1, one(lambda: f"gdm(pam_unix)[{pid()}]: authentication failure; logname= uid=0 euid=0 tty=:0 ruser= rhost=")),
        (1, one(lambda: f"rpc.statd[{pid()}]: Version 1.0.6 Starting")),
        (1, one("cups: cupsd shutdown succeeded")),
        (1, one("cups: cupsd startup succeeded")),
        (1, one(lambda: f"named[{pid()}]: lame server resolving '{g.s('abcdefghijklmnop', 7)}.com' (in '{g.s('abcdefghijklmnop', 7)}.com'?): 192.0.2.{g.r.randint(1, 254)}#53")),
        (1, one(lambda: f"kernel: audit({clock.t.timestamp():.3f}:{g.r.randint(100, 999)}): avc:  denied  {{ read }} for  pid={pid()} comm=\"hald\" name=\"mtab\" dev=dm-0 ino={g.r.randint(10000, 99999)}")),
        (1, one("irqbalance: irqbalance startup succeeded")),
        (1, one("xinetd[2045]: START: ftp pid=24085 from=206.47.209.10")),
    ]
    out: list[str] = []
    while len(out) < LINES:
        for msg in g.weighted(events):
            out.append(f"{clock.tick():%b %e %H:%M:%S} combo {msg}")
    return out[:LINES]


# --------------------------------------------------------------------------- Zookeeper


def zookeeper(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2015, 7, 29, 17, 41, 44), 15_000)
    clients = [f"10.10.34.{g.r.randint(11, 40)}" for _ in range(10)]
    nio = "NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181"
    # Session ids carry the id of the server that created them in the top byte, then a
    # counter: each server of the ensemble hands out its own increasing sequence.
    next_sid = {1: 0x14ED93111F20005, 2: 0x24ED93119420016, 3: 0x34ED9311CF0000A}

    def session():
        server = g.pick([1, 1, 2, 3])
        next_sid[server] += g.r.randint(1, 6)
        return f"0x{next_sid[server]:x}"

    def ts():
        t = clock.tick()
        return f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d}"

    out: list[str] = []

    def log(level, where, msg):
        out.append(f"{ts()} - {level:<5} [{where}] - {msg}")

    while len(out) < LINES:
        x = g.r.random()
        if x < 0.55:  # full client session life cycle
            c, port, sid = g.pick(clients), g.r.randint(32768, 60999), session()
            log("INFO", f"{nio}:NIOServerCnxnFactory@197", f"Accepted socket connection from /{c}:{port}")
            log("INFO", f"{nio}:ZooKeeperServer@839", f"Client attempting to establish new session at /{c}:{port}")
            log("INFO", "CommitProcessor:1:ZooKeeperServer@595", f"Established session {sid} with negotiated timeout {g.pick([10000, 30000, 40000])} for client /{c}:{port}")
            if g.r.random() < 0.3:
                log("WARN", f"{nio}:NIOServerCnxn@349", "caught end of stream exception")
                out.append(f"EndOfStreamException: Unable to read additional data from client sessionid {sid}, likely client has closed socket")
                out.append("\tat org.apache.zookeeper.server.NIOServerCnxn.doIO(NIOServerCnxn.java:220)")
                out.append("\tat org.apache.zookeeper.server.NIOServerCnxnFactory.run(NIOServerCnxnFactory.java:208)")
                out.append("\tat java.lang.Thread.run(Thread.java:745)")
            elif g.r.random() < 0.3:
                log("INFO", "SessionTracker:ZooKeeperServer@325", f"Expiring session {sid}, timeout of 10000ms exceeded")
            log("INFO", "ProcessThread(sid:1 cport:-1)::PrepRequestProcessor@476", f"Processed session termination for sessionid: {sid}")
            log("INFO", f"{nio}:NIOServerCnxn@1001", f"Closed socket connection for client /{c}:{port} which had sessionid {sid}")
        elif x < 0.8:
            log("INFO", "QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774", f"Notification time out: {g.pick([400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000])}")
        elif x < 0.9:
            log("INFO", "WorkerReceiver[myid=1]:FastLeaderElection@542",
                f"Notification: {g.r.randint(1, 3)} (n.leader), 0x{g.r.randint(0x700000000, 0x7000fffff):x} (n.zxid), 0x{g.r.randint(1, 9):x} (n.round), LOOKING (n.state), {g.r.randint(1, 3)} (n.sid), 0x7 (n.peerEPoch), FOLLOWING (my state)")
        elif x < 0.95:
            log("WARN", f"SendWorker:{g.pick(['188978561024', '3'])}:QuorumCnxManager$SendWorker@679", "Interrupted while waiting for message on queue")
            out.append("java.lang.InterruptedException")
            out.append("\tat java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject.reportInterruptAfterWait(AbstractQueuedSynchronizer.java:2017)")
            out.append("\tat org.apache.zookeeper.server.quorum.QuorumCnxManager$SendWorker.run(QuorumCnxManager.java:622)")
        else:
            log("INFO", "QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:Follower@63", f"FOLLOWING - LEADER ELECTION TOOK - {g.r.randint(1, 300)}")
    return out[:LINES]


# --------------------------------------------------------------------------- OpenStack


def openstack(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2017, 5, 16, 0, 0, 0, 8000), 900)
    user, tenant = g.hex(32), g.hex(32)
    instances = [g.uuid4() for _ in range(6)]
    image = g.uuid4()
    base = hashlib.sha1(image.encode()).hexdigest()
    api_file = "nova-api.log.1.2017-05-16_13:53:08"
    cpu_file = "nova-compute.log.1.2017-05-16_13:55:31"

    def ts():
        t = clock.tick()
        return f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d}"

    def api():
        method, path, status, ln = g.pick([
            ("GET", f"/v2/{tenant}/servers/detail", 200, g.r.randint(1500, 2000)),
            ("GET", f"/v2/{tenant}/servers/{g.pick(instances)}", 200, g.r.randint(1500, 1900)),
            ("POST", f"/v2/{tenant}/servers", 202, 733),
            ("DELETE", f"/v2/{tenant}/servers/{g.pick(instances)}", 204, 203),
            ("GET", f"/v2/{tenant}/os-server-external-events", 200, 380),
            ("GET", f"/v2/{tenant}/flavors/detail", 200, 2221),
        ])
        return (f"{api_file} {ts()} 25746 INFO nova.osapi_compute.wsgi.server [req-{g.uuid4()} {user} {tenant} - - -] "
                f"10.11.10.1 \"{method} {path} HTTP/1.1\" status: {status} len: {ln} time: {g.seconds()}")

    def req():
        return f"req-{g.uuid4()}"

    def compute():
        inst = g.pick(instances)
        return g.pick([
            f"{cpu_file} {ts()} 2931 INFO nova.compute.manager [{req()} - - - - -] [instance: {inst}] VM {g.pick(['Started', 'Paused', 'Resumed', 'Stopped'])} (Lifecycle Event)",
            f"{cpu_file} {ts()} 2931 INFO nova.virt.libvirt.imagecache [{req()} - - - - -] image {image} at (/var/lib/nova/instances/_base/{base}): checking",
            f"{cpu_file} {ts()} 2931 INFO nova.virt.libvirt.imagecache [{req()} - - - - -] Active base files: /var/lib/nova/instances/_base/{base}",
            f"{cpu_file} {ts()} 2931 INFO nova.compute.resource_tracker [{req()} - - - - -] Final resource view: name=cp-1.slowvm1.tcloud-pg0.utah.cloudlab.us phys_ram=64172MB used_ram={g.pick([512, 2560, 4608])}MB phys_disk=15GB used_disk={g.pick([0, 20, 40])}GB total_vcpus=16 used_vcpus={g.r.randint(0, 4)} pci_stats=[]",
            f"{cpu_file} {ts()} 2931 INFO nova.compute.claims [{req()} {user} {tenant} - - -] [instance: {inst}] Attempting claim: memory 2048 MB, disk 20 GB, vcpus 1 CPU",
            f"{cpu_file} {ts()} 2931 INFO nova.compute.claims [{req()} {user} {tenant} - - -] [instance: {inst}] Claim successful",
            f"{cpu_file} {ts()} 2931 INFO nova.virt.libvirt.driver [-] [instance: {inst}] Instance spawned successfully.",
            f"{cpu_file} {ts()} 2931 INFO nova.compute.manager [{req()} {user} {tenant} - - -] [instance: {inst}] Took {g.r.uniform(15, 25):.2f} seconds to spawn the instance on the hypervisor.",
            f"{cpu_file} {ts()} 2931 INFO nova.compute.manager [{req()} {user} {tenant} - - -] [instance: {inst}] Terminating instance",
            f"{cpu_file} {ts()} 2931 INFO nova.virt.libvirt.driver [{req()} {user} {tenant} - - -] [instance: {inst}] Deleting instance files /var/lib/nova/instances/{inst}_del",
            f"{cpu_file} {ts()} 2931 WARNING nova.compute.manager [{req()} - - - - -] While synchronizing instance power states, found 0 instances in the database and 1 instances on the hypervisor.",
        ])

    def metadata():
        return (f"nova-api.log.1.2017-05-16_13:53:08 {ts()} 25791 INFO nova.metadata.wsgi.server [-] 10.11.21.{g.r.randint(130, 150)},10.11.10.1 "
                f"\"GET /openstack/2013-10-17/{g.pick(['meta_data.json', 'vendor_data.json', 'user_data'])} HTTP/1.1\" status: {g.pick([200, 200, 404])} len: {g.r.randint(150, 1000)} time: {g.seconds()}")

    return [g.weighted([(60, api), (30, compute), (10, metadata)]) for _ in range(LINES)]


# --------------------------------------------------------------------------- Hadoop MapReduce


def hadoop(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2015, 10, 18, 18, 1, 47), 3_000)
    app_ts, app_id = 1445144423722, 20
    job = f"job_{app_ts}_{app_id:04d}"
    mra = "org.apache.hadoop.mapreduce.v2.app.MRAppMaster"

    def ts():
        t = clock.tick()
        return f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d}"

    out: list[str] = []

    def log(level, thread, cls, msg):
        out.append(f"{ts()} {level} [{thread}] {cls}: {msg}")

    # Start-up sequence, as an ApplicationMaster writes it.
    log("INFO", "main", mra, f"Created MRAppMaster for application appattempt_{app_ts}_{app_id:04d}_000001")
    log("INFO", "main", mra, "Executing with tokens:")
    log("INFO", "main", mra, f"Kind: YARN_AM_RM_TOKEN, Service: , Ident: (appAttemptId {{ application_id {{ id: {app_id} cluster_timestamp: {app_ts} }} attemptId: 1 }} keyId: -127633188)")
    log("INFO", "main", mra, f"Kind: mapreduce.job, Service: {job}, Ident: (org.apache.hadoop.mapreduce.security.token.JobTokenIdentifier@666adef3)")
    log("INFO", "main", mra, "Using mapred newApiCommitter.")
    log("INFO", "main", mra, "OutputCommitter set in config null")
    log("INFO", "main", "org.apache.hadoop.yarn.event.AsyncDispatcher", "Registering class org.apache.hadoop.mapreduce.jobhistory.EventType for class org.apache.hadoop.mapreduce.jobhistory.JobHistoryEventHandler")
    log("INFO", "main", "org.apache.hadoop.metrics2.impl.MetricsSystemImpl", "MRAppMaster metrics system started")
    log("INFO", "main", "org.apache.hadoop.mapreduce.v2.app.job.impl.JobImpl", f"Adding job token for {job} to jobTokenSecretManager")
    log("WARN", "main", "org.apache.hadoop.mapreduce.v2.app.job.impl.JobImpl", "Shuffle secret key missing from job credentials. Using job token secret as shuffle secret.")
    log("INFO", "main", "org.apache.hadoop.mapreduce.v2.app.job.impl.JobImpl", f"Input size for job {job} = 1256521728. Number of splits = 10")
    log("INFO", "main", mra, f"The specific max attempts: 2 for application: {app_id}. Attempt num: 1 is last retry: false")

    hosts = ["MININT-FNANLI5.fareast.corp.microsoft.com", "MININT-75DGDAM1.fareast.corp.microsoft.com", "04DN8IQ.fareast.corp.microsoft.com"]
    while len(out) < LINES:
        task = g.r.randint(0, 12)
        kind = g.pick("mmmmr")
        attempt = f"attempt_{app_ts}_{app_id:04d}_{kind}_{task:06d}_0"
        container = f"container_{app_ts}_{app_id:04d}_01_{task + 2:06d}"
        x = g.r.random()
        if x < 0.25:
            log("INFO", f"IPC Server handler {g.r.randint(0, 29)} on 62270", "org.apache.hadoop.mapred.TaskAttemptListenerImpl", f"Progress of TaskAttempt {attempt} is : {g.r.random():.8f}")
        elif x < 0.4:
            log("INFO", "AsyncDispatcher event handler", "org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl",
                f"{attempt} TaskAttempt Transitioned from {g.pick(['NEW to UNASSIGNED', 'UNASSIGNED to ASSIGNED', 'ASSIGNED to RUNNING', 'RUNNING to SUCCESS_CONTAINER_CLEANUP'])}")
        elif x < 0.5:
            log("INFO", "RMCommunicator Allocator", "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator", f"Assigned container {container} to {attempt}")
        elif x < 0.6:
            log("INFO", f"ContainerLauncher #{g.r.randint(0, 9)}", "org.apache.hadoop.mapreduce.v2.app.launcher.ContainerLauncherImpl", f"Processing the event EventType: CONTAINER_REMOTE_LAUNCH for container {container} taskAttempt {attempt}")
        elif x < 0.68:
            log("INFO", f"ContainerLauncher #{g.r.randint(0, 9)}", "org.apache.hadoop.yarn.client.api.impl.ContainerManagementProtocolProxy", f"Opening proxy : {g.pick(hosts)}:{g.r.randint(50000, 65000)}")
        elif x < 0.76:
            log("INFO", "RMCommunicator Allocator", "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator",
                f"After Scheduling: PendingReds:1 ScheduledMaps:{g.r.randint(0, 10)} ScheduledReds:0 AssignedMaps:{g.r.randint(0, 10)} AssignedReds:0 CompletedMaps:{g.r.randint(0, 10)} CompletedReds:0 ContAlloc:{g.r.randint(0, 12)} ContRel:0 HostLocal:{g.r.randint(0, 10)} RackLocal:0")
        elif x < 0.84:
            log("WARN", "RMCommunicator Allocator", "org.apache.hadoop.ipc.Client", "Address change detected. Old: msra-sa-41/10.190.173.170:8030 New: msra-sa-41:8030")
        elif x < 0.9:
            log("ERROR", "RMCommunicator Allocator", "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator", "ERROR IN CONTACTING RM. ")
        elif x < 0.95:
            log("INFO", "AsyncDispatcher event handler", "org.apache.hadoop.mapreduce.v2.app.job.impl.TaskImpl", f"task_{app_ts}_{app_id:04d}_{kind}_{task:06d} Task Transitioned from RUNNING to SUCCEEDED")
        else:
            log("INFO", "AsyncDispatcher event handler", "org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl", f"Diagnostics report from {attempt}: Container killed by the ApplicationMaster.")
    return out[:LINES]


# --------------------------------------------------------------------------- Android logcat


def android(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2017, 3, 17, 16, 13, 38, 811000), 400)
    apps = ["com.tencent.qt.qtl", "com.android.systemui", "com.tencent.mm", "com.android.settings", "com.huawei.android.launcher"]
    activities = ["activity.info.NewsDetailXmlActivity", "activity.MainActivity", "ui.LauncherUI", "Settings$WifiSettingsActivity"]

    def ts():
        t = clock.tick()
        return f"{t:%m-%d %H:%M:%S}.{t.microsecond // 1000:03d}"

    def row(pid, tid, lvl, tag, msg):
        return f"{ts()} {pid:>5} {tid:>5} {lvl} {tag}: {msg}"

    def h():
        return g.hex(7)

    def app_token():
        app = g.pick(apps)
        return f"AppWindowToken{{{h()} token=Token{{{h()} ActivityRecord{{{h()} u0 {app}/.{g.pick(activities)} t{g.r.randint(700, 800)}}}}}}}"

    events = [
        (10, lambda: row(1702, g.r.randint(2000, 9000), "D", "PowerManagerService",
                         f"acquire lock={g.r.randint(10**8, 3 * 10**8)}, flags=0x1, tag=\"View Lock\", name={g.pick(apps)}, ws=null, uid={g.r.randint(10000, 10200)}, pid={g.r.randint(2000, 30000)}")),
        (10, lambda: row(1702, g.r.randint(2000, 9000), "D", "PowerManagerService",
                         f"release:lock={g.r.randint(10**8, 3 * 10**8)}, flg=0x0, tag=\"{g.pick(['*launch*', 'WindowManager', 'RILJ_ACK_WL', 'AudioMix'])}\", name=android\", ws=WorkSource{{{g.r.randint(10000, 10200)}}}, uid=1000, pid=1702")),
        (6, lambda: row(1702, g.r.randint(2000, 9000), "D", "PowerManagerService",
                        f"ready=true,policy=3,wakefulness=1,wksummary=0x23,uasummary=0x1,bootcompleted=true,boostinprogress=false,waitmodeenable=false,mode=false,manual={g.r.randint(10, 80)},auto=-1,adj=0.0userId=0")),
        (5, lambda: row(1702, 2395, "D", "WindowManager",
                        f"printFreezingDisplayLogsopening app wtoken = {app_token()}, allDrawn= false, startingDisplayed =  false, startingMoved =  false, isRelaunching =  false")),
        (4, lambda: row(1702, 2113, "V", "WindowManager", f"Skipping {app_token()} -- going to hide")),
        (5, lambda: row(2227, 2227, "D", "TextView", g.pick(["visible is system.time.showampm", "mVisiblity.showampm = false", "visible is system.charge.show"]))),
        (4, lambda: row(1702, 1820, "D", "DisplayPowerController", f"Animating brightness: target={g.r.randint(10, 120)}, rate=40")),
        (3, lambda: row(1702, 1820, "I", "PowerManager_screenOn", f"DisplayPowerStatesetColorFadeLevel: level={g.pick(['1.0', '0.0'])}")),
        (3, lambda: row(1702, g.r.randint(2000, 9000), "I", "ActivityManager",
                        f"Start proc {g.r.randint(2000, 30000)}:{(a := g.pick(apps))}/u0a{g.r.randint(10, 200)} for {g.pick(['activity', 'service', 'broadcast'])} {a}/.{g.pick(activities)}")),
        (2, lambda: row(1702, g.r.randint(2000, 9000), "I", "ActivityManager", f"Process {g.pick(apps)} (pid {g.r.randint(2000, 30000)}) has died")),
        (2, lambda: row(1702, g.r.randint(2000, 9000), "W", "ActivityManager", "Unable to start service Intent { act=com.huawei.android.push.intent.REGISTER pkg=com.huawei.android.pushagent } U=0: not found")),
        (3, lambda: row(1702, g.r.randint(2000, 9000), "I", "chatty", f"uid=1000(system) Binder:1702_{g.r.randint(1, 15):X} expire {g.r.randint(1, 40)} lines")),
        (3, lambda: row(2227, 2227, "D", "KeyguardUpdateMonitor", f"handleBatteryUpdate: level={g.r.randint(5, 100)}, status=2, health=2")),
        (2, lambda: row(1702, 1868, "D", "WifiStateMachine", f"processMsg: ConnectedState, what=131{g.r.randint(100, 999)}, rssi=-{g.r.randint(40, 85)}")),
    ]
    return [g.weighted(events) for _ in range(LINES)]


# --------------------------------------------------------------------------- nginx access (no cookies)


UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]


def nginx_access(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2026, 11, 2, 6, 25, 1), 4_000)
    ips = [g.ip(g.pick(["203.0.113.", "198.51.100.", "192.0.2."])) for _ in range(30)]
    requests = [
        (20, lambda: (f"/products?page={g.r.randint(1, 40)}&sort={g.pick(['asc', 'desc'])}", 200, g.r.randint(9000, 30000))),
        (6, lambda: (f"/products?page={g.r.randint(1, 9)}&sort=asc&utm_source=newsletter&utm_medium=email&utm_campaign=fall-{g.r.randint(2024, 2026)}", 200, g.r.randint(9000, 30000))),
        (6, lambda: (f"/?sid={g.r.randint(1, 4)}&lang={g.pick(['en', 'de', 'fr', 'es'])}", 200, g.r.randint(9000, 12000))),
        (10, lambda: (f"/static/{g.pick(['js/main', 'js/vendor', 'css/app'])}.{g.hex(8)}.{g.pick(['js', 'css'])}", g.pick([200, 200, 304]), g.r.randint(0, 250000))),
        (8, lambda: ("/healthz", 200, 2)),
        (4, lambda: ("/login?session=expired", 200, 5321)),
        (3, lambda: ("/login?session=expired&next=%2Faccount%2Forders", 200, 5321)),
        (3, lambda: ("/password/reset?token=", 400, 157)),
        (2, lambda: ("/unsubscribe?token=&email=", 400, 157)),
        (6, lambda: (f"/search?q={g.pick(['usb-c+cable', 'desk+lamp', 'hdmi', 'standing+desk'])}&page={g.r.randint(1, 5)}", 200, g.r.randint(8000, 20000))),
        (5, lambda: (f"/products/{g.r.randint(1000, 9999)}", 200, g.r.randint(9000, 20000))),
        (4, lambda: (f"/images/{g.pick(['hero', 'promo', 'banner'])}-{g.pick([800, 1600])}.webp", 200, g.r.randint(20000, 150000))),
        (3, lambda: ("/robots.txt", 200, 67)),
        (3, lambda: ("/sitemap.xml", 200, 48211)),
        (2, lambda: (g.pick(["/wp-login.php", "/.env", "/.git/config", "/xmlrpc.php", "/phpmyadmin/"]), 404, 153)),
        (2, lambda: ("/api/session", 401, 39)),
    ]
    out = []
    for _ in range(LINES):
        path, status, size = g.weighted(requests)
        method = "GET"
        if path == "/healthz":
            ip, ua, ref = "10.42.0.1", "kube-probe/1.31", "-"
        else:
            ip, ua = g.pick(ips), g.pick(UAS)
            ref = g.pick(["-", "-", "https://shop.example.com/", "https://shop.example.com/products?page=1&sort=asc", "https://www.google.com/"])
        t = clock.tick()
        out.append(f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "{method} {path} HTTP/{g.pick(["1.1", "1.1", "2.0"])}" {status} {size} "{ref}" "{ua}"')
    return out


# --------------------------------------------------------------------------- JSON application log


PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def app_json(g: Gen) -> list[str]:
    clock = Clock(g, dt.datetime(2026, 11, 2, 10, 15, 1, 123000), 1_500)
    # AWS ALB stickiness cookie: opaque, base64, not a session credential for the app.
    awsalb = [g.s(B64, 100) for _ in range(5)]

    def base():
        t = clock.tick()
        return {
            "ts": f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z",
            "level": "info",
            "service": g.pick(["orders-api", "catalog-api", "media-worker"]),
            "traceId": g.hex(32),
            "spanId": g.hex(16),
        }

    def request():
        d = base()
        status = g.pick([200, 200, 200, 201, 204, 304, 400, 404])
        headers = {
            "host": "api.shop.example.com",
            "user-agent": g.pick(["okhttp/4.12.0", "axios/1.7.7", UAS[0]]),
            "x-request-id": g.uuid4(),
            "authorization": "[REDACTED]",
        }
        if g.r.random() < 0.4:
            headers["cookie"] = (f"_ga=GA1.2.{g.r.randint(10**9, 2 * 10**9)}.{g.r.randint(1700000000, 1762000000)}; "
                                 f"_gid=GA1.2.{g.r.randint(10**8, 10**9)}.{g.r.randint(1700000000, 1762000000)}; AWSALB={g.pick(awsalb)}")
        if status == 304:
            headers["if-none-match"] = '"33a64df551425fcc55e4d42a148795d9f25f89d4"'
        d.update(msg="request completed", requestId=headers["x-request-id"],
                 req={"method": "GET" if status == 304 else g.pick(["GET", "GET", "POST"]), "url": g.pick(["/api/orders", "/api/products?page=2", "/api/cart", "/api/profile"]), "headers": headers},
                 res={"statusCode": status},
                 durationMs=round(g.r.uniform(1, 300), 2))
        if status in (200, 304):
            d["res"]["etag"] = '"33a64df551425fcc55e4d42a148795d9f25f89d4"'
        return d

    def upload():
        d = base()
        data = g.s(ALNUM, 64).encode()
        d.update(msg="file stored", requestId=g.uuid4(), file={
            "name": f"invoice-{g.r.randint(10000, 99999)}.pdf",
            "size": g.r.randint(10_000, 900_000),
            "sha256": hashlib.sha256(data).hexdigest(),
            "bucket": "shop-invoices-example",
            "key": f"2026/11/02/{g.uuid4()}.pdf",
        })
        return d

    def avatar():
        d = base()
        d.update(msg="avatar placeholder rendered", userId=f"u_{g.r.randint(10000, 99999)}", image=f"data:image/png;base64,{PNG_1PX}")
        return d

    def login():
        d = base()
        ok = g.r.random() < 0.7
        d.update(level="info" if ok else "warn", msg="login succeeded" if ok else "login failed",
                 requestId=g.uuid4(), user=f"user{g.r.randint(100, 999)}@example.com",
                 body={"email": f"user{g.r.randint(100, 999)}@example.com", "password": "[FILTERED]", "remember": g.pick([True, False])})
        return d

    def missing_token():
        d = base()
        d.update(level="warn", msg="Bearer token missing", requestId=g.uuid4(),
                 hint="send the header as \"Authorization: Bearer <token>\"", status=401)
        return d

    def config():
        d = base()
        d.update(level="debug", msg="session store configured",
                 config={"store": "redis", "cookieName": "sid", "sessionid": "${SESSION_ID}", "ttlSeconds": 3600,
                         "authorization": "Authorization: Bearer <token>", "secure": True, "httpOnly": True})
        return d

    def cache():
        d = base()
        d.update(level="debug", msg="cache hit", key=f"product:{g.r.randint(1000, 9999)}",
                 etag='"33a64df551425fcc55e4d42a148795d9f25f89d4"', ageSeconds=g.r.randint(0, 600))
        return d

    def error():
        d = base()
        d.update(level="error", msg="upstream request failed", requestId=g.uuid4(),
                 err={"type": "FetchError", "message": f"request to https://payments.example.com/v1/charges failed, reason: connect ECONNREFUSED 198.51.100.{g.r.randint(1, 254)}:443"})
        return d

    events = [(55, request), (10, upload), (4, avatar), (10, login), (5, missing_token), (3, config), (8, cache), (5, error)]
    return [json.dumps(g.weighted(events), separators=(",", ":")) for _ in range(LINES)]


# ---------------------------------------------------------------------------

FILES = {
    "apache_error.log": apache_error,
    "hdfs.log": hdfs,
    "openssh.log": openssh,
    "linux_syslog.log": linux_syslog,
    "zookeeper.log": zookeeper,
    "openstack.log": openstack,
    "hadoop.log": hadoop,
    "android.log": android,
    "nginx_access_clean.log": nginx_access,
    "app_clean.json.log": app_json,
}


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "tests" / "data" / "clean"
    out_dir.mkdir(parents=True, exist_ok=True)
    g = Gen(42)  # one stream for all files, in FILES order: adding a file at the end keeps the others
    for name, fn in FILES.items():
        lines = fn(g)
        (out_dir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{out_dir / name}: {len(lines)} lines")


if __name__ == "__main__":
    main()
