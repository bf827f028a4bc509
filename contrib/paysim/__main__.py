"""paysim: plays the online payment providers locally for certrenew's tests and demo (never production).

One module per provider (alipay.py: 支付宝 电脑网站支付 and 手机网站支付; wechat.py: 微信支付 APIv3 Native), each
with its keys, its gateway or API, its cashier page and its notifications; common.py holds what they share.
The `openssl` command does the cryptography (and python3-cryptography WeChat Pay's AES-GCM).

    python3 contrib/paysim --dir DIR init     keys, and the configuration lines to use (JSON)
    python3 contrib/paysim --dir DIR serve [--listen 127.0.0.1:28080] [--lose-notify] [--retry-base 1]
    python3 contrib/paysim --dir DIR notify ...         (tests) one Alipay notification with chosen fields
    python3 contrib/paysim --dir DIR wechat-notify ...  (tests) the same for WeChat Pay (--mode, --skew, --tamper)
"""
import argparse
import json
import os
import sys
import time
import urllib.parse
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from alipay import Alipay  # noqa: E402
from common import Request, Trades, page, say  # noqa: E402
from wechat import Wechat  # noqa: E402


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, alipay, wechat, trades):
        super().__init__(address, Request)
        self.alipay, self.wechat, self.trades = alipay, wechat, trades

    # An outage of the providers' APIs (tests): "error" answers 500, "hang" holds the request without an
    # answer; the cashier pages still work, notifications wait.  POST /paysim/fault?mode=…&seconds=N.
    fault = ("none", 0.0)

    def faulted(self, req):
        mode, until = self.fault
        if mode == "none" or time.time() >= until:
            return False
        if mode == "hang":
            time.sleep(max(0.0, min(until - time.time(), 120.0)))
            req.close_connection = True
            return True
        req.send(500, '{"code":"SYSTEM_ERROR","message":"系统繁忙"}', "application/json; charset=utf-8")
        return True

    def route(self, req):
        if req.path.startswith("/v3/"):
            if self.faulted(req):
                return None
            return self.wechat.api(req, urllib.parse.urlsplit(req.path).path)
        path, q = req.params()
        if path == "/paysim/fault":
            mode = q.get("mode", "none")
            self.fault = (mode, time.time() + float(q.get("seconds", "60")))
            self.alipay.outage = self.wechat.outage = lambda: self.fault[0] != "none" and time.time() < self.fault[1]
            return req.send(200, json.dumps({"mode": mode}), "application/json")
        if path == "/alipay/gateway.do" and q.get("method") not in ("alipay.trade.page.pay", "alipay.trade.wap.pay") \
                and self.faulted(req):
            return None
        pages = {"/alipay/gateway.do": self.alipay.gateway, "/alipay/pay": self.alipay.pay,
                 "/wechat/scan": self.wechat.scan, "/wechat/pay": self.wechat.pay, "/wechat/h5": self.wechat.h5_page}
        if path in pages:
            return pages[path](req, q)
        if path == "/paysim/trades":
            return req.send(200, json.dumps(self.trades.all(), ensure_ascii=False), "application/json; charset=utf-8")
        req.send(404, page("未找到", "没有这个页面"))


def arguments():
    ap = argparse.ArgumentParser(prog="paysim")
    ap.add_argument("--dir", required=True)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("init")
    s = sub.add_parser("serve")
    s.add_argument("--listen", default="127.0.0.1:28080")
    s.add_argument("--lose-notify", action="store_true", help="never send notifications (the query must book)")
    s.add_argument("--retry-base", type=float, default=1.0, help="first resend delay in seconds (doubles)")
    n = sub.add_parser("notify", help="send one Alipay notification (tests)")
    n.add_argument("--url", required=True)
    n.add_argument("--set", action="append", default=[], help="field=value (an empty value removes it)")
    n.add_argument("--key", help="sign with this key instead of the platform's")
    n.add_argument("--charset", default="utf-8")
    n.add_argument("--tamper", help="field=value changed after signing")
    w = sub.add_parser("wechat-notify", help="send one WeChat Pay notification (tests)")
    w.add_argument("--url", required=True)
    w.add_argument("--out-trade-no", required=True)
    w.add_argument("--total", type=int, required=True, help="fen")
    w.add_argument("--set", action="append", default=[], help="transaction field=value (empty removes it)")
    w.add_argument("--mode", choices=("cert", "pubkey", "unknown"), default="cert")
    w.add_argument("--skew", type=int, default=0, help="seconds added to the timestamp after signing")
    w.add_argument("--new-nonce", action="store_true", help="replace the nonce after signing")
    w.add_argument("--tamper", action="store_true", help="change the body after signing")
    w.add_argument("--replay", help="a JSON file with body and headers to send again as they are")
    return ap.parse_args()


def main():
    a = arguments()
    root = os.path.abspath(a.dir)
    trades = Trades()
    alipay, wechat = Alipay(root, trades), Wechat(root, trades)
    if a.cmd == "init":
        print(json.dumps({"alipay": alipay.init(), "wechat": wechat.init()}))
    elif a.cmd == "serve":
        alipay.init()
        wechat.init()
        for p in (alipay, wechat):
            p.lose_notify, p.retry_base = a.lose_notify, a.retry_base
        host, _, port = a.listen.rpartition(":")
        srv = Server((host, int(port)), alipay, wechat, trades)
        say("serving on http://%s (alipay gateway /alipay/gateway.do, wechat /v3/)" % a.listen)
        try:
            srv.serve_forever()
        except KeyboardInterrupt:
            pass
    elif a.cmd == "notify":
        print(json.dumps(alipay.notify_command(a), ensure_ascii=False))
    elif a.cmd == "wechat-notify":
        print(json.dumps(wechat.notify_command(a), ensure_ascii=False))


main()
