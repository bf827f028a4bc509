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
