"""make install and the system users (issue 9): the two systemd units run as different users, the job
daemon (the signer) as certrenewd and the FastCGI workers as certrenew; sysusers.d makes both in the group
certrenew; tmpfiles.d makes the shared data group-writable (setgid) and the CA directory readable by the
group but owned by certrenewd, so that the workers read the CA's certificates and never its keys (0600).
Checked in a scratch root with systemd-sysusers --root and systemd-tmpfiles --root."""
import configparser
import os
import shutil
import stat
import subprocess
import tempfile

from crtest import *

dest = tempfile.mkdtemp(prefix="cr-install-")
p = subprocess.run(["make", "-C", BUILD, "install", "DESTDIR=" + dest], capture_output=True, text=True, timeout=300)
ok(p.returncode == 0, "make install DESTDIR=…", p.stderr[-2000:])
prefix = dest + "/usr/local"
units = {}
for name in ("certrenew-fcgi", "certrenewd"):
    path = "%s/lib/systemd/system/%s.service" % (prefix, name)
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str
    ok(os.path.exists(path), "%s.service installed" % name)
    cp.read(path)
    units[name] = cp["Service"]
ok(units["certrenewd"]["User"] == "certrenewd" and units["certrenew-fcgi"]["User"] == "certrenew",
   "the signer and the web workers run as different users",
   (units["certrenewd"]["User"], units["certrenew-fcgi"]["User"]))
ok(units["certrenewd"]["ExecStart"].startswith("/usr/local/bin/certrenewd -c /usr/local/etc/certrenew.conf"),
   "the units name the installed paths", units["certrenewd"]["ExecStart"])
ok(os.access(prefix + "/bin/certrenewd", os.X_OK) and os.path.exists(prefix + "/etc/certrenew.conf"),
   "the programs and the configuration are installed")

# www/, its pages pointed at versioned assets that exist.
import re
www = prefix + "/share/certrenew/www"
refs = re.findall(r'(?:href|src)="(/[^"]+)"', open(www + "/portal.html").read())
ok(refs and all(re.match(r"/v/[0-9A-Za-z.]+-[0-9a-f]{12}/(css|js)/", r) for r in refs),
   "the installed pages load their assets from /v/VERSION-HASH/", refs)
ok(all(os.path.isfile(www + re.sub(r"^/v/[^/]+", "", r)) for r in refs), "and every asset they name is installed")

# The nginx site and its snippets; with a certificate where the site expects one, nginx accepts them.
site = prefix + "/etc/nginx/sites-available/certrenew"
snippets = prefix + "/etc/nginx/snippets"
ok(os.path.isfile(site) and sorted(os.listdir(snippets)) == ["certrenew-error.conf", "certrenew-fastcgi.conf",
                                                             "certrenew-headers.conf", "certrenew-http.conf",
                                                             "certrenew-server.conf"],
   "the nginx site and its five snippets are installed", os.listdir(snippets))
ngx = os.path.join(dest, "nginx")
os.makedirs(ngx + "/tmp")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=renew.example.cn",
                "-keyout", ngx + "/key.pem", "-out", ngx + "/cert.pem"], capture_output=True, check=True)


def local(t):
    """The installed text pointed at this scratch root: snippets copied into ngx, www and the rest in dest."""
    t = t.replace("/usr/local/etc/nginx/snippets", ngx).replace("/usr/local/", prefix + "/")
    t = t.replace("/etc/ssl/certrenew/fullchain.pem", ngx + "/cert.pem").replace("/etc/ssl/certrenew/privkey.pem",
                                                                                ngx + "/key.pem")
    return re.sub(r"listen (127\.0\.0\.1:\d+|\d+)", lambda m: "listen 127.0.0.1:%d" % (20000 + int(m.group(1)[-3:])),
                  t.replace("/var/log/nginx", ngx))


open(ngx + "/site.conf", "w").write(local(open(site).read()))
for f in os.listdir(snippets):
    open(ngx + "/" + f, "w").write(local(open(snippets + "/" + f).read()))
open(ngx + "/nginx.conf", "w").write("pid %s/nginx.pid; error_log %s/error.log; events {} http { include /etc/nginx/mime.types; "
                                     "client_body_temp_path %s/tmp; include %s/site.conf; }" % (ngx, ngx, ngx, ngx))
p = subprocess.run(["nginx", "-t", "-p", ngx, "-c", ngx + "/nginx.conf"], capture_output=True, text=True)
ok(p.returncode == 0, "nginx -t accepts the installed site", p.stderr[-600:])

# The units verify, and systemd's own exposure score stays low (docs/operations.md has the figures).
if shutil.which("systemd-analyze"):
    copies = []
    for name in ("certrenew-fcgi", "certrenewd"):
        cp = os.path.join(dest, name + ".service")
        open(cp, "w").write(open("%s/lib/systemd/system/%s.service" % (prefix, name)).read().replace("/usr/local/", prefix + "/"))
        copies.append(cp)
    p = subprocess.run(["systemd-analyze", "verify"] + copies, capture_output=True, text=True)
    ok(p.returncode == 0 and p.stderr.strip() == "", "systemd-analyze verify passes on both units", p.stderr[-600:])
    for cp in copies:
        p = subprocess.run(["systemd-analyze", "security", "--offline=yes", cp], capture_output=True, text=True)
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", p.stdout)
        ok(m and float(m.group(1)) <= 2.0, "systemd-analyze security: %s exposure %s (at most 2.0)" %
           (os.path.basename(cp), m.group(1) if m else "?"), p.stdout[-300:])

if not shutil.which("systemd-sysusers") or not shutil.which("systemd-tmpfiles"):
    bail("systemd-sysusers / systemd-tmpfiles are not available")
root = os.path.join(dest, "root")
os.makedirs(root + "/etc")
for f in ("passwd", "group"):
    shutil.copy("/etc/" + f, root + "/etc/" + f)
p = subprocess.run(["systemd-sysusers", "--root=" + root, prefix + "/lib/sysusers.d/certrenew.conf"],
                   capture_output=True, text=True)
users = {l.split(":")[0]: l.split(":") for l in open(root + "/etc/passwd") if l.startswith("certrenew")}
groups = {l.split(":")[0]: l.split(":") for l in open(root + "/etc/group")}
ok(p.returncode == 0 and set(users) == {"certrenew", "certrenewd"}, "sysusers makes both users", p.stderr)
gid = groups.get("certrenew", [None, None, None])[2]
ok(users["certrenew"][3] == gid and users["certrenewd"][3] == gid, "both in the group certrenew")
p = subprocess.run(["systemd-tmpfiles", "--root=" + root, "--create", prefix + "/lib/tmpfiles.d/certrenew.conf"],
                   capture_output=True, text=True)
ok(p.returncode == 0, "tmpfiles makes the directories", p.stderr)


def mode(path):
    st = os.stat(root + path)
    return stat.S_IMODE(st.st_mode), str(st.st_uid), str(st.st_gid)


m, uid, g = mode("/var/lib/certrenew/ca")
ok(m == 0o750 and uid == users["certrenewd"][2] and g == gid,
   "the CA directory: certrenewd's, the group may read certificates (0750)", (oct(m), uid, g))
m, uid, g = mode("/var/lib/certrenew/bank/inbox")
ok(m == 0o2770 and g == gid, "the bank inbox: shared through the group, setgid (2770)", oct(m))
m, uid, g = mode("/var/lib/certrenew/attachments")
ok(m == 0o2770 and g == gid, "uploads likewise", oct(m))
shutil.rmtree(dest)
done()
