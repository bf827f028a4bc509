#!/usr/bin/env python3
"""The tree keeps its shape (STYLE.md, docs/architecture.md): checked from the
#include lines of every C file under src/, printed as TAP.

- A wing (src/bank, src/pay, src/pki, src/apply, src/account) is reached from
  outside only through its public header, src/WING/WING.h; its files include
  each other freely.
- The core (the files directly in src/) includes no wing and no entry point.
- Nothing below the entry points (src/web, src/fcgi, src/daemon, src/ctl)
  includes them, or knows about FastCGI or libuv.
- The wings' arrows, through their public headers, form no cycle.
- Every quoted include names a file that exists.
Unit tests and fuzz harnesses (tests/unit, tests/fuzz) test the pieces from
inside and may include a wing's own headers; their includes must exist.
"""
import os
import re
import sys

top = os.environ.get("CR_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
src = os.path.join(top, "src")
WINGS = ("bank", "pay", "pki", "apply", "account")
ENTRIES = ("web", "fcgi", "daemon", "ctl")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def area(rel):
    """'core', a wing's name, an entry point's name, or 'main' for src/main-*.c."""
    parts = rel.split("/")
    if len(parts) == 1:
        return "main" if parts[0].startswith("main-") else "core"
    return parts[0]


def resolve(rel, name):
    """The file a quoted include names, relative to src/, as the compiler finds it (own folder, then src/)."""
    own = os.path.normpath(os.path.join(os.path.dirname(rel), name))
    if os.path.exists(os.path.join(src, own)):
        return own
    if os.path.exists(os.path.join(src, name)):
        return os.path.normpath(name)
    return None


def files(root):
    for d, _, names in os.walk(root):
        for n in sorted(names):
            if n.endswith((".c", ".h")):
                yield os.path.join(d, n)


private, core_up, below, missing = [], [], [], []
edges = {}
for path in files(src):
    rel = os.path.relpath(path, src)
    here = area(rel)
    text = open(path, encoding="utf-8").read()
    for kind, name in INCLUDE.findall(text):
        line = text.count("\n", 0, text.find(name)) + 1
        where = "src/%s:%d: %s" % (rel, line, name)
        if kind == "<":
            if here in WINGS + ("core",) and name in ("fcgiapp.h", "fcgi_stdio.h", "fcgios.h", "uv.h"):
                below.append(where + " (the core and the wings know nothing of FastCGI or libuv)")
            continue
        target = resolve(rel, name)
        if target is None:
            missing.append(where)
            continue
        there = area(target)
        if there in WINGS and there != here:
            if here == "core":
                core_up.append(where + " (the core includes no wing)")
            elif target != "%s/%s.h" % (there, there):
                private.append(where + " (%s's own header: use %s/%s.h)" % (there, there, there))
            if here in WINGS:
                edges.setdefault(here, set()).add(there)
        if there in ENTRIES and here in WINGS + ("core",):
            below.append(where + " (an entry point, included from below)")

for path in list(files(os.path.join(top, "tests", "unit"))) + list(files(os.path.join(top, "tests", "fuzz"))):
    text = open(path, encoding="utf-8").read()
    for kind, name in INCLUDE.findall(text):
        if kind == '"' and not os.path.exists(os.path.join(os.path.dirname(path), name)) \
                and not os.path.exists(os.path.join(src, name)):
            missing.append("%s: %s" % (os.path.relpath(path, top), name))


def cycle():
    """A cycle among the wings' arrows, as a list of wings, or None."""
    state = {}

    def visit(w, path):
        state[w] = 1
        for n in sorted(edges.get(w, ())):
            if state.get(n) == 1:
                return path[path.index(n):] + [n] if n in path else path + [n]
            if not state.get(n):
                found = visit(n, path + [n])
                if found:
                    return found
        state[w] = 2
        return None

    for w in WINGS:
        if not state.get(w):
            found = visit(w, [w])
            if found:
                return found
    return None


loop = cycle()
checks = [
    ("a wing is reached from outside only through its public header", private),
    ("the core includes no wing", core_up),
    ("nothing below the entry points includes them, FastCGI or libuv", below),
    ("the wings' arrows form no cycle (%s)" % ", ".join(
        "%s -> %s" % (w, " ".join(sorted(edges[w]))) for w in sorted(edges)),
     [" -> ".join(loop)] if loop else []),
    ("every quoted include names a file that exists", missing),
]
failed = 0
for i, (what, bad) in enumerate(checks, 1):
    if bad:
        failed += 1
        print("not ok %d - %s" % (i, what))
        for b in bad[:30]:
            print("#   " + b)
    else:
        print("ok %d - %s" % (i, what))
print("1..%d" % len(checks))
sys.exit(1 if failed else 0)
