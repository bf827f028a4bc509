/*
 * 微信支付 APIv3 (SPEC 8): Native orders (a code_url shown as a QR code),
 * signed with the merchant's key (WECHATPAY2-SHA256-RSA2048) and their
 * answers' signatures checked; notifications verified on
 * "timestamp\nnonce\nbody\n" with the key Wechatpay-Serial names — a
 * platform certificate (several may be configured, for rotation) or the
 * platform public key (PUB_KEY_ID_…) — within five minutes, then the
 * resource decrypted (AEAD_AES_256_GCM under the APIv3 key) and checked.
 * Configuration [wechat]: mchid, appid, private_key, serial_no, api_v3_key,
 * platform_certs (files, separated by spaces), platform_public_key,
 * platform_public_key_id, api_base.
 */
#ifndef CR_WECHAT_H
#define CR_WECHAT_H

#include "config.h"
#include "db.h"
#include "onlinepay.h"
#include "pay.h"

#define CR_WECHAT_SKEW 300 /* seconds a notification's timestamp may be off */

/* Whether [wechat] is configured (merchant, key, APIv3 key and at least one platform key). */
int cr_wechat_enabled(const struct cr_config *cfg);

/* Opens a Native trade for a; its code_url into out (at least 512 bytes). */
int cr_wechat_native(const struct cr_config *cfg, const struct cr_pay_attempt *a, char *out, size_t outlen,
                     struct cr_err *err);
/* Whether the merchant has H5 (wechat.h5 = yes), the way to pay on a phone's browser. */
int cr_wechat_h5_enabled(const struct cr_config *cfg);
/*
 * Opens an H5 trade for a, paid from client_ip's phone: its h5_url, with
 * redirect_url back to the order's page, into out.
 */
int cr_wechat_h5(const struct cr_config *cfg, const struct cr_pay_attempt *a, const char *client_ip,
                 char *out, size_t outlen, struct cr_err *err);

/* The headers of a notification or an answer. */

/* Checks a signed message from WeChat Pay (time window, key by serial, signature); 0 when it holds. */
int cr_wechat_verify(const struct cr_config *cfg, const struct cr_wechat_sig *s, const char *body, size_t len,
                     struct cr_err *err);

/* Asks WeChat Pay about order_no's trade and books it when paid (source "query"); 0 when nothing to book. */
int cr_wechat_query(struct cr_db *db, const struct cr_config *cfg, const char *order_no, int *booked,
                    struct cr_err *err);

/*
 * Refunds amount_fen of transaction trade_no (of total_fen) under refund_no
 * (out_refund_no: the same number again refunds once).  0 with *done set
 * when refunded, clear while WeChat Pay is still processing it; CR_EINVAL
 * (Chinese reason) when refused; CR_EUPSTREAM when the outcome is unknown.
 */
int cr_wechat_refund(const struct cr_config *cfg, const char *trade_no, long long total_fen,
                     long long amount_fen, const char *refund_no, const char *reason, int *done,
                     struct cr_err *err);

/* Closes order_no's open Native trade (…/close; one never opened is fine): the order expired. */
int cr_wechat_close(const struct cr_config *cfg, const char *order_no, struct cr_err *err);

#endif
