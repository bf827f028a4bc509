"""What both simulated providers share: the `openssl` command, RSA2 signatures, Beijing time, the trades
they hold and the HTTP request being answered."""
import base64
import html
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

MAX_BODY = 1 << 20


def say(*a):
    print("[paysim]", *a, file=sys.stderr, flush=True)


def openssl(*args, data=None):
    p = subprocess.run(["openssl", *args], input=data, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (args[0], p.stderr.decode(errors="replace")))
    return p.stdout


def new_key(path, pub):
    """An RSA-2048 key at path (mode 0600) and its public key at pub, unless made before."""
    if not os.path.exists(path):
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path)
        os.chmod(path, 0o600)
        openssl("pkey", "-in", path, "-pubout", "-out", pub)


def rsa2_sign(key, content):
    return base64.b64encode(openssl("dgst", "-sha256", "-sign", key, data=content)).decode()


def rsa2_verify(pub, content, sign):
    try:
        sig = base64.b64decode(sign, validate=True)
    except ValueError:
        return False
    with tempfile.NamedTemporaryFile() as f:
        f.write(sig)
        f.flush()
        p = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", f.name], input=content,
                           capture_output=True)
    return p.returncode == 0


def beijing(t=None):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime((t or time.time()) + 8 * 3600))


class Trades:
    """The trades both providers opened, by the token of their cashier page; one lock for all."""

    def __init__(self):
        self.by_token = {}
        self.lock = threading.Lock()

    def add(self, token, trade):
        with self.lock:
            self.by_token[token] = trade

    def get(self, token):
        with self.lock:
            return self.by_token.get(token)

    def all(self):
        with self.lock:
            return list(self.by_token.values())

    def find(self, provider, out_trade_no):
        """The trade of an order: a paid one if any, else the latest."""
        with self.lock:
            found = [t for t in self.by_token.values() if t.get("provider") == provider and
                     t["out_trade_no"] == out_trade_no]
        paid = [t for t in found if t["status"] in ("TRADE_SUCCESS", "SUCCESS")]
        return (paid or found or [None])[-1]

    def by_trade_no(self, trade_no):
        with self.lock:
            for t in self.by_token.values():
                if t["trade_no"] == trade_no:
                    return t
        return None

    def refund(self, t, refund_no, fen):
        """Books a refund once per refund number; (ok, refunded_total, repeated)."""
        with self.lock:
            refunds = t.setdefault("refunds", {})
            if refund_no in refunds:
                return True, sum(refunds.values()), True
            if fen <= 0 or sum(refunds.values()) + fen > t["total"]:
                return False, sum(refunds.values()), False
            refunds[refund_no] = fen
            return True, sum(refunds.values()), False


def page(title, inner):
    """A page of the simulated cashier (inner is HTML the caller escaped)."""
    return ("<!doctype html><html lang=zh-CN><meta charset=utf-8><title>%s</title>"
            "<style>body{font-family:sans-serif;max-width:560px;margin:40px auto;color:#222}"
            ".box{border:1px solid #ddd;border-radius:8px;padding:24px}.amt{font-size:32px;color:#e4393c}"
            "button{background:#1677ff;color:#fff;border:0;border-radius:6px;padding:12px 28px;font-size:16px}"
            "</style><h1>%s</h1><div class=box>%s</div><p style='color:#888'>paysim：本地模拟的支付平台，仅供开发与测试</p>"
            % (html.escape(title), html.escape(title), inner))


class Request(BaseHTTPRequestHandler):
    """One request to the simulator; the server routes it (server.route) to a provider."""
    server_version = "paysim/1"

    def log_message(self, fmt, *args):
        say(self.address_string(), fmt % args)

    def send(self, status, body, ctype="text/html; charset=utf-8", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status, obj, headers=None):
        self.send(status, obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False), "application/json",
                  headers)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(n, MAX_BODY)).decode()

    def params(self):
        """The path and the query's parameters, with a form body's for a POST."""
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        if self.command == "POST":
            q.update(urllib.parse.parse_qsl(self.body(), keep_blank_values=True))
        return u.path, q

    def do_GET(self):
        self.server.route(self)

    def do_POST(self):
        self.server.route(self)
