#!/usr/bin/env python3
"""Bulwark load generator: many concurrent CSTP (TLS) tunnels from one process
(or several, split by shards.py, when one may not open enough descriptors).

openconnect needs a process and a tun device per tunnel, which is far too
heavy for thousands of sessions. This speaks just enough of the AnyConnect
protocol (docs: /work/shared/protocol/anyconnect.md sections 2-4) to bring a
tunnel up and keep it alive:

  TLS connect (no certificate verification)
  POST /  auth-reply XML with <username>/<password>   -> Set-Cookie: webvpn=...
  CONNECT /CSCOSSLC/tunnel  (same TLS connection by default, like openconnect;
                             --separate-connect uses a new one)
  expect "HTTP/1.1 200", then hold the tunnel: a CSTP KEEPALIVE frame every
  --keepalive seconds, every server DPD-REQ (type 3) answered with DPD-RESP
  (type 4), the tunnel counted as dropped if the server closes it.

With --dtls each tunnel also opens a DTLS channel and keeps it alive (a DTLS
keepalive beside each CSTP one, server DPD requests echoed), in legacy mode
(X-DTLS-Master-Secret; dtls_legacy.py says why not PSK-NEGOTIATE); without it
no X-DTLS-* headers are sent and the tunnels are TLS-only. No IP traffic is
sent through the tunnels: this measures per-session cost, not throughput.

Python 3 standard library only. Typical use (from the client namespace):

  loadgen.py --host 10.201.0.1 --user alice --password pw --sessions 1000 \\
             --ramp 50 --hold 30

Progress goes to stderr; the last line on stdout is one JSON object:
  {"sessions_wanted", "sessions_up", "failures": {reason: count},
   "login_ms": {"p50", "p95", ...}, "connect_rate", ...}

Coordination with a measuring script (bench/load.sh):
  --ready-file PATH    written (JSON) once every session has been tried, i.e.
                       ramp-up is over and the surviving tunnels are held
  --release-file PATH  the hold ends early as soon as PATH exists
  --stop-ramp-file PATH  no new sessions are started once PATH exists
"""
import argparse
import asyncio
import json
import os
import random
import resource
import socket
import ssl
import struct
import sys
import time

import shards
from dtls_legacy import SUITE_NAME, DtlsError, LegacyDtls

# asyncio's TLS transport keeps a zero-filled read buffer of max_size bytes
# (256 KiB) per connection; at 10,000 tunnels that alone is 2.5 GB of the
# client's memory on the box being measured. A TLS record is at most 16 KiB.
try:
    import asyncio.sslproto as _sslproto
    _sslproto.SSLProtocol.max_size = 32 * 1024
except (ImportError, AttributeError):
    pass

KEEPALIVE_FRAME = b"STF\x01\x00\x00\x07\x00"
_BYE = b"\xb0" + b"loadgen finished"
DISCONNECT_FRAME = b"STF\x01" + struct.pack(">H", len(_BYE)) + b"\x05\x00" + _BYE
T_DATA, T_DPD_REQ, T_DPD_RESP, T_DISCONNECT, T_KEEPALIVE, T_TERMINATE = 0, 3, 4, 5, 7, 9


def xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def percentile(values, p):
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return round(v[lo] + (v[hi] - v[lo]) * (k - lo), 1)


class Failure(Exception):
    def __init__(self, reason, detail=""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class Stats:
    def __init__(self, wanted):
        self.wanted = wanted
        self.started = 0
        self.up = 0            # currently up
        self.ever_up = 0
        self.dropped = 0       # up, then closed by the server during the hold
        self.failures = {}
        self.failure_examples = {}
        self.login_ms = []     # TLS connect + POST + cookie
        self.connect_ms = []   # CONNECT -> 200
        self.total_ms = []     # TLS connect .. 200
        self.dpd_answered = 0
        self.keepalives_sent = 0
        self.frames_rx = {}
        self.first_start = None
        self.last_up = None
        self.dtls_up = 0
        self.dtls_failures = {}
        self.dtls_ms = []
        self.dtls_keepalives_sent = 0

    def fail(self, reason, detail=""):
        self.failures[reason] = self.failures.get(reason, 0) + 1
        if detail and reason not in self.failure_examples:
            self.failure_examples[reason] = detail[:300]


class Session:
    def __init__(self, idx, args, ctx, stats, user, password, src, closing):
        self.idx = idx
        self.args = args
        self.ctx = ctx
        self.stats = stats
        self.user = user
        self.password = password
        self.src = src
        self.closing = closing
        self.reader = None
        self.writer = None
        self.cookie = None
        self.dtls_secret = os.urandom(48)
        self.dtls_offer = None  # (session id bytes, port) from the CONNECT reply
        self.dtls = None

    async def open_tls(self):
        kw = {}
        if self.src:
            kw["local_addr"] = (self.src, 0)
        try:
            return await asyncio.wait_for(
                asyncio.open_connection(self.args.host, self.args.port, ssl=self.ctx,
                                        server_hostname=None, limit=1 << 16, **kw),
                self.args.timeout)
        except asyncio.TimeoutError:
            raise Failure("tls_connect_timeout")
        except ssl.SSLError as e:
            raise Failure("tls_error", str(e))
        except ConnectionRefusedError as e:
            raise Failure("tcp_refused", str(e))
        except ConnectionResetError as e:
            raise Failure("tls_reset", str(e))
        except OSError as e:
            raise Failure("connect_oserror_" + (os.strerror(e.errno).replace(" ", "_").lower()
                                                if e.errno else "unknown"), str(e))

    async def read_head(self, reader, what):
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.args.timeout)
        except asyncio.TimeoutError:
            raise Failure(what + "_timeout")
        except asyncio.IncompleteReadError:
            raise Failure(what + "_closed")
        except (ConnectionError, ssl.SSLError, OSError) as e:
            raise Failure(what + "_reset", str(e))
        except asyncio.LimitOverrunError:
            raise Failure(what + "_header_too_long")
        lines = head.decode("latin-1").split("\r\n")
        status_line = lines[0]
        parts = status_line.split(" ", 2)
        try:
            status = int(parts[1])
        except (IndexError, ValueError):
            raise Failure(what + "_bad_status_line", status_line)
        headers = []
        for line in lines[1:]:
            if ":" in line:
                k, _, v = line.partition(":")
                headers.append((k.strip(), v.strip()))
        return status_line, status, headers

    async def login(self):
        reader, writer = await self.open_tls()
        self.reader, self.writer = reader, writer
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<config-auth client="vpn" type="auth-reply" aggregate-auth-version="2">'
                '<version who="vpn">v9.01-3</version><device-id>linux-64</device-id>'
                '<auth><username>%s</username><password>%s</password></auth></config-auth>'
                % (xml_escape(self.user), xml_escape(self.password))).encode()
        req = ("POST / HTTP/1.1\r\nHost: %s\r\n"
               "User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
               "Accept: */*\r\nAccept-Encoding: identity\r\n"
               "X-Transcend-Version: 1\r\nX-Aggregate-Auth: 1\r\n"
               "Content-Type: application/xml; charset=utf-8\r\n"
               "Content-Length: %d\r\n\r\n" % (self.args.host, len(body))).encode() + body
        try:
            writer.write(req)
            await writer.drain()
        except (ConnectionError, ssl.SSLError, OSError) as e:
            raise Failure("login_send_reset", str(e))
        status_line, status, headers = await self.read_head(reader, "login")
        length = 0
        for k, v in headers:
            if k.lower() == "content-length":
                length = int(v)
        try:
            payload = await asyncio.wait_for(reader.readexactly(length), self.args.timeout)
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError,
                ssl.SSLError, OSError) as e:
            raise Failure("login_body_incomplete", str(e))
        if status != 200:
            raise Failure("login_http_%d" % status, status_line)
        cookie = None
        for k, v in headers:
            if k.lower() == "set-cookie" and v.startswith("webvpn="):
                cookie = v[len("webvpn="):].split(";", 1)[0]
        if not cookie and b"<session-token>" in payload:
            cookie = payload.split(b"<session-token>")[1].split(b"<")[0].decode()
        if not cookie:
            if b'<auth id="totp"' in payload:
                raise Failure("login_needs_totp")
            if b"<error" in payload:
                msg = payload.split(b"<error")[1].split(b">", 1)[1].split(b"<")[0].decode()
                raise Failure("login_rejected", msg)
            raise Failure("login_no_cookie", payload[:200].decode("latin-1"))
        self.cookie = cookie

    async def connect_tunnel(self):
        if self.args.separate_connect:
            try:
                self.writer.close()
            except Exception:
                pass
            self.reader, self.writer = await self.open_tls()
        req = ("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: %s\r\n"
               "User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
               "Cookie: webvpn=%s\r\n"
               "X-CSTP-Version: 1\r\n"
               "X-CSTP-Hostname: loadgen-%d\r\n"
               "X-CSTP-Base-MTU: 1500\r\n"
               "X-CSTP-MTU: 1400\r\n"
               "X-CSTP-Address-Type: IPv4\r\n"
               "%s"
               "\r\n" % (self.args.host, self.cookie, self.idx, self.dtls_headers())).encode()
        try:
            self.writer.write(req)
            await self.writer.drain()
        except (ConnectionError, ssl.SSLError, OSError) as e:
            raise Failure("connect_send_reset", str(e))
        status_line, status, headers = await self.read_head(self.reader, "connect")
        if not status_line.startswith("HTTP/1.1 200 "):
            reason = ""
            for k, v in headers:
                if k.lower() == "x-reason":
                    reason = v
            raise Failure("connect_http_%d" % status, (status_line + " " + reason).strip())
        addr = None
        for k, v in headers:
            if k == "X-CSTP-Address":
                addr = v
        if not addr:
            raise Failure("connect_no_address")
        self.address = addr
        h = dict(headers)
        sid, port = h.get("X-DTLS-Session-ID"), h.get("X-DTLS-Port")
        if sid and port and h.get("X-DTLS-CipherSuite") == SUITE_NAME:
            self.dtls_offer = (bytes.fromhex(sid), int(port))

    def dtls_headers(self):
        if not self.args.dtls:
            return ""
        return ("X-DTLS-Master-Secret: %s\r\nX-DTLS-CipherSuite: %s\r\n"
                % (self.dtls_secret.hex().upper(), SUITE_NAME))

    async def open_dtls(self):
        """DTLS beside the tunnel; a failure is counted, the tunnel stays."""
        st = self.stats
        if not self.dtls_offer:
            st.dtls_failures["dtls_not_offered"] = st.dtls_failures.get("dtls_not_offered", 0) + 1
            return
        t0 = time.monotonic()
        try:
            self.dtls = LegacyDtls(asyncio.get_running_loop(), (self.args.host, self.dtls_offer[1]),
                                   self.dtls_offer[0], self.dtls_secret, self.src)
            await self.dtls.handshake(12)  # openconnect's handshake timeout
        except (DtlsError, OSError) as e:
            reason = e.reason if isinstance(e, DtlsError) else "dtls_socket_error"
            st.dtls_failures[reason] = st.dtls_failures.get(reason, 0) + 1
            if self.dtls:
                self.dtls.close()
            self.dtls = None
            return
        st.dtls_ms.append((time.monotonic() - t0) * 1000)
        st.dtls_up += 1

    async def send(self, frame):
        self.writer.write(frame)
        await self.writer.drain()

    async def keepalive_loop(self):
        k = self.args.keepalive
        await asyncio.sleep(random.uniform(0, k))
        while True:
            await self.send(KEEPALIVE_FRAME)
            self.stats.keepalives_sent += 1
            if self.dtls and self.dtls.send(bytes([T_KEEPALIVE])):
                self.stats.dtls_keepalives_sent += 1
            await asyncio.sleep(k)

    async def rx_loop(self):
        """Returns a drop reason when the server ends the tunnel."""
        r = self.reader
        while True:
            try:
                hdr = await r.readexactly(8)
            except asyncio.IncompleteReadError:
                return "server_closed"
            except (ConnectionError, ssl.SSLError, OSError):
                return "server_reset"
            if hdr[:4] != b"STF\x01":
                return "bad_frame"
            (length,) = struct.unpack(">H", hdr[4:6])
            typ = hdr[6]
            try:
                payload = await r.readexactly(length) if length else b""
            except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, OSError):
                return "server_closed"
            self.stats.frames_rx[typ] = self.stats.frames_rx.get(typ, 0) + 1
            if typ == T_DPD_REQ:
                # Like openconnect: an empty DPD-RESP.
                await self.send(b"STF\x01\x00\x00\x04\x00")
                self.stats.dpd_answered += 1
            elif typ == T_DISCONNECT:
                return "server_disconnect"
            elif typ == T_TERMINATE:
                return "server_terminate"

    async def run(self, login_sem):
        st = self.stats
        t0 = time.monotonic()
        try:
            async with login_sem:
                if self.args.stop_ramp_file and os.path.exists(self.args.stop_ramp_file):
                    st.fail("not_started_stop_ramp")
                    return
                t0 = time.monotonic()
                await self.login()
                t1 = time.monotonic()
                await self.connect_tunnel()
                t2 = time.monotonic()
                if self.args.dtls:
                    await self.open_dtls()
        except Failure as f:
            st.fail(f.reason, f.detail)
            self.close()
            return
        except Exception as e:  # noqa: keep the generator running
            st.fail("unexpected_" + type(e).__name__, str(e))
            self.close()
            return
        st.login_ms.append((t1 - t0) * 1000)
        st.connect_ms.append((t2 - t1) * 1000)
        st.total_ms.append((t2 - t0) * 1000)
        st.up += 1
        st.ever_up += 1
        st.last_up = time.monotonic()
        ka = asyncio.ensure_future(self.keepalive_loop())
        rx = asyncio.ensure_future(self.rx_loop())
        closing = asyncio.ensure_future(self.closing.wait())
        done, _ = await asyncio.wait({ka, rx, closing}, return_when=asyncio.FIRST_COMPLETED)
        for t in (ka, rx, closing):
            if t not in done:
                t.cancel()
        st.up -= 1
        if closing in done:
            try:
                self.writer.write(DISCONNECT_FRAME)
                await asyncio.wait_for(self.writer.drain(), 2)
            except Exception:
                pass
        else:
            st.dropped += 1
            if rx in done and not rx.cancelled() and rx.exception() is None:
                st.fail("dropped_" + rx.result())
            else:
                st.fail("dropped_send_error")
        self.close()

    def close(self):
        if self.dtls is not None:
            self.stats.dpd_answered += self.dtls.dpd_answered
            self.dtls.close()
            self.dtls = None
        if self.writer is not None:
            try:
                self.writer.close()
            except Exception:
                pass


def load_users(args):
    if args.users_prefix:
        n = args.users_count or args.sessions
        return [(f"{args.users_prefix}{i}",
                 args.password if args.password is not None else f"{args.users_prefix}{i}")
                for i in range(n)]
    if args.users_file:
        users = []
        with open(args.users_file) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                u, _, p = line.partition(":")
                users.append((u, p))
        if not users:
            sys.exit("no users in " + args.users_file)
        return users
    if args.user is None or args.password is None:
        sys.exit("give --user and --password, or --users-file")
    return [(args.user, args.password)]


async def main_async(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    users = load_users(args)
    srcs = [s for s in (args.source_ips or "").split(",") if s]
    stats = Stats(args.sessions)
    login_sem = asyncio.Semaphore(args.concurrency_limit)
    closing = asyncio.Event()
    tasks = []

    def progress(final=False):
        el = time.monotonic() - stats.first_start if stats.first_start else 0
        fails = sum(v for k, v in stats.failures.items() if not k.startswith("dropped_"))
        print("[%s] t=%6.1fs started=%d up=%d failed=%d dropped=%d dtls=%d%s" %
              (args.label, el, stats.started, stats.up, fails, stats.dropped, stats.dtls_up,
               " (ramp done)" if final else ""), file=sys.stderr, flush=True)

    async def reporter():
        while True:
            await asyncio.sleep(args.progress)
            progress()

    rep = asyncio.ensure_future(reporter())
    stats.first_start = time.monotonic()
    interval = 1.0 / args.ramp if args.ramp > 0 else 0
    for i in range(args.sessions):
        if args.stop_ramp_file and i % 16 == 0 and os.path.exists(args.stop_ramp_file):
            print("[loadgen] stop-ramp file present: no more new sessions", file=sys.stderr)
            stats.fail("not_started_stop_ramp")
            stats.failures["not_started_stop_ramp"] += args.sessions - i - 1
            stats.started += args.sessions - i
            break
        if interval:
            target = stats.first_start + i * interval
            delay = target - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        idx = args.first_index + i
        u, p = users[idx % len(users)]
        src = srcs[idx % len(srcs)] if srcs else None
        s = Session(idx, args, ctx, stats, u, p, src, closing)
        stats.started += 1
        tasks.append(asyncio.ensure_future(s.run(login_sem)))

    # Ramp-up is over once every session is either up or failed.
    while True:
        pending_login = stats.started - stats.ever_up - sum(
            v for k, v in stats.failures.items() if not k.startswith("dropped_"))
        if pending_login <= 0:
            break
        await asyncio.sleep(0.05)
    ramp_end = time.monotonic()
    ramp_secs = (stats.last_up or ramp_end) - stats.first_start
    progress(final=True)
    summary_ramp = {"sessions_up": stats.up, "ramp_seconds": round(ramp_secs, 2)}
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(summary_ramp, f)
        os.rename(tmp, args.ready_file)

    hold_end = time.monotonic() + args.hold
    while time.monotonic() < hold_end:
        if args.release_file and os.path.exists(args.release_file):
            break
        await asyncio.sleep(0.2)
    up_at_end = stats.up
    closing.set()
    await asyncio.wait(tasks, timeout=30)
    rep.cancel()
    progress()

    login_failures = {k: v for k, v in stats.failures.items() if not k.startswith("dropped_")}
    result = {
        "sessions_wanted": args.sessions,
        "sessions_up": stats.ever_up,
        "sessions_up_at_end_of_hold": up_at_end,
        "dropped_during_hold": stats.dropped,
        "failures": stats.failures,
        "failed_logins": sum(login_failures.values()),
        "failure_examples": stats.failure_examples,
        "login_ms": {"p50": percentile(stats.login_ms, 50), "p95": percentile(stats.login_ms, 95),
                     "max": percentile(stats.login_ms, 100)},
        "connect_ms": {"p50": percentile(stats.connect_ms, 50),
                       "p95": percentile(stats.connect_ms, 95)},
        "session_setup_ms": {"p50": percentile(stats.total_ms, 50),
                             "p95": percentile(stats.total_ms, 95)},
        "ramp_seconds": round(ramp_secs, 2),
        "connect_rate": round(stats.ever_up / ramp_secs, 2) if ramp_secs > 0 else None,
        "ramp_requested_per_s": args.ramp,
        "concurrency_limit": args.concurrency_limit,
        "keepalives_sent": stats.keepalives_sent,
        "dpd_answered": stats.dpd_answered,
        "frames_rx_by_type": {str(k): v for k, v in sorted(stats.frames_rx.items())},
        "hold_seconds": round(time.monotonic() - ramp_end, 1),
        "dtls": args.dtls,
        "dtls_up": stats.dtls_up,
        "dtls_failures": stats.dtls_failures,
        "dtls_handshake_ms": {"p50": percentile(stats.dtls_ms, 50),
                              "p95": percentile(stats.dtls_ms, 95)},
        "dtls_keepalives_sent": stats.dtls_keepalives_sent,
        "processes": 1,
    }
    if args.samples:  # for the parent that merges shards (shards.py)
        result["samples"] = {"login_ms": stats.login_ms, "connect_ms": stats.connect_ms,
                             "total_ms": stats.total_ms, "dtls_ms": stats.dtls_ms}
    print(json.dumps(result), flush=True)
    ok = stats.ever_up == args.sessions and (not args.dtls or stats.dtls_up == stats.ever_up)
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=443)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--users-file", help="lines of USER:PASSWORD, used round-robin")
    ap.add_argument("--users-file-prefix", dest="users_prefix",
                    help="PREFIX: users PREFIX0..PREFIX(N-1) with the --password given "
                         "(or the name as password if --password is omitted)")
    ap.add_argument("--users-count", type=int, default=0,
                    help="with --users-file-prefix: number of users (default: --sessions)")
    ap.add_argument("--sessions", "-n", type=int, default=100)
    ap.add_argument("--ramp", type=float, default=50.0,
                    help="new sessions started per second (0 = all at once)")
    ap.add_argument("--concurrency-limit", type=int, default=64,
                    help="logins (TLS+POST+CONNECT) in flight at once")
    ap.add_argument("--hold", type=float, default=30.0, help="seconds to hold after ramp-up")
    ap.add_argument("--keepalive", type=float, default=20.0,
                    help="seconds between CSTP keepalives per tunnel")
    ap.add_argument("--timeout", type=float, default=60.0, help="per-step timeout")
    ap.add_argument("--source-ips", help="comma list of local addresses, used round-robin")
    ap.add_argument("--dtls", action="store_true",
                    help="also open a DTLS channel per tunnel (legacy mode) and keep it alive")
    ap.add_argument("--separate-connect", action="store_true",
                    help="CONNECT on a new TLS connection instead of the login connection")
    ap.add_argument("--progress", type=float, default=5.0, help="progress line interval")
    ap.add_argument("--processes", type=int, default=0,
                    help="split the sessions over this many processes (default: as few as "
                         "RLIMIT_NOFILE's hard limit allows; shards.py)")
    ap.add_argument("--first-index", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--samples", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--label", default="loadgen", help=argparse.SUPPRESS)
    ap.add_argument("--ready-file")
    ap.add_argument("--release-file")
    ap.add_argument("--stop-ramp-file", help="no new sessions are started once PATH exists")
    args = ap.parse_args()
    if args.sessions < 1 or args.processes < 0:
        ap.error("--sessions must be at least 1 and --processes not negative")
    # Budget `per` descriptors a tunnel; give ourselves the hard limit, and
    # split over processes when one cannot hold them all.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    cap = hard
    if hard == resource.RLIM_INFINITY:  # "unlimited" is still capped by fs.nr_open
        with open("/proc/sys/fs/nr_open") as f:
            cap = int(f.read())
    if soft == resource.RLIM_INFINITY:
        soft = cap
    per = 3 if args.dtls else 2
    processes = min(args.processes or shards.needed(args.sessions, per, cap), args.sessions)
    if processes > 1:
        sys.exit(shards.run(args, processes, os.path.abspath(__file__), percentile))
    want = min(cap, max(soft, args.sessions * per + 256))
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if args.sessions * per + 64 > want:
        print("[loadgen] warning: RLIMIT_NOFILE %d is low for %d sessions" % (want, args.sessions),
              file=sys.stderr)
    try:
        sys.exit(asyncio.run(main_async(args)))
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
