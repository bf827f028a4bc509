"""The agency and the guide after payment (issue 12): the login page and every footer name the agency from
[agency]; the 更新指南 holds every step of the seed's guidance and the admin edits it without a rebuild
(checked, audited); the audit log's actions, objects and fields have Chinese labels from one table and its
rows name their actors."""
from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
sql("DELETE FROM login_attempts WHERE ip IN ('127.0.0.1', '::1')")
anon = Client()

st, ag = anon.json("GET", "/api/v1/agency")
ok(st == 200 and ag.get("name") == conf_value("agency", "name") and ag.get("hotline") == conf_value("agency", "hotline")
   and ag.get("address") == conf_value("agency", "address") and ag.get("copyright") == conf_value("agency", "copyright"),
   "the agency's name, hotline, address and copyright come from [agency], without logging in", ag)
ok(ag.get("service_hours") == "8:30-12:00 14:30-18:00" and ag.get("driver_url", "").startswith("http"),
   "the service hours and the driver's download site default to the seed's", ag)
st, _, hd = anon.raw("GET", "/api/v1/agency")
ok(hd.get_all("Cache-Control") == ["public, max-age=300"],
   "the agency is cacheable: one Cache-Control, the handler's (not also the default no-store)", hd.get_all("Cache-Control"))
st, _, hd = anon.raw("GET", "/api/v1/help/after-payment")
ok(hd.get_all("Cache-Control") == ["no-store"], "other answers say no-store, once", hd.get_all("Cache-Control"))

st, page = anon.json("GET", "/api/v1/help/after-payment")
body = page.get("body", "") if st == 200 else ""
ok(st == 200 and page.get("title"), "the guide after payment is public", page)
for words, what in ((["{driver_url}", "驱动", "离线盖章工具"], "install the new driver and the offline seal tool"),
                    (["证书服务"], "how 证书服务 works"),
                    (["2 秒至 30 秒", "两次"], "the two PIN prompts 2 to 30 seconds apart"),
                    (["主锁", "副锁", "逐个"], "primary and secondary keys one at a time"),
                    (["{hotline}", "推送"], "the hotline for failed pushes"),
                    (["{service_hours}"], "the service hours"),
                    (["二十分钟", "即时"], "how long payment confirmation takes")):
    ok(all(w in body for w in words), "the guide says: " + what, [w for w in words if w not in body])
st, _ = anon.json("GET", "/api/v1/help/no-such-page")
ok(st == 404, "an unknown help page is 404")

rev, adm = Client(), Client()
ok(rev.login("reviewer")[0] == 200 and adm.login("admin")[0] == 200, "reviewer and admin log in")
st, _ = rev.json("PUT", "/api/v1/admin/help/after-payment", {"title": "x", "body": "y"})
ok(st == 403, "only the admin edits it", st)
st, r = adm.json("PUT", "/api/v1/admin/help/after-payment", {"title": "", "body": "x" * 20000})
fields = sorted(f["field"] for f in error_of(r).get("fields", []))
ok(st in (400, 413) and fields == ["body", "title"], "an empty title and an over-long body are both named at once", r)
st, r = adm.json("PUT", "/api/v1/admin/help/after-payment", {"title": "标题", "body": "正文\x07"})
ok(st == 400 and error_of(r).get("field") == "body", "control characters are refused", r)
st, r = adm.json("PUT", "/api/v1/admin/help/after-payment", {"title": "标题", "body": 5})
ok(st == 400, "a body that is not text is refused", r)
ok(anon.json("GET", "/api/v1/help/after-payment")[1]["body"] == body, "a refused edit changes nothing")

new_body = body + "\n\n## 七、新增说明\n- 测试行 " + str(time.time())
st, r = adm.json("PUT", "/api/v1/admin/help/after-payment", {"title": page["title"], "body": new_body})
ok(st == 200 and r.get("body") == new_body and r.get("updated_by"), "the admin's edit is stored", r)
ok(anon.json("GET", "/api/v1/help/after-payment")[1]["body"] == new_body, "and customers see it at once (no rebuild)")
rows = sql("SELECT before_state LIKE '%%二十分钟%%', after_state LIKE '%%新增说明%%' FROM audit_log"
           " WHERE action = 'help.update' AND object_id = 'after-payment' ORDER BY id DESC LIMIT 1")
ok(rows == [["1", "1"]], "the edit is audited with before and after", rows)
st, r = adm.json("PUT", "/api/v1/admin/help/after-payment", {"title": page["title"], "body": body})
ok(st == 200, "the original text is put back")

# The audit log in Chinese: every action recorded so far has a label, and rows name their actor.
st, settings = adm.json("GET", "/api/v1/settings")
lab = settings["status_labels"]
actions = [r[0] for r in sql("SELECT DISTINCT action FROM audit_log")]
ok(actions and all(a in lab["audit_action"] for a in actions), "every action in the audit log has a Chinese label",
   [a for a in actions if a not in lab["audit_action"]])
objects = [r[0] for r in sql("SELECT DISTINCT object_type FROM audit_log")]
ok(all(o in lab["audit_object"] for o in objects), "and every kind of object",
   [o for o in objects if o not in lab["audit_object"]])
ok(lab["audit_action"].get("login.success") == "登录成功" and lab["audit_action"].get("application.approve") == "审核通过"
   and lab["audit_action"].get("order.create") == "订单创建", "登录成功, 审核通过, 订单创建", lab["audit_action"])
st, lst = adm.json("GET", "/api/v1/admin/audit?action=help.update")
ok(st == 200 and lst["items"] and lst["items"][0]["actor_name"] == sql(
    "SELECT display_name FROM users WHERE login = 'admin'")[0][0], "an audit row names its actor", lst["items"][:1])
st, r = adm.json("GET", "/api/v1/admin/audit?from=2026/12/01")
ok(st == 400 and error_of(r).get("field") == "from", "dates are asked as YYYY-MM-DD", r)
done()
