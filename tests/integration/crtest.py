"""Helpers for the integration tests: TAP output, an HTTP client for the API
through nginx, certrenewctl and SQL against the running local stack.

The stack comes from contrib/dev.sh, which passes CR_BASE, CR_TOP, CR_CONF and
CR_BUILD in the environment."""
import http.cookiejar
import json
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE = os.environ.get("CR_BASE", "http://127.0.0.1:8080")
TOP = os.environ.get("CR_TOP", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
CONF = os.environ.get("CR_CONF", os.path.join(TOP, "run", "certrenew.conf"))
BUILD = os.environ.get("CR_BUILD", os.path.join(TOP, "run", "build"))
RUN = os.path.join(TOP, "run")
PW = "demo-password-1"

_n = 0
_failed = 0


def ok(cond, name, diag=None):
    global _n, _failed
    _n += 1
    print("%sok %d - %s" % ("" if cond else "not ", _n, name))
    if not cond:
        _failed += 1
        if diag is not None:
            for line in str(diag).splitlines()[:20]:
                print("#   " + line)
    sys.stdout.flush()
    return bool(cond)


def done():
    print("1..%d" % _n)
    sys.exit(1 if _failed else 0)


def bail(why):
    print("Bail out! %s" % why)
    sys.exit(1)


class Client:
    """One browser: a cookie jar and the CSRF token from login."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def raw(self, method, path, body=None, ctype="application/json", headers=None, csrf=True):
        h = dict(headers or {})
        if body is not None and ctype:
            h["Content-Type"] = ctype
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if isinstance(body, str):
            body = body.encode()
        req = urllib.request.Request(BASE + path, data=body, method=method, headers=h)
        try:
            with self.op.open(req, timeout=30) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def json(self, method, path, obj=None, **kw):
        """Returns (status, parsed body or None)."""
        body = json.dumps(obj) if obj is not None else None
        st, data, _ = self.raw(method, path, body, **kw)
        try:
            return st, json.loads(data) if data.strip() else None
        except ValueError:
            return st, {"_raw": data[:300]}

    def login(self, account, password=PW):
        st, r = self.json("POST", "/api/v1/session", {"account": account, "password": password})
        if st == 200:
            self.csrf = r["csrf_token"]
        return st, r

    def cookie(self, name="certrenew_session"):
        for c in self.jar:
            if c.name == name:
                return c
        return None


def error_of(body):
    return (body or {}).get("error") or {}


def ctl(*args, conf=None, stdin=None):
    return subprocess.run([os.path.join(BUILD, "certrenewctl"), "-c", conf or CONF, *args],
                          input=stdin, capture_output=True, text=True, timeout=300)


def conf_value(section, key):
    cur = None
    with open(CONF, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                cur = line.strip("[]")
            elif "=" in line and cur == section and line.split("=", 1)[0].strip() == key:
                return line.split("=", 1)[1].strip()
    return None


def sql(query):
    """Runs SQL as the application's user; returns rows as lists of strings."""
    host = (conf_value("db", "host") or "").split(",")[0].strip()
    where = ["-h", host.split(":")[0], "-P", host.split(":")[1] if ":" in host else "3306"] if host else \
        ["--socket", conf_value("db", "socket")]
    p = subprocess.run(["mariadb", *where, "-u", conf_value("db", "user"), "-p" + conf_value("db", "password"),
                        "-N", "-B", conf_value("db", "name"), "-e", query], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("sql failed: %s" % p.stderr)
    return [line.split("\t") for line in p.stdout.splitlines()]


def wait_for(pred, secs=30, step=0.2):
    end = time.time() + secs
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def children(pid):
    """Pids of the direct children of pid."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return sorted(int(x) for x in out.split())


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def start_daemon(conf, pidfile, logname):
    """Starts a certrenewd of a test's own with conf, logging to run/log/LOGNAME; returns it once its pid file
    names it."""
    log = open(os.path.join(RUN, "log", logname), "a")
    p = subprocess.Popen([os.path.join(BUILD, "certrenewd"), "-c", conf, "-p", pidfile], stdout=log, stderr=log)
    log.close()
    wait_for(lambda: read_pid(pidfile) == p.pid, 10)
    return p


def healthy():
    try:
        with urllib.request.urlopen(BASE + "/healthz", timeout=5) as r:
            return r.status == 200
    except Exception:
        return False


def fixture(name):
    with open(os.path.join(TOP, "tests", "fixtures", name), "rb") as f:
        return f.read()


def make_pdf(pages=1, text="certrenew test"):
    """A small, well-formed PDF with a correct cross-reference table."""
    objs = ["<</Type/Catalog/Pages 2 0 R>>",
            "<</Type/Pages/Kids[%s]/Count %d>>" % (" ".join("%d 0 R" % (3 + i) for i in range(pages)), pages)]
    for i in range(pages):
        objs.append("<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents %d 0 R>>" % (3 + pages + i))
    for i in range(pages):
        stream = "BT /F1 12 Tf 72 720 Td (%s %d) Tj ET" % (text, i + 1)
        objs.append("<</Length %d>>\nstream\n%s\nendstream" % (len(stream), stream))
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += ("%d 0 obj\n%s\nendobj\n" % (i + 1, o)).encode()
    x = len(out)
    out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
    for off in offsets:
        out += ("%010d 00000 n \n" % off).encode()
    out += ("trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)).encode()
    return out


def scanner_pdf(jpg):
    """A PDF as a scanner's "scan to PDF" makes it: the page's picture (a JPEG, DCTDecode) as the only content of
    an A4 page; its size and colours read from the JPEG's frame header."""
    i, w, h, comps = 2, 0, 0, 1
    while i + 9 < len(jpg):
        marker, length = jpg[i + 1], struct.unpack(">H", jpg[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC2):
            h, w = struct.unpack(">HH", jpg[i + 5:i + 9])
            comps = jpg[i + 9]
            break
        i += 2 + length
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</XObject<</Im0 4 0 R>>>>/Contents 5 0 R>>",
            b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/%s/BitsPerComponent 8/Filter/DCTDecode"
            b"/Length %d>>\nstream\n" % (w, h, b"DeviceGray" if comps == 1 else b"DeviceRGB", len(jpg)) + jpg +
            b"\nendstream",
            b"<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offs = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", []
    for n, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (n + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
    return out + b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)


def uscc(seed):
    import random as _r
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    r = _r.Random(seed)
    body = "91620100" + "".join(r.choice(chars) for _ in range(9))
    s = sum(chars.index(c) * x for c, x in zip(body, w))
    return body + chars[(31 - s % 31) % 31]


def id_card(seed):
    import random as _r
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    r = _r.Random(seed)
    body = "620102" + "19%02d%02d%02d" % (r.randint(60, 99), r.randint(1, 12), r.randint(1, 28)) + "%03d" % r.randint(1, 999)
    return body + "10X98765432"[sum(int(c) * x for c, x in zip(body, w)) % 11]


def new_cert(account="我是测试企业", token="primary", days=30, subject=None):
    """Imports a certificate of account's, from a CA made here, expiring in days; returns its id."""
    import tempfile
    d = tempfile.mkdtemp(prefix="cr-cert-")
    subj = subject or "/C=CN/O=%s/CN=%s" % (account, account)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", d + "/k.pem", "-out", d + "/c.pem", "-days", str(days), "-subj", subj, "-utf8",
                    "-addext", "basicConstraints=critical,CA:FALSE"], check=True, capture_output=True)
    p = ctl("cert", "import", "--account", account, "--token", token, d + "/c.pem")
    if p.returncode != 0:
        raise RuntimeError("cert import: " + p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])["id"]


KINDS = ["business_license", "bank_account_permit", "company_seal", "legal_person_seal", "application_form",
         "responsibility_letter", "power_of_attorney"]


def step1(cert_id, seed=1, **kw):
    d = {"company_name": "我是测试企业", "license_no": uscc(seed), "applicant_name": "李四", "id_card_no": id_card(seed),
         "phone": "13912345678", "email": "lisi@example.com", "department": "招投标部", "certificate_id": cert_id}
    d.update(kw)
    return d


def step3(centres=(), years=1, **kw):
    d = {"license_type": "three_in_one", "trading_centre_ids": list(centres), "payer_name": "我是测试企业",
         "years": years, "invoice_type": "normal", "invoice": {"title": "我是测试企业", "tax_no": uscc(7)},
         "delivery": {"method": "pickup"}}
    d.update(kw)
    return d


def damm_ok(s):
    t = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
         "3674209581", "5869720134", "8945362017", "9438617205", "2581436790"]
    if len(s) != 8 or not s.isdigit():
        return False
    i = 0
    for c in s:
        i = int(t[i][int(c)])
    return i == 0


def submitted_application(cust, seed=1, centres=(), years=1, first=None, **step3_kw):
    """A complete application of the customer's, submitted (first: step 1's fields to change); returns its JSON."""
    cert = new_cert()
    st, app = cust.json("POST", "/api/v1/applications", step1(cert, seed=seed, **(first or {})))
    if st != 201:
        raise RuntimeError("create: %s %s" % (st, app))
    jpg = fixture("scan.jpg")
    for k in KINDS:
        cust.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (app["id"], k), jpg, ctype="image/jpeg")
    cust.json("PATCH", "/api/v1/applications/%d" % app["id"], step3(centres, years, **step3_kw))
    st, app = cust.json("POST", "/api/v1/applications/%d/submit" % app["id"], {})
    if st != 200:
        raise RuntimeError("submit: %s %s" % (st, app))
    return app


def approved_order(cust, rev, seed=1, centres=(), years=1, first=None, **step3_kw):
    """A submitted application of the customer's, approved; returns the order's JSON."""
    app = submitted_application(cust, seed=seed, centres=centres, years=years, first=first, **step3_kw)
    st, r = rev.json("POST", "/api/v1/review/applications/%d/approve" % app["id"], {})
    if st != 200:
        raise RuntimeError("approve: %s %s" % (st, r))
    st, o = cust.json("GET", "/api/v1/orders/%s" % r["order_no"])
    return o


def orders_with_requests(cust, rev, seeds):
    """Approved orders of the customer's, one per seed, with a key's request (one RSA key) in for each of their
    certificates; returns the orders."""
    import tempfile
    d = tempfile.mkdtemp(prefix="cr-req-")
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/k", "-subj", "/CN=x",
                    "-out", d + "/r"], check=True, capture_output=True)
    req = open(d + "/r", "rb").read()
    orders = []
    for seed in seeds:
        o = approved_order(cust, rev, seed=seed)
        for c in o["certificates"]:
            st, body, _ = cust.raw("POST", "/api/v1/certificates/%d/csr" % c["id"], req, ctype="application/pkcs10")
            if st != 200:
                raise RuntimeError("csr: %s %s" % (st, body[:200]))
        orders.append(o)
    return orders


def statement(*credits, debits=(), batch=False, message="053", version=8, seed=None, account=None, opening=None,
              closing=None, date=None):
    """Writes a camt statement with contrib/camt-gen.py; credits are (fen, remittance, debtor[, ref]); with
    opening (fen) it states its balances, closing as given or as the entries add up; date: its booking day.
    Returns the file's path."""
    import tempfile
    fd, path = tempfile.mkstemp(prefix="cr-stmt-", suffix=".xml")
    os.close(fd)
    args = [sys.executable, os.path.join(TOP, "contrib", "camt-gen.py"), "--account",
            account or conf_value("bank", "account"), "--message", message, "--version", str(version),
            "--seed", str(seed if seed is not None else int(time.time() * 1000) % 1000000000), "-o", path]
    for c in credits:
        args += ["--credit", ":".join(str(x) for x in c)]
    for d in debits:
        args += ["--debit", "%d:%s" % d]
    if batch:
        args.append("--batch")
    if opening is not None:
        args += ["--opening", str(opening)]
    if closing is not None:
        args += ["--closing", str(closing)]
    if date:
        args += ["--date", date]
    subprocess.run(args, check=True)
    return path


def import_statement(*paths, dry_run=False):
    """certrenewctl import-statement: (exit status, [one dict a file], stderr)."""
    p = ctl("import-statement", *(["--dry-run"] if dry_run else []), *paths)
    return p.returncode, [json.loads(line) for line in p.stdout.splitlines() if line.strip()], p.stderr

# Talking FastCGI directly to a certrenew-fcgi of a test's own (another configuration, its own socket).
def fcgi_record(rtype, content, rid=1):
    return struct.pack("!BBHHBx", 1, rtype, rid, len(content), 0) + content


def fcgi_params(pairs):
    out = b""
    for k, v in pairs.items():
        k, v = k.encode(), v.encode()
        out += bytes([len(k)]) if len(k) < 128 else struct.pack("!I", len(k) | 0x80000000)
        out += bytes([len(v)]) if len(v) < 128 else struct.pack("!I", len(v) | 0x80000000)
        out += k + v
    return out


def fcgi_read(s):
    """FastCGI STDOUT records until END_REQUEST; returns the bytes written to stdout."""
    data, buf = b"", b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack("!BBHHB", buf[:7])
            if len(buf) < 8 + clen + plen:
                break
            content = buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == 6:
                data += content
            elif rtype == 3:
                return data


def fcgi_request(sock, method, path, params=None, body=b""):
    """One whole FastCGI request to the socket sock; returns what the application wrote (headers and body)."""
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(sock)
    p = {"REQUEST_METHOD": method, "DOCUMENT_URI": path.split("?")[0],
         "QUERY_STRING": path.split("?", 1)[1] if "?" in path else "", "REMOTE_ADDR": "127.0.0.1",
         "CONTENT_LENGTH": str(len(body))}
    p.update(params or {})
    c.sendall(fcgi_record(1, struct.pack("!HB5x", 1, 0)) + fcgi_record(4, fcgi_params(p)) + fcgi_record(4, b"") +
              (fcgi_record(5, body) if body else b"") + fcgi_record(5, b""))
    out = fcgi_read(c)
    c.close()
    return out


def all_items(client, url, limit=500):
    """Every item of a list paged by key (issue 23), following next; raises on an answer other than 200."""
    items, after = [], None
    for _ in range(10000):
        st, page = client.json("GET", url + ("&" if "?" in url else "?") + "limit=%d" % limit +
                               ("&after=%s" % urllib.parse.quote(str(after)) if after else ""))
        if st != 200:
            raise RuntimeError("%s: %s %s" % (url, st, page))
        items += page["items"]
        after = page["next"]
        if after is None:
            return items
    raise RuntimeError("%s: too many pages" % url)
