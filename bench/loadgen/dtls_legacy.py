"""A DTLS channel for the load generator, in legacy mode (anyconnect.md 5.3).

Python's ssl module has no DTLS, and PSK-NEGOTIATE would need the TLS
exporter of the asyncio connection, which it does not expose either. Legacy
mode needs neither: the client picks the 48-byte master secret itself, sends
it in X-DTLS-Master-Secret, and resumes the session the gateway names in
X-DTLS-Session-ID. The gateway keeps the same per-flow state for it as for
PSK-NEGOTIATE (a DtlsServer with the worker's AES-GCM record path), so the
memory a held DTLS session costs is measured either way.

OpenSSL's libssl (the system's libssl.so.3) is driven through ctypes on
memory BIOs; datagrams go through a connected non-blocking UDP socket that
the asyncio loop watches.

    dtls = LegacyDtls(loop, (host, port), session_id, master_secret)
    await dtls.handshake(timeout)       # raises DtlsError
    dtls.send(b"\\x07")                  # one record: AnyConnect keepalive
    dtls.close()
"""
import asyncio
import ctypes
import socket

SUITE_NAME = "OC-DTLS1_2-AES256-GCM"
SUITE_ID = b"\x00\x9d"  # TLS_RSA_WITH_AES_256_GCM_SHA384, as openconnect resumes it
DTLS1_2_VERSION = 0xFEFD
SSL_CTRL_SET_MIN_PROTO_VERSION = 123
SSL_CTRL_SET_MAX_PROTO_VERSION = 124
DTLS_CTRL_HANDLE_TIMEOUT = 74
SSL_ERROR_WANT_READ = 2
SSL_OP_NO_TICKET = 1 << 14
T_DPD_REQ, T_DPD_RESP = 3, 4

_ssl = ctypes.CDLL("libssl.so.3")
_crypto = ctypes.CDLL("libcrypto.so.3")
_P = ctypes.c_void_p


def _fn(lib, name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


DTLS_client_method = _fn(_ssl, "DTLS_client_method", _P)
SSL_CTX_new = _fn(_ssl, "SSL_CTX_new", _P, _P)
SSL_CTX_ctrl = _fn(_ssl, "SSL_CTX_ctrl", ctypes.c_long, _P, ctypes.c_int, ctypes.c_long, _P)
SSL_CTX_set_options = _fn(_ssl, "SSL_CTX_set_options", ctypes.c_uint64, _P, ctypes.c_uint64)
SSL_CTX_set_cipher_list = _fn(_ssl, "SSL_CTX_set_cipher_list", ctypes.c_int, _P, ctypes.c_char_p)
SSL_new = _fn(_ssl, "SSL_new", _P, _P)
SSL_free = _fn(_ssl, "SSL_free", None, _P)
SSL_set_bio = _fn(_ssl, "SSL_set_bio", None, _P, _P, _P)
SSL_set_connect_state = _fn(_ssl, "SSL_set_connect_state", None, _P)
SSL_ctrl = _fn(_ssl, "SSL_ctrl", ctypes.c_long, _P, ctypes.c_int, ctypes.c_long, _P)
SSL_do_handshake = _fn(_ssl, "SSL_do_handshake", ctypes.c_int, _P)
SSL_get_error = _fn(_ssl, "SSL_get_error", ctypes.c_int, _P, ctypes.c_int)
SSL_session_reused = _fn(_ssl, "SSL_session_reused", ctypes.c_int, _P)
SSL_read = _fn(_ssl, "SSL_read", ctypes.c_int, _P, ctypes.c_char_p, ctypes.c_int)
SSL_write = _fn(_ssl, "SSL_write", ctypes.c_int, _P, ctypes.c_char_p, ctypes.c_int)
SSL_set_session = _fn(_ssl, "SSL_set_session", ctypes.c_int, _P, _P)
SSL_CIPHER_find = _fn(_ssl, "SSL_CIPHER_find", _P, _P, ctypes.c_char_p)
SSL_SESSION_new = _fn(_ssl, "SSL_SESSION_new", _P)
SSL_SESSION_free = _fn(_ssl, "SSL_SESSION_free", None, _P)
SSL_SESSION_set1_id = _fn(_ssl, "SSL_SESSION_set1_id", ctypes.c_int, _P, ctypes.c_char_p,
                          ctypes.c_uint)
SSL_SESSION_set1_master_key = _fn(_ssl, "SSL_SESSION_set1_master_key", ctypes.c_int, _P,
                                  ctypes.c_char_p, ctypes.c_size_t)
SSL_SESSION_set_cipher = _fn(_ssl, "SSL_SESSION_set_cipher", ctypes.c_int, _P, _P)
SSL_SESSION_set_protocol_version = _fn(_ssl, "SSL_SESSION_set_protocol_version", ctypes.c_int,
                                       _P, ctypes.c_int)
BIO_s_mem = _fn(_crypto, "BIO_s_mem", _P)
BIO_new = _fn(_crypto, "BIO_new", _P, _P)
BIO_read = _fn(_crypto, "BIO_read", ctypes.c_int, _P, ctypes.c_char_p, ctypes.c_int)
BIO_write = _fn(_crypto, "BIO_write", ctypes.c_int, _P, ctypes.c_char_p, ctypes.c_int)
ERR_clear_error = _fn(_crypto, "ERR_clear_error", None)

_ctx = None


def _context():
    global _ctx
    if _ctx is None:
        ctx = SSL_CTX_new(DTLS_client_method())
        if not ctx:
            raise DtlsError("dtls_context")
        SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, DTLS1_2_VERSION, None)
        SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, DTLS1_2_VERSION, None)
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET)
        if SSL_CTX_set_cipher_list(ctx, b"AES256-GCM-SHA384") != 1:
            raise DtlsError("dtls_ciphers")
        _ctx = ctx
    return _ctx


class DtlsError(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class LegacyDtls:
    def __init__(self, loop, server, session_id, master_secret, local_ip=None):
        self.loop = loop
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        if local_ip:
            self.sock.bind((local_ip, 0))
        self.sock.connect(server)
        self.ssl = SSL_new(_context())
        self.rbio, self.wbio = BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem())
        SSL_set_bio(self.ssl, self.rbio, self.wbio)  # the SSL owns both
        SSL_set_connect_state(self.ssl)
        self._resume(session_id, master_secret)
        self.established = False
        self.failed = None
        self.dpd_answered = 0
        self._done = loop.create_future()
        self._buf = ctypes.create_string_buffer(16384)
        loop.add_reader(self.sock.fileno(), self._readable)

    def _resume(self, session_id, master_secret):
        s = SSL_SESSION_new()
        cipher = SSL_CIPHER_find(self.ssl, SUITE_ID)
        ok = (s and cipher and SSL_SESSION_set1_id(s, session_id, len(session_id)) == 1
              and SSL_SESSION_set1_master_key(s, master_secret, len(master_secret)) == 1
              and SSL_SESSION_set_cipher(s, cipher) == 1
              and SSL_SESSION_set_protocol_version(s, DTLS1_2_VERSION) == 1
              and SSL_set_session(self.ssl, s) == 1)
        if s:
            SSL_SESSION_free(s)
        if not ok:
            raise DtlsError("dtls_session_setup")

    def _flush(self):
        while True:
            n = BIO_read(self.wbio, self._buf, len(self._buf))
            if n <= 0:
                return
            try:
                self.sock.send(self._buf.raw[:n])
            except (BlockingIOError, ConnectionRefusedError):
                return  # dropped, as on a real network; DTLS retransmits
            except OSError:
                return

    def _step_handshake(self):
        r = SSL_do_handshake(self.ssl)
        if r == 1:
            self.established = True
            if not SSL_session_reused(self.ssl):
                self._fail("dtls_not_resumed")  # openconnect refuses a full handshake
            elif not self._done.done():
                self._done.set_result(True)
        elif SSL_get_error(self.ssl, r) != SSL_ERROR_WANT_READ:
            self._fail("dtls_handshake_failed")
        ERR_clear_error()
        self._flush()

    def _fail(self, reason):
        self.failed = self.failed or reason
        if not self._done.done():
            self._done.set_exception(DtlsError(reason))

    def _readable(self):
        while True:
            try:
                d = self.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                self._fail("dtls_socket_error")
                return
            BIO_write(self.rbio, d, len(d))
            if not self.established:
                self._step_handshake()
            if self.established:
                self._read_records()

    def _read_records(self):
        while True:
            n = SSL_read(self.ssl, self._buf, len(self._buf))
            if n <= 0:
                ERR_clear_error()
                return
            rec = self._buf.raw[:n]
            if rec[0] == T_DPD_REQ:  # echoed whole, as openconnect does
                self.send(bytes([T_DPD_RESP]) + rec[1:])
                self.dpd_answered += 1

    async def handshake(self, timeout):
        """Resumes the session; retransmits once a second like a DTLS timer."""
        self._step_handshake()
        deadline = self.loop.time() + timeout
        while not self._done.done():
            left = deadline - self.loop.time()
            if left <= 0:
                self._fail("dtls_handshake_timeout")
                break
            try:
                await asyncio.wait_for(asyncio.shield(self._done), min(1.0, left))
            except asyncio.TimeoutError:
                SSL_ctrl(self.ssl, DTLS_CTRL_HANDLE_TIMEOUT, 0, None)
                self._flush()
        self._done.result()  # raises DtlsError

    def send(self, record):
        if SSL_write(self.ssl, record, len(record)) <= 0:
            ERR_clear_error()
            return False
        self._flush()
        return True

    def close(self):
        if self.ssl:
            self.loop.remove_reader(self.sock.fileno())
            SSL_free(self.ssl)
            self.ssl = None
            self.sock.close()
