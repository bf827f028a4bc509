"""支付宝, as documented for alipay.trade.page.pay / alipay.trade.wap.pay: the gateway checks the merchant's
RSA2-signed request (a bad signature is refused with invalid-signature, as Alipay does) and shows a cashier
page; paying sends the signed asynchronous notification to notify_url (resent with growing delays until the
answer is `success`) and returns the browser to return_url with the signed synchronous parameters.
alipay.trade.query, .refund and .close answer as Alipay does, signed over the exact text sent.

Keys (DIR/alipay): the merchant's pair (app.key for certrenew's alipay.private_key, app.pub to check
requests) and the platform's (platform.key signs what Alipay sends, platform.pub is certrenew's
alipay.public_key)."""
import html
import json
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from common import beijing, new_key, page, rsa2_sign, rsa2_verify, say

APP_ID = "2021000000000001"
SELLER_ID = "2088000000000001"
BUYER = {"buyer_logon_id": "159****5620", "buyer_id": "2088102177846880"}


def content(params, request):
    """What Alipay signs: sorted k=v joined by &, sign left out (and sign_type for notifications);
    requests leave out empty values."""
    keys = sorted(k for k in params if k != "sign" and (request or k != "sign_type") and
                  (not request or params[k] != ""))
    return "&".join("%s=%s" % (k, params[k]) for k in keys)


def biz(q):
    """The request's biz_content as an object ({} when it is not one)."""
    try:
        b = json.loads(q.get("biz_content", "{}"))
    except ValueError:
        return {}
    return b if isinstance(b, dict) else {}


class Alipay:
    def __init__(self, root, trades):
        self.dir = os.path.join(root, "alipay")
        self.trades = trades
        self.lose_notify = False
        self.outage = lambda: False
        self.retry_base = 1.0
        self.encoding = "utf-8"

    def key(self, name):
        return os.path.join(self.dir, name)

    def init(self):
        os.makedirs(self.dir, exist_ok=True)
        for name in ("app", "platform"):
            new_key(self.key(name + ".key"), self.key(name + ".pub"))
        return {"app_id": APP_ID, "seller_id": SELLER_ID, "private_key": self.key("app.key"),
                "public_key": self.key("platform.pub")}

    # What Alipay sends: notifications and signed answers.

    def signed(self, params, key=None):
        params = dict(params)
        params["sign"] = rsa2_sign(key or self.key("platform.key"), content(params, False).encode(self.encoding))
        return params

    def notify_params(self, t, **over):
        p = {"notify_time": beijing(), "notify_type": "trade_status_sync", "notify_id": secrets.token_hex(16),
             "app_id": t["app_id"], "charset": self.encoding, "version": "1.0", "sign_type": "RSA2",
             "trade_no": t["trade_no"], "out_trade_no": t["out_trade_no"], "seller_id": SELLER_ID,
             "trade_status": t["status"], "total_amount": t["total_amount"], "receipt_amount": t["total_amount"],
             "gmt_create": t["created"], "gmt_payment": t.get("paid", ""), "subject": t["subject"]}
        p.update(BUYER)
        p.update(over)
        return p

    def post_notify(self, url, params):
        charset = params.get("charset", "utf-8")
        body = urllib.parse.urlencode(params, encoding=charset).encode()
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=" + charset})
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                return r.status, r.read().decode(errors="replace").strip()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace").strip()
        except (urllib.error.URLError, OSError) as e:
            return 0, str(e)

    def notify_until_success(self, t):
        """Alipay resends until `success` (4m, 10m, 10m, 1h, 2h, 6h, 15h); here the delays are compressed."""
        delay = self.retry_base
        for attempt in range(8):
            while self.outage():  # the provider is down: its notifications wait
                time.sleep(0.5)
            st, body = self.post_notify(t["notify_url"], self.signed(self.notify_params(t)))
            t["notifications"].append({"status": st, "answer": body[:40]})
            say("notify %s attempt %d: %s %s" % (t["out_trade_no"], attempt + 1, st, body[:40]))
            if body == "success":
                return
            time.sleep(delay)
            delay *= 2

    def answer(self, req, method, r):
        """An API answer: the response object signed as the exact text it is sent as."""
        text = json.dumps(r, ensure_ascii=False, separators=(",", ":"))
        sign = rsa2_sign(self.key("platform.key"), text.encode())
        req.send(200, '{"%s_response":%s,"sign":"%s"}' % (method.replace(".", "_"), text, sign),
                 "application/json; charset=utf-8")

    # The merchant's requests.

    def gateway(self, req, q):
        method = q.get("method")
        apis = {"alipay.trade.query": self.query, "alipay.trade.refund": self.refund,
                "alipay.trade.close": self.close}
        signed = q.get("app_id") == APP_ID and rsa2_verify(self.key("app.pub"), content(q, True).encode(),
                                                          q.get("sign", ""))
        if method in apis:
            if not signed:
                return req.send(200, '{"error_response":{"code":"40002","msg":"Invalid Arguments",'
                                     '"sub_code":"isv.invalid-signature"}}', "application/json")
            return self.answer(req, method, apis[method](biz(q)))
        if method not in ("alipay.trade.page.pay", "alipay.trade.wap.pay"):
            return req.send(400, page("错误", "错误代码 invalid-method"))
        if q.get("app_id") != APP_ID:
            return req.send(400, page("错误", "错误代码 isv.invalid-app-id"))
        if q.get("sign_type") != "RSA2" or not signed:
            say("refused a request with a bad signature")
            return req.send(400, page("错误", "错误代码 invalid-signature 验签出错"))
        try:
            b = json.loads(q.get("biz_content", ""))
        except ValueError:
            return req.send(400, page("错误", "错误代码 isv.invalid-biz-content"))
        self.cashier(req, q, b)

    def cashier(self, req, q, b):
        amount = b.get("total_amount", "")
        trade = {"trade_no": time.strftime("%Y%m%d", time.gmtime()) + "2200" + "%012d" % secrets.randbelow(10**12),
                 "total": yuan_to_fen(amount) if yuan_to_fen(amount) >= 0 else 0,
                 "app_id": q["app_id"], "out_trade_no": b.get("out_trade_no", ""), "total_amount": amount,
                 "subject": b.get("subject", ""), "notify_url": q.get("notify_url", ""),
                 "return_url": q.get("return_url", ""), "status": "WAIT_BUYER_PAY", "created": beijing(),
                 "method": q["method"], "notifications": [], "provider": "alipay"}
        token = secrets.token_urlsafe(12)
        self.trades.add(token, trade)
        req.send(200, page("支付宝 收银台（模拟）",
                           "<p>订单：%s</p><p>商户订单号：<b id=out-trade-no>%s</b></p><p class=amt id=amount>￥%s</p>"
                           "<form method=post action=/alipay/pay><input type=hidden name=t value=%s>"
                           "<button id=pay type=submit>确认支付</button>"
                           "<label style='display:block;margin-top:12px;color:#888'><input type=checkbox "
                           "name=lose value=1 id=lose> 模拟通知丢失（测试主动查询）</label></form>"
                           % (html.escape(trade["subject"]), html.escape(trade["out_trade_no"]),
                              html.escape(trade["total_amount"]), token)))

    def query(self, b):
        no = b.get("out_trade_no", "")
        t = self.trades.find("alipay", no)
        if t is None:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST",
                    "sub_msg": "交易不存在", "out_trade_no": no}
        return {"code": "10000", "msg": "Success", "trade_no": t["trade_no"], "out_trade_no": no,
                "buyer_logon_id": BUYER["buyer_logon_id"], "trade_status": t["status"],
                "total_amount": t["total_amount"], "buyer_pay_amount": t["total_amount"],
                "send_pay_date": t.get("paid", ""), "buyer_user_id": BUYER["buyer_id"]}

    def refund(self, b):
        t = self.trades.by_trade_no(b.get("trade_no", ""))
        if t is None:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"}
        done, total, repeated = self.trades.refund(t, b.get("out_request_no", ""),
                                                   yuan_to_fen(b.get("refund_amount", "0")))
        if not done:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                    "sub_msg": "退款金额超限"}
        return {"code": "10000", "msg": "Success", "trade_no": t["trade_no"], "out_trade_no": t["out_trade_no"],
                "buyer_logon_id": BUYER["buyer_logon_id"], "fund_change": "N" if repeated else "Y",
                "refund_fee": "%d.%02d" % (total // 100, total % 100)}

    def close(self, b):
        no = b.get("out_trade_no", "")
        t = self.trades.find("alipay", no)
        if t is None:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"}
        if t["status"] != "WAIT_BUYER_PAY":
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR",
                    "sub_msg": "交易状态不合法"}
        with self.trades.lock:
            for x in self.trades.by_token.values():
                if x.get("provider") == "alipay" and x["out_trade_no"] == no and x["status"] == "WAIT_BUYER_PAY":
                    x["status"] = "TRADE_CLOSED"
        return {"code": "10000", "msg": "Success", "trade_no": t["trade_no"], "out_trade_no": no}

    # The customer on the cashier page.

    def pay(self, req, q):
        with self.trades.lock:
            t = self.trades.by_token.get(q.get("t", ""))
            if t is None or t["status"] != "WAIT_BUYER_PAY":
                return req.send(400, page("错误", "交易不存在或已支付"))
            t["status"], t["paid"] = "TRADE_SUCCESS", beijing()
        if not self.lose_notify and q.get("lose") != "1":
            threading.Thread(target=self.notify_until_success, args=(t,), daemon=True).start()
        ret = {"out_trade_no": t["out_trade_no"], "trade_no": t["trade_no"], "total_amount": t["total_amount"],
               "app_id": t["app_id"], "method": t["method"] + ".return", "timestamp": beijing(),
               "seller_id": SELLER_ID, "charset": "utf-8", "version": "1.0", "sign_type": "RSA2"}
        ret = self.signed(ret)
        sep = "&" if "?" in t["return_url"] else "?"
        req.send(302, "", headers={"Location": t["return_url"] + sep + urllib.parse.urlencode(ret)})

    # `paysim notify`: one notification with chosen fields (tests).

    def notify_command(self, a):
        self.encoding = a.charset
        t = {"trade_no": "2026" + "%020d" % secrets.randbelow(10**20), "app_id": APP_ID, "out_trade_no": "",
             "total_amount": "", "subject": "数字证书更新", "status": "TRADE_SUCCESS", "created": beijing(),
             "paid": beijing()}
        p = self.notify_params(t)
        for kv in a.set:
            k, _, v = kv.partition("=")
            if v == "":
                p.pop(k, None)
            else:
                p[k] = v
        p = self.signed(p, a.key)
        if a.tamper:
            k, _, v = a.tamper.partition("=")
            p[k] = v
        st, body = self.post_notify(a.url, p)
        return {"status": st, "answer": body, "trade_no": p.get("trade_no")}


def yuan_to_fen(yuan):
    """Fen of an amount written as Alipay writes it ("200.00"); -1 when it is not one."""
    m = re.fullmatch(r"(\d+)(?:\.(\d{1,2}))?", yuan or "")
    if not m:
        return -1
    return int(m.group(1)) * 100 + int((m.group(2) or "0").ljust(2, "0"))
