#!/usr/bin/env python3
"""Raw HTTPS probes of the login flow that openconnect cannot make: each
subcommand checks one property and exits 1 with a message if it does not
hold. Connections start from the given source address.

  mfa_probe.py skip      HOST SRC USER PASS          password step, then CONNECT
  mfa_probe.py rebind    HOST SRC USER PASS CODE     code on another TLS connection
  mfa_probe.py identical HOST SRC KNOWN_USER         unknown user vs wrong password
  mfa_probe.py brute     HOST SRC USER N             N wrong passwords, one per connection
"""
import socket, ssl, sys, time

def die(msg):
    print("FAIL:", msg, flush=True)
    sys.exit(1)

class Conn:
    def __init__(self, host, src):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        raw = socket.create_connection((host, 443), timeout=10, source_address=(src, 0))
        self.tls = ctx.wrap_socket(raw)
        self.host = host
        self.buf = b""

    def send(self, method, path, headers=(), body=b""):
        h = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
        for line in headers:
            h += line + "\r\n"
        if body or method == "POST":
            h += f"Content-Length: {len(body)}\r\n"
        self.tls.sendall(h.encode() + b"\r\n" + body)

    def response(self):
        """(status, headers text, body bytes, raw bytes) or None if closed."""
        try:
            while b"\r\n\r\n" not in self.buf:
                chunk = self.tls.recv(65536)
                if not chunk:
                    return None
                self.buf += chunk
            head, rest = self.buf.split(b"\r\n\r\n", 1)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v.strip())
            while len(rest) < length:
                chunk = self.tls.recv(65536)
                if not chunk:
                    return None
                rest += chunk
            body, self.buf = rest[:length], rest[length:]
            status = int(head.split(b" ")[1])
            return status, head.decode(), body, head + b"\r\n\r\n" + body
        except (ConnectionError, ssl.SSLError, socket.timeout):
            return None

    def post_xml(self, inner):
        body = ('<?xml version="1.0" encoding="UTF-8"?><config-auth client="vpn" '
                'type="auth-reply" aggregate-auth-version="2"><auth>' + inner +
                '</auth></config-auth>').encode()
        self.send("POST", "/", body=body)
        return self.response()

    def login(self, user, pw):
        return self.post_xml(f"<username>{user}</username><password>{pw}</password>")

    def code(self, code):
        return self.post_xml(f"<secondary_password>{code}</secondary_password>")

def issued_cookie(r):
    return r is not None and ("webvpn=" in r[1] or b"session-token" in r[2])

def form_id(r):
    if r is None or b'<auth id="' not in r[2]:
        return None
    return r[2].split(b'<auth id="')[1].split(b'"')[0].decode()

def skip(host, src, user, pw):
    c = Conn(host, src)
    r = c.login(user, pw)
    if form_id(r) != "totp":
        die(f"password step did not lead to the totp form: {r and r[2][:200]}")
    if issued_cookie(r):
        die("the password step issued a cookie")
    # Everything the server issued so far is nothing: try CONNECT with no
    # cookie, with a made-up one, and with the other headers it sent.
    c.send("CONNECT", "/CSCOSSLC/tunnel")
    r = c.response()
    if r is not None and r[0] == 200:
        die("CONNECT after only the password step was accepted")
    print("connect-after-password", r[0] if r else "CLOSED", flush=True)
    c2 = Conn(host, src)
    c2.login(user, pw)
    c2.send("CONNECT", "/CSCOSSLC/tunnel", ["Cookie: webvpn=", "X-CSTP-Version: 1"])
    r = c2.response()
    if r is not None and r[0] == 200:
        die("CONNECT with an empty cookie after the password step was accepted")
    print("connect-empty-cookie", r[0] if r else "CLOSED", flush=True)
    # Other requests on a connection in the middle of the factor chain.
    c3 = Conn(host, src)
    c3.login(user, pw)
    c3.send("GET", "/")
    r = c3.response()
    if issued_cookie(r):
        die("GET / after the password step issued a cookie")
    print("get-after-password", form_id(r), flush=True)

def rebind(host, src, user, pw, code):
    a = Conn(host, src)
    r = a.login(user, pw)
    if form_id(r) != "totp":
        die("password step did not lead to the totp form")
    b = Conn(host, src)
    r = b.code(code)
    if issued_cookie(r):
        die("the one-time code on a new TLS connection issued a cookie")
    if form_id(r) != "main":
        die(f"the code on a new connection did not restart the login: {r and r[2][:200]}")
    print("code-on-new-connection", form_id(r), flush=True)
    r = a.code(code)
    if not issued_cookie(r) or r[0] != 200:
        die(f"the code on the connection that did the password step failed: {r and r[2][:300]}")
    print("code-on-same-connection success", flush=True)

def identical(host, src, user):
    def attempt(u, p):
        c = Conn(host, src)
        t0 = time.monotonic()
        r = c.login(u, p)
        return r, time.monotonic() - t0
    unknown, t_unknown = attempt("nosuchuser-" + str(int(time.time())), "whatever1")
    wrong, t_wrong = attempt(user, "not-the-password")
    if unknown is None or wrong is None:
        die("no response")
    if unknown[3] != wrong[3]:
        die(f"responses differ:\n{unknown[3]!r}\n{wrong[3]!r}")
    print(f"identical {len(wrong[3])} bytes; unknown user {t_unknown*1000:.0f} ms, "
          f"wrong password {t_wrong*1000:.0f} ms", flush=True)

def brute(host, src, user, n):
    for i in range(n):
        c = Conn(host, src)
        r = c.login(user, f"guess{i}")
        msg = r[2].split(b"<error")[1].split(b">")[1].split(b"<")[0].decode() if r and b"<error" in r[2] else ""
        if issued_cookie(r):
            die("a wrong password got a cookie")
        print(f"attempt {i + 1}: {r[0] if r else 'CLOSED'} {msg}", flush=True)

cmd = sys.argv[1]
args = sys.argv[2:]
{"skip": lambda: skip(*args),
 "rebind": lambda: rebind(*args),
 "identical": lambda: identical(*args),
 "brute": lambda: brute(args[0], args[1], args[2], int(args[3]))}[cmd]()
