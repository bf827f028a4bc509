"""The Prometheus alert rules in conf/prometheus (issue 22): well-formed, each with a summary and an action, and
every certrenew metric they name is one that /metrics of the running stack exports (a renamed metric would
silence an alert).  The operator's page in docs/operations.md names every alert."""
import os
import re
import urllib.request

import yaml

from crtest import *

rules = yaml.safe_load(open(os.path.join(TOP, "conf", "prometheus", "certrenew-alerts.yml"), encoding="utf-8"))
alerts = [r for g in rules["groups"] for r in g["rules"]]
ok(len(alerts) >= 10 and all({"alert", "expr", "labels", "annotations"} <= set(a) for a in alerts),
   "%d alert rules, each with an expression, labels and annotations" % len(alerts))
ok(all(a["annotations"].get("summary") and a["annotations"].get("action") for a in alerts),
   "each says what happened and what to do")
ok(all(a["labels"].get("severity") in ("warning", "critical") for a in alerts), "each has a severity")

with urllib.request.urlopen(BASE + "/metrics", timeout=30) as r:
    exported = set(re.findall(r"^# TYPE (\S+) ", r.read().decode(), re.M))
named = {m for a in alerts for m in re.findall(r"\b(certrenew_[a-z_]+)", a["expr"])}
# A histogram or counter is named by its family in # TYPE.
missing = {m for m in named if m not in exported and re.sub(r"_(total|count|sum|bucket)$", "", m) not in exported}
ok(named and not missing, "every metric the rules name (%d) is exported by /metrics" % len(named), sorted(missing))
ok({"certrenew_statement_last_done_timestamp_seconds", "certrenew_inbox_oldest_seconds",
    "certrenew_jobs_oldest_due_seconds", "certrenew_ca_expiry_timestamp_seconds"} <= exported,
   "/metrics has what the rules need: last import, inbox age, oldest due job, CA expiry")

ops = open(os.path.join(TOP, "docs", "operations.md"), encoding="utf-8").read()
undocumented = [a["alert"] for a in alerts if a["alert"] not in ops]
ok(not undocumented, "docs/operations.md says what to do for every alert", undocumented)
done()
