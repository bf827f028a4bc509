"""docs/operations.md, "Installing on Debian 12", followed in a fresh Debian 12 root (issue 22): mmdebstrap makes
it from Debian's mirror with only what the programs link, MariaDB, nginx and systemd; the tree is built as the
docs say (configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var); then tests/integration/install-root.sh
runs every step inside the root, as root, in network and PID namespaces of its own (nothing it starts can meet
the stack's ports, and nothing outlives it): make install, the database, the configuration, the CA, the staff,
nginx with TLS, the programs started as their units say, a login over HTTPS, a job run by the daemon and a
backup. Each step's files, owners and modes are checked."""
import os
import shutil
import subprocess
import tempfile
import time

from crtest import *

if os.geteuid() != 0:
    bail("needs root (a chroot and namespaces)")
if shutil.which("mmdebstrap") is None:
    bail("mmdebstrap is not installed (contrib/dev.sh test installs it)")

work = tempfile.mkdtemp(prefix="cr-root-")
root, build = os.path.join(work, "root"), os.path.join(work, "build")
try:
    # The tree built as the docs say, out of the source tree; without dependency tracking, as Debian's
    # packaging builds (the build's dependencies name headers the root does not have, which would make
    # make install compile again there, and the root has no compiler).
    os.makedirs(build)
    t0 = time.time()
    p = subprocess.run(["sh", "-c", '"$1/configure" --prefix=/usr --sysconfdir=/etc --localstatedir=/var --disable-dependency-tracking >configure.log 2>&1'
                        ' && make -j"$(nproc)" >make.log 2>&1', "sh", TOP], cwd=build, capture_output=True, text=True)
    built = ok(p.returncode == 0, "configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var && make (%.0f s)"
               % (time.time() - t0), "".join(open(os.path.join(build, f), errors="replace").read()[-1500:]
                                             for f in ("configure.log", "make.log") if os.path.exists(os.path.join(build, f))))
    if not built:
        done()  # exits; the finally below still cleans up

    # The runtime packages: what the programs link (dpkg -S of their libraries), the servers, and the tools
    # the steps use.
    libs = set()
    for prog in ("certrenew-fcgi", "certrenewd", "certrenewctl"):
        out = subprocess.run(["ldd", os.path.join(build, prog)], capture_output=True, text=True).stdout
        libs |= {os.path.realpath(line.split("=>")[1].split()[0]) for line in out.splitlines()
                 if "=>" in line and "/" in line.split("=>")[1]}
    pkgs = {line.split(":")[0] for line in
            subprocess.run(["dpkg", "-S", *sorted(libs)], capture_output=True, text=True).stdout.splitlines()}
    # fonts-noto-cjk: the Chinese text of the printed forms and notices, found by fontconfig at run time.
    pkgs |= {"systemd", "nginx", "mariadb-server", "openssl", "curl", "procps", "make", "fonts-noto-cjk"}
    t0 = time.time()
    p = subprocess.run(["mmdebstrap", "--variant=minbase", "--include=" + ",".join(sorted(pkgs)), "bookworm", root],
                       capture_output=True, text=True, timeout=900)
    if not ok(p.returncode == 0, "a fresh Debian 12 root from the mirror with %d packages asked for (%.0f s)"
              % (len(pkgs), time.time() - t0), p.stderr[-1500:]):
        done()  # exits; the finally below still cleans up

    # The steps, inside the root, with a clean environment (CR_CONF of the test stack must not reach the
    # programs there): the source (read-only) and the build at the same paths (make install reads both).
    script = os.path.join(TOP, "tests", "integration", "install-root.sh")
    shutil.copy(script, os.path.join(root, "install-root.sh"))
    inner = ('set -e; ip link set lo up; mount -t proc proc "$1/proc"; mount --rbind /dev "$1/dev";'
             ' for d in "$2" "$3"; do mkdir -p "$1$d"; mount --bind "$d" "$1$d"; done;'
             ' mount -o remount,bind,ro "$1$2";'
             ' exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 chroot "$1" /bin/bash /install-root.sh "$3"')
    t0 = time.time()
    p = subprocess.run(["unshare", "--net", "--mount", "--pid", "--fork", "sh", "-c", inner, "sh", root, TOP, build],
                       capture_output=True, text=True, timeout=900)
    checks = [line.split("|", 3) for line in p.stdout.splitlines() if line.startswith("check|")]
    for _, name, good, why in checks:
        ok(good == "1", name, why or None)
    import re
    want = len(re.findall(r"^\s*(?:check|is|runs_as) ", open(script).read(), re.M))
    ok(p.stdout.rstrip().endswith("done") and len(checks) == want,
       "every step ran (%d checks of %d in %.0f s)" % (len(checks), want, time.time() - t0), p.stdout[-800:] + p.stderr[-1500:])
finally:
    # Nothing is mounted any more (the mount namespace went with its last process); the root is removed.
    mounted = [line.split()[1] for line in open("/proc/mounts") if line.split()[1].startswith(work)]
    if mounted:  # never reached: removing would follow the bind mounts into the source tree
        print("# left %s: still mounted: %s" % (work, mounted))
    else:
        subprocess.run(["rm", "-rf", "--one-file-system", work])
done()
