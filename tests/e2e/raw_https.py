#!/usr/bin/env python3
"""Sends hostile requests over TLS to the gateway and prints one line per
case: NAME STATUS (the HTTP status code, or CLOSED if the server closed the
connection without a status line). Used by test_bad_input.sh."""
import socket, ssl, sys

HOST = sys.argv[1]
LOGIN = sys.argv[2] if len(sys.argv) > 2 else None  # "user:password" for CSTP cases

def connect():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = socket.create_connection((HOST, 443), timeout=10)
    return ctx.wrap_socket(s)

def status_of(tls, data):
    try:
        tls.sendall(data)
        buf = b""
        while b"\r\n" not in buf:
            chunk = tls.recv(4096)
            if not chunk:
                return "CLOSED", buf
            buf += chunk
        return buf.split(b" ")[1].decode(), buf
    except (ConnectionError, ssl.SSLError, socket.timeout):
        return "CLOSED", b""

def request(method, path, headers=(), body=b""):
    h = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\n"
    for line in headers:
        h += line + "\r\n"
    if body or method == "POST":
        h += f"Content-Length: {len(body)}\r\n"
    return h.encode() + b"\r\n" + body

def xml_auth(user, pw):
    return (f'<?xml version="1.0" encoding="UTF-8"?><config-auth client="vpn" type="auth-reply" '
            f'aggregate-auth-version="2"><auth><username>{user}</username>'
            f'<password>{pw}</password></auth></config-auth>').encode()

CASES = {
    "oversized-header": request("GET", "/", ["X-Big: " + "a" * 17000]),
    "dotdot": request("GET", "/../../etc/passwd"),
    "pct-dotdot": request("GET", "/%2e%2e/%2e%2e/etc/passwd"),
    "backslash": request("GET", "/..\\..\\etc\\passwd"),
    "semicolon": request("GET", "/;jsessionid=1"),
    "unknown-path": request("GET", "/dana-na/auth/url_default/welcome.cgi"),
    "query-traversal": request("GET", "/x?/../../../etc/passwd"),
    "bad-content-length": request("POST", "/", ["Content-Length: 12abc"]) ,
    "huge-body": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n",
    "chunked": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "two-lengths": b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    "bad-method": request("DELETE", "/"),
    "malformed-xml": request("POST", "/", body=b"<config-auth type='auth-reply'><auth><username>x</user"),
    "xml-doctype": request("POST", "/", body=b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]>'
                           b'<config-auth type="init">&e;</config-auth>'),
    "xml-deep": request("POST", "/", body=b"<config-auth>" + b"<a>" * 100 + b"</a>" * 100 + b"</config-auth>"),
    "bad-cookie": request("CONNECT", "/CSCOSSLC/tunnel", ["Cookie: webvpn=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]),
    "no-cookie": request("CONNECT", "/CSCOSSLC/tunnel"),
}

def run_http_cases():
    for name, data in CASES.items():
        tls = connect()
        code, _ = status_of(tls, data)
        print(name, code, flush=True)
        tls.close()

def login_and_connect(user, pw):
    tls = connect()
    code, buf = status_of(tls, request("POST", "/", body=xml_auth(user, pw)))
    while b"\r\n\r\n" not in buf:
        buf += tls.recv(4096)
    head = buf.split(b"\r\n\r\n")[0].decode()
    cookie = [l.split("webvpn=")[1].split(";")[0] for l in head.split("\r\n") if l.startswith("Set-Cookie: webvpn=")]
    tls.close()
    tls = connect()
    code, buf = status_of(tls, request("CONNECT", "/CSCOSSLC/tunnel", [f"Cookie: webvpn={cookie[0]}"]))
    while b"\r\n\r\n" not in buf:
        buf += tls.recv(4096)
    return tls, code

def run_cstp_cases(user, pw):
    frames = {
        "cstp-bad-magic": b"XTF\x01\x00\x00\x07\x00",
        "cstp-bad-type": b"STF\x01\x00\x00\x42\x00",
        "cstp-over-mtu": b"STF\x01\xff\xff\x00\x00" + b"\x45" * 100,
        "cstp-compressed": b"STF\x01\x00\x04\x08\x00abcd",
    }
    for name, frame in frames.items():
        tls, code = login_and_connect(user, pw)
        tls.sendall(frame)
        ended = False
        try:  # the server may still send queued frames; wait for the close
            while tls.recv(65536):
                pass
            ended = True
        except (ConnectionError, ssl.SSLError):
            ended = True
        except socket.timeout:
            ended = False
        print(name, "ENDED" if ended else "OPEN", flush=True)
        tls.close()

run_http_cases()
if LOGIN:
    user, pw = LOGIN.split(":", 1)
    run_cstp_cases(user, pw)
