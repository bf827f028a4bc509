"""微信支付 APIv3 Native and H5: POST /v3/pay/transactions/native (and …/h5, for a phone's browser, answering
an h5_url whose page pays and returns to the merchant's redirect_url) checks the merchant's WECHATPAY2-SHA256-RSA2048
Authorization (401 SIGN_ERROR otherwise) and answers a code_url, the answer signed with the platform
certificate's key (Wechatpay-Timestamp/-Nonce/-Signature/-Serial).  The code_url is an http URL of the
simulator's "phone" page (the real one is weixin://…), so that a test can "scan" it by opening it; paying
there sends the notification: an event whose resource is encrypted with AEAD_AES_256_GCM under the APIv3 key,
signed over timestamp\\nnonce\\nbody\\n, resent until the answer is 200/204.  Query, close and refund answer
as WeChat Pay does.

Keys (DIR/wechat): merchant.key (certrenew's wechat.private_key, its serial MERCHANT_SERIAL), merchant.pub,
platform.key + platform.pem (a platform certificate), platform-pk.key + platform-pk.pub (the platform public
key, id PUBKEY_ID) and apiv3.key (the 32-character APIv3 key)."""
import base64
import binascii
import html
import json
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.request

from common import new_key, openssl, page, rsa2_sign, rsa2_verify, say

MCHID = "1900000001"
APPID = "wx0000000000000001"
MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
PUBKEY_ID = "PUB_KEY_ID_0119000000012025112500000000000001"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
KEY_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def aesgcm(key):
    # python3-cryptography, imported when first needed (only WeChat Pay's resources are encrypted).
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    return AESGCM(key)


def beijing_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(time.time() + 8 * 3600))


class Wechat:
    def __init__(self, root, trades):
        self.dir = os.path.join(root, "wechat")
        self.trades = trades
        self.lose_notify = False
        self.outage = lambda: False
        self.retry_base = 1.0

    def key(self, name):
        return os.path.join(self.dir, name)

    def init(self):
        os.makedirs(self.dir, exist_ok=True)
        for name in ("merchant", "platform", "platform-pk"):
            new_key(self.key(name + ".key"), self.key(name + ".pub"))
        if not os.path.exists(self.key("platform.pem")):
            openssl("req", "-new", "-x509", "-key", self.key("platform.key"), "-days", "1825",
                    "-subj", "/C=CN/O=Tenpay.com/CN=Tenpay.com Root CA (paysim)",
                    "-set_serial", "0x" + secrets.token_hex(16), "-out", self.key("platform.pem"))
        if not os.path.exists(self.key("apiv3.key")):
            with open(self.key("apiv3.key"), "w") as f:
                f.write("".join(secrets.choice(KEY_CHARS) for _ in range(32)))
            os.chmod(self.key("apiv3.key"), 0o600)
        return {"mchid": MCHID, "appid": APPID, "private_key": self.key("merchant.key"),
                "serial_no": MERCHANT_SERIAL, "api_v3_key": self.apiv3(),
                "platform_certs": self.key("platform.pem"), "platform_public_key": self.key("platform-pk.pub"),
                "platform_public_key_id": PUBKEY_ID}

    def apiv3(self):
        with open(self.key("apiv3.key")) as f:
            return f.read().strip()

    def platform_serial(self):
        out = openssl("x509", "-in", self.key("platform.pem"), "-noout", "-serial").decode()
        return out.strip().split("=", 1)[1].upper()

    # What WeChat Pay sends: signed answers and notifications.

    def sign(self, message, mode="cert"):
        """Headers of a message signed by the platform: with the certificate's key or the public key's."""
        ts, nonce = str(int(time.time())), secrets.token_hex(16)
        key = self.key("platform.key" if mode == "cert" else "platform-pk.key")
        sig = rsa2_sign(key, ("%s\n%s\n%s\n" % (ts, nonce, message)).encode())
        return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce, "Wechatpay-Signature": sig,
                "Wechatpay-Serial": self.platform_serial() if mode == "cert" else PUBKEY_ID}

    def event(self, t, **over):
        """A TRANSACTION.SUCCESS notification of t, its transaction changed by over (None removes a field)."""
        tx = {"mchid": MCHID, "appid": APPID, "out_trade_no": t["out_trade_no"], "transaction_id": t["trade_no"],
              "trade_type": "NATIVE", "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
              "bank_type": "OTHERS", "attach": "", "success_time": beijing_iso(), "payer": {"openid": OPENID},
              "amount": {"total": t["total"], "payer_total": t["total"], "currency": "CNY", "payer_currency": "CNY"}}
        for k, v in over.items():
            if v is None:
                tx.pop(k, None)
            else:
                tx[k] = v
        nonce, aad = secrets.token_hex(6), "transaction"
        ct = aesgcm(self.apiv3().encode()).encrypt(nonce.encode(), json.dumps(tx, ensure_ascii=False).encode(),
                                                   aad.encode())
        return json.dumps({"id": secrets.token_hex(18), "create_time": tx["success_time"],
                           "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS",
                           "summary": "支付成功", "resource": {"original_type": "transaction",
                                                           "algorithm": "AEAD_AES_256_GCM",
                                                           "ciphertext": base64.b64encode(ct).decode(),
                                                           "associated_data": aad, "nonce": nonce}},
                          ensure_ascii=False)

    def plain(self, body):
        """The decrypted transaction of a notification body, or "{}" when it has none that opens."""
        from cryptography.exceptions import InvalidTag
        try:
            r = json.loads(body)["resource"]
            return aesgcm(self.apiv3().encode()).decrypt(r["nonce"].encode(), base64.b64decode(r["ciphertext"]),
                                                         r["associated_data"].encode()).decode()
        except (ValueError, KeyError, TypeError, binascii.Error, InvalidTag):
            return "{}"

    def post(self, url, body, headers):
        req = urllib.request.Request(url, data=body.encode(), method="POST",
                                     headers=dict(headers, **{"Content-Type": "application/json"}))
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                return r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")
        except (urllib.error.URLError, OSError) as e:
            return 0, str(e)

    def notify_until_success(self, t):
        delay = self.retry_base
        for attempt in range(8):
            while self.outage():  # the provider is down: its notifications wait
                time.sleep(0.5)
            body = self.event(t)
            st, ans = self.post(t["notify_url"], body, self.sign(body))
            t["notifications"].append({"status": st, "answer": ans[:40]})
            say("wechat notify %s attempt %d: %s" % (t["out_trade_no"], attempt + 1, st))
            if st in (200, 204):
                return
            time.sleep(delay)
            delay *= 2

    # The merchant's API calls under /v3/.

    def signed_by_merchant(self, req, body, first_auth_word=False):
        """Whether the Authorization header signs this request with the merchant's key."""
        auth = req.headers.get("Authorization", "")
        fields = dict(re.findall(r'(\w+)="([^"]*)"', auth))
        message = "%s\n%s\n%s\n%s\n%s\n" % (req.command, req.path, fields.get("timestamp", ""),
                                           fields.get("nonce_str", ""), body)
        return ((not first_auth_word or auth.startswith("WECHATPAY2-SHA256-RSA2048 ")) and
                fields.get("mchid") == MCHID and
                (not first_auth_word or fields.get("serial_no") == MERCHANT_SERIAL) and
                rsa2_verify(self.key("merchant.pub"), message.encode(), fields.get("signature", "")))

    def api(self, req, path):
        body = req.body() if req.command == "POST" else ""
        routes = [("GET", lambda p: p.startswith("/v3/pay/transactions/out-trade-no/"), self.query),
                  ("POST", lambda p: p == "/v3/pay/transactions/native", self.native),
                  ("POST", lambda p: p == "/v3/pay/transactions/h5", self.h5),
                  ("POST", lambda p: p == "/v3/refund/domestic/refunds", self.refund),
                  ("POST", lambda p: p.startswith("/v3/pay/transactions/out-trade-no/") and p.endswith("/close"),
                   self.close)]
        for method, match, handler in routes:
            if req.command == method and match(path):
                if not self.signed_by_merchant(req, body, handler in (self.native, self.h5)):
                    say("wechat: refused a request with a bad signature")
                    return req.send_json(401, {"code": "SIGN_ERROR", "message": "签名错误"})
                return handler(req, path, body)
        req.send_json(404, {"code": "NOT_FOUND"})

    def place(self, req, body, h5):
        """Native (a code_url the computer shows as a QR code) or H5 (手机浏览器: the payer's address and a Wap
        scene are required; an h5_url the phone's browser opens, to which the merchant appends redirect_url, where
        WeChat sends the phone after paying)."""
        try:
            r = json.loads(body)
            assert r["mchid"] == MCHID and r["appid"] == APPID and r["amount"]["currency"] == "CNY"
            if h5:
                assert r["scene_info"]["payer_client_ip"] and r["scene_info"]["h5_info"]["type"] in ("Wap", "iOS",
                                                                                                     "Android")
            total = int(r["amount"]["total"])
        except (ValueError, KeyError, AssertionError, TypeError):
            return req.send_json(400, {"code": "PARAM_ERROR", "message": "参数错误"})
        token = secrets.token_urlsafe(12)
        self.trades.add(token, {"trade_no": "42000" + "%023d" % secrets.randbelow(10**23),
                                "out_trade_no": r["out_trade_no"], "total": total,
                                "total_amount": "%d.%02d" % (total // 100, total % 100),
                                "subject": r.get("description", ""), "notify_url": r.get("notify_url", ""),
                                "status": "NOTPAY", "provider": "wechat", "notifications": [],
                                "trade_type": "MWEB" if h5 else "NATIVE"})
        host = req.headers.get("Host", "127.0.0.1")
        ans = json.dumps({"h5_url": "http://%s/wechat/h5?prepay_id=%s&package=%d" % (host, token, secrets.randbelow(10**10))}
                         if h5 else {"code_url": "http://%s/wechat/scan?pr=%s" % (host, token)})
        req.send_json(200, ans, self.sign(ans))

    def native(self, req, path, body):
        self.place(req, body, False)

    def h5(self, req, path, body):
        self.place(req, body, True)

    def close(self, req, path, body):
        no = path.split("/")[-2]
        with self.trades.lock:
            found = [t for t in self.trades.by_token.values() if t.get("provider") == "wechat" and
                     t["out_trade_no"] == no]
            for t in found:
                if t["status"] == "NOTPAY":
                    t["status"] = "CLOSED"
        if not found:
            return req.send_json(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
        req.send(204, "", "application/json")

    def refund(self, req, path, body):
        try:
            r = json.loads(body)
            fen = int(r["amount"]["refund"])
        except (ValueError, KeyError, TypeError):
            return req.send_json(400, {"code": "PARAM_ERROR", "message": "参数错误"})
        t = self.trades.by_trade_no(r.get("transaction_id", ""))
        if t is None:
            ans = json.dumps({"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"}, ensure_ascii=False)
            return req.send_json(404, ans, self.sign(ans))
        done, _, _ = self.trades.refund(t, r.get("out_refund_no", ""), fen)
        if not done:
            ans = json.dumps({"code": "INVALID_REQUEST", "message": "退款金额超过可退金额"}, ensure_ascii=False)
            return req.send_json(400, ans, self.sign(ans))
        ans = json.dumps({"refund_id": "50000" + "%023d" % secrets.randbelow(10**23),
                          "out_refund_no": r["out_refund_no"], "transaction_id": t["trade_no"],
                          "out_trade_no": t["out_trade_no"], "status": "SUCCESS",
                          "amount": {"refund": fen, "total": t["total"], "currency": "CNY"}})
        req.send_json(200, ans, self.sign(ans))

    def query(self, req, path, body):
        t = self.trades.find("wechat", path.rsplit("/", 1)[1])
        if t is None:
            ans = json.dumps({"code": "ORDER_NOT_EXIST", "message": "订单不存在"}, ensure_ascii=False)
            return req.send_json(404, ans, self.sign(ans))
        tx = {"mchid": MCHID, "appid": APPID, "out_trade_no": t["out_trade_no"], "transaction_id": t["trade_no"],
              "trade_type": t.get("trade_type", "NATIVE"), "trade_state": t["status"], "trade_state_desc": "",
              "amount": {"total": t["total"], "currency": "CNY"}, "payer": {"openid": OPENID}}
        if t["status"] == "SUCCESS":
            tx["success_time"] = beijing_iso()
        ans = json.dumps(tx, ensure_ascii=False)
        req.send_json(200, ans, self.sign(ans))

    # The customer's phone: the scanned code and 确认支付.

    def cashier(self, req, title, token, extra):
        """The page that shows the trade of token and its 确认支付 (extra: more of the form, escaped)."""
        t = self.trades.get(token)
        if t is None:
            return req.send(404, page("微信支付", "支付链接或二维码已失效"))
        req.send(200, page(title,
                           "<p>%s</p><p>商户订单号：<b id=out-trade-no>%s</b></p><p class=amt id=amount>￥%s</p>"
                           "<form method=post action=/wechat/pay><input type=hidden name=pr value=%s>%s"
                           "<button id=pay type=submit>确认支付</button></form>"
                           % (html.escape(t["subject"]), html.escape(t["out_trade_no"]),
                              html.escape(t["total_amount"]), html.escape(token), extra)))

    def scan(self, req, q):
        """The scanned code, on the simulated phone."""
        self.cashier(req, "微信支付（模拟）", q.get("pr", ""),
                     "<label style='display:block;margin:0 0 12px;color:#888'><input type=checkbox "
                     "name=lose value=1 id=lose> 模拟通知丢失（测试主动查询）</label>")

    def h5_page(self, req, q):
        """The H5 cashier in the phone's browser; after paying, back to the merchant's redirect_url."""
        back = q.get("redirect_url", "")
        if not back.startswith(("http://", "https://")):
            return req.send(400, page("微信支付", "商户参与支付的网址无效（redirect_url）"))
        self.cashier(req, "微信支付（模拟 H5）", q.get("prepay_id", ""),
                     "<input type=hidden name=redirect_url value=\"%s\">" % html.escape(back))

    def pay(self, req, q):
        with self.trades.lock:
            t = self.trades.by_token.get(q.get("pr", ""))
            if t is None or t["status"] != "NOTPAY":
                return req.send(400, page("微信支付", "交易不存在或已支付"))
            t["status"] = "SUCCESS"
        if not self.lose_notify and q.get("lose") != "1":
            threading.Thread(target=self.notify_until_success, args=(t,), daemon=True).start()
        if q.get("redirect_url", "").startswith(("http://", "https://")):
            return req.send(302, "", headers={"Location": q["redirect_url"]})  # H5: back to the merchant
        req.send(200, page("微信支付（模拟）", "<p id=done>支付成功</p><p>请回到电脑上的订单页面。</p>"))

    # `paysim wechat-notify`: one notification, signed, skewed, tampered or replayed as asked (tests).

    def notify_command(self, a):
        t = {"trade_no": "42000" + "%023d" % secrets.randbelow(10**23), "out_trade_no": a.out_trade_no,
             "total": a.total}
        over = {}
        for kv in a.set:
            k, _, v = kv.partition("=")
            over[k] = None if v == "" else v
        body = self.event(t, **over)
        headers = self.sign(body, a.mode if a.mode != "unknown" else "cert")
        if a.mode == "unknown":
            headers["Wechatpay-Serial"] = "0123456789ABCDEF"
        if a.skew:
            headers["Wechatpay-Timestamp"] = str(int(headers["Wechatpay-Timestamp"]) + a.skew)
        if a.new_nonce:
            headers["Wechatpay-Nonce"] = secrets.token_hex(16)
        if a.tamper:
            body = body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ', 1)
        if a.replay:
            with open(a.replay) as f:
                r = json.load(f)
            body, headers = r["body"], r["headers"]
        st, ans = self.post(a.url, body, headers)
        return {"status": st, "answer": ans, "transaction_id": json.loads(self.plain(body)).get("transaction_id"),
                "body": body, "headers": headers}
