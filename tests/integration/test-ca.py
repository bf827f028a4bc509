"""The issuing CA (SPEC 9): `certrenewctl ca init` for each key type (RSA 3072, RSA 2048, P-384, SM2), its
keys private (0600), and `certrenewctl ca check` signing with it exactly as certrenewd does; the CA key held
in a PKCS#11 token (SoftHSM2, through libengine-pkcs11-openssl and an RFC 7512 URI) issues a certificate that
`openssl verify` accepts, with the key never in a file; a wrong PIN, a PIN inside the URI and a missing object
are refused, saying why, and the PIN never appears in what is printed."""
import os
import shutil
import stat
import subprocess
import tempfile

from crtest import *

tmp = tempfile.mkdtemp(prefix="cr-ca-")


def openssl(*args):
    return subprocess.run(["openssl", *args], capture_output=True, text=True)


def conf_with(name, **ca):
    """A copy of the stack's configuration with [ca] keys replaced."""
    out, cur = [], None
    for line in open(CONF, encoding="utf-8"):
        s = line.strip()
        if s.startswith("["):
            cur = s.strip("[]")
        elif cur == "ca" and "=" in s and s.split("=", 1)[0].strip() in ca:
            continue
        out.append(line)
        if s == "[ca]":
            out += ["%s = %s\n" % kv for kv in ca.items()]
    path = os.path.join(tmp, name + ".conf")
    open(path, "w", encoding="utf-8").write("".join(out))
    return path


def check(conf, env=None):
    path = os.path.join(tmp, "check-%d.pem" % len(os.listdir(tmp)))
    p = subprocess.run([os.path.join(BUILD, "certrenewctl"), "-c", conf, "ca", "check", "--out", path],
                       capture_output=True, text=True, timeout=60, env=env)
    out = json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else {}
    return p, out, path


# Every key type ca init offers: a chain that verifies, keys 0600.
for alg, sigalg in (("rsa", "sha256WithRSAEncryption"), ("rsa2048", "sha256WithRSAEncryption"),
                    ("p384", "ecdsa-with-SHA384"), ("sm2", "SM2-with-SM3")):
    d = os.path.join(tmp, alg)
    p = ctl("ca", "init", "--key", alg, d)
    ok(p.returncode == 0, "ca init --key %s" % alg, p.stderr)
    ok(all(stat.S_IMODE(os.stat(os.path.join(d, k)).st_mode) == 0o600 for k in ("root.key", "ca.key")),
       "%s: the keys are 0600" % alg)
    conf = conf_with(alg, cert=d + "/ca.pem", key=d + "/ca.key", chain=d + "/root.pem")
    p, out, pem = check(conf)
    v = openssl("verify", "-CAfile", d + "/root.pem", "-untrusted", d + "/ca.pem", pem)
    text = openssl("x509", "-in", pem, "-noout", "-text").stdout
    ok(p.returncode == 0 and out.get("verified") is True and v.returncode == 0 and sigalg in text,
       "%s: ca check signs (%s) and openssl verify accepts it" % (alg, sigalg), (p.stderr, out, v.stdout + v.stderr))
p = ctl("ca", "init", "--key", "rsa", os.path.join(tmp, "rsa"))
ok(p.returncode != 0 and "exists" in p.stderr, "ca init never overwrites a CA key", p.stderr)
p = ctl("ca", "init", "--key", "dsa", os.path.join(tmp, "dsa"))
ok(p.returncode != 0 and "sm2" in p.stderr, "an unknown key type is refused, naming the choices", p.stderr)

# A mismatched pair is refused before anything is signed.
conf = conf_with("mismatch", cert=tmp + "/rsa/ca.pem", key=tmp + "/p384/ca.key", chain=tmp + "/rsa/root.pem")
p, out, _ = check(conf)
ok(p.returncode != 0 and "does not hold the key" in p.stderr, "a key that is not the certificate's is refused", p.stderr)

# The CA key in SoftHSM2.
if not shutil.which("softhsm2-util") or not os.path.exists("/usr/lib/softhsm/libsofthsm2.so"):
    bail("softhsm2 is not installed (contrib/dev.sh installs it)")
hsm = os.path.join(tmp, "hsm")
os.makedirs(hsm + "/tokens")
open(hsm + "/softhsm2.conf", "w").write("directories.tokendir = %s/tokens\nobjectstore.backend = file\n"
                                        "log.level = ERROR\n" % hsm)
env = dict(os.environ, SOFTHSM2_CONF=hsm + "/softhsm2.conf")
pin = "4711-%d" % os.getpid()


def hsm_util(*args):
    return subprocess.run(["softhsm2-util", *args], capture_output=True, text=True, env=env)


p = hsm_util("--init-token", "--free", "--label", "certrenew-ca", "--pin", pin, "--so-pin", "99999999")
ok(p.returncode == 0, "a SoftHSM2 token", p.stderr)
d = os.path.join(tmp, "token-ca")
ok(ctl("ca", "init", "--key", "rsa2048", d).returncode == 0, "a CA whose key goes into the token")
p8 = openssl("pkcs8", "-topk8", "-nocrypt", "-in", d + "/ca.key", "-out", d + "/ca.p8")
p = hsm_util("--import", d + "/ca.p8", "--token", "certrenew-ca", "--label", "issuing", "--id", "01", "--pin", pin)
ok(p8.returncode == 0 and p.returncode == 0, "the issuing key imported into the token", p.stderr)
os.unlink(d + "/ca.key")
os.unlink(d + "/ca.p8")
open(hsm + "/pin", "w").write(pin + "\n")
os.chmod(hsm + "/pin", 0o600)
uri = "pkcs11:token=certrenew-ca;object=issuing;type=private"
module = "/usr/lib/softhsm/libsofthsm2.so"
conf = conf_with("hsm", cert=d + "/ca.pem", key=uri, chain=d + "/root.pem", pkcs11_module=module,
                 pin_file=hsm + "/pin")
p, out, pem = check(conf, env)
v = openssl("verify", "-CAfile", d + "/root.pem", "-untrusted", d + "/ca.pem", pem)
ok(p.returncode == 0 and out.get("pkcs11") is True and out.get("verified") is True and v.returncode == 0,
   "the key in the token signs a certificate that openssl verify accepts", (p.stderr, out, v.stderr))
ok(not os.path.exists(d + "/ca.key"), "the issuing key is in no file", os.listdir(d))
ok(pin not in p.stdout + p.stderr, "the PIN is not printed")

open(hsm + "/bad-pin", "w").write("000000\n")
p, _, _ = check(conf_with("hsm-bad", cert=d + "/ca.pem", key=uri, chain=d + "/root.pem", pkcs11_module=module,
                          pin_file=hsm + "/bad-pin"), env)
ok(p.returncode != 0 and "no private key" in p.stderr and "000000" not in p.stderr,
   "a wrong PIN: refused, saying so, without the PIN", p.stderr)
p, _, _ = check(conf_with("hsm-uri-pin", cert=d + "/ca.pem", key=uri + ";pin-value=" + pin, chain=d + "/root.pem",
                          pkcs11_module=module), env)
ok(p.returncode != 0 and "pin_file" in p.stderr, "a PIN inside the URI is refused (the configuration is not secret)",
   p.stderr)
p, _, _ = check(conf_with("hsm-missing", cert=d + "/ca.pem", key="pkcs11:token=certrenew-ca;object=nothing",
                          chain=d + "/root.pem", pkcs11_module=module, pin_file=hsm + "/pin"), env)
ok(p.returncode != 0 and "object=nothing" in p.stderr, "a missing object is named", p.stderr)
# The token's key with another CA's certificate.
p, _, _ = check(conf_with("hsm-mismatch", cert=tmp + "/rsa/ca.pem", key=uri, chain=tmp + "/rsa/root.pem",
                          pkcs11_module=module, pin_file=hsm + "/pin"), env)
ok(p.returncode != 0 and "does not hold the key" in p.stderr, "the token's key against another certificate is refused",
   p.stderr)
shutil.rmtree(tmp)
done()
