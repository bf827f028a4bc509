/*
 * 支付宝 (SPEC 8): the RSA2-signed request of 电脑网站支付
 * (alipay.trade.page.pay) and 手机网站支付 (alipay.trade.wap.pay), and the
 * asynchronous notification, verified offline on its raw parameters before
 * anything else is read.  Configuration [alipay]: app_id, private_key (ours,
 * PEM file), public_key (Alipay's, PEM or bare base64 file), gateway,
 * seller_id (optional, checked when set).  Keys are read on first use in a
 * process (a SIGHUP makes new FastCGI workers: rotation without restart).
 */
#ifndef CR_ALIPAY_H
#define CR_ALIPAY_H

#include "config.h"
#include "db.h"
#include "form.h"
#include "onlinepay.h"
#include "pay.h"

/* Whether [alipay] is configured (app_id and both keys). */
int cr_alipay_enabled(const struct cr_config *cfg);

/*
 * The gateway URL that starts paying a (out at least 8 KiB): signed,
 * total_amount its amount in yuan, timeout_express no later than the
 * order's expiry, notify_url and return_url under web.public_url.
 */
int cr_alipay_pay_url(const struct cr_config *cfg, const struct cr_pay_attempt *a, int mobile, char *out,
                      size_t outlen, struct cr_err *err);

/*
 * The RSA2 signature of f checked with Alipay's key: SHA256withRSA over
 * the parameters sorted by name, sign and sign_type left out, empty values
 * kept, on the raw bytes as sent.  0 when it holds; CR_EINVAL otherwise.
 */
int cr_alipay_verify(const struct cr_config *cfg, const struct cr_form *f, struct cr_err *err);

/*
 * Asks Alipay about order_no's trade (alipay.trade.query) and books it when
 * paid (source "query"): for a customer who came back from paying when no
 * notification arrived.  0 also when there is nothing to book.
 */
int cr_alipay_query(struct cr_db *db, const struct cr_config *cfg, const char *order_no, int *booked,
                    struct cr_err *err);

/*
 * Refunds amount_fen of Alipay trade trade_no (alipay.trade.refund) under
 * refund_no (out_request_no: the same number again refunds once).  0 when
 * refunded; CR_EINVAL (Chinese reason) when Alipay refuses; CR_EUPSTREAM
 * when the outcome is unknown (ask again with the same number).
 */
int cr_alipay_refund(const struct cr_config *cfg, const char *trade_no, long long amount_fen,
                     const char *refund_no, const char *reason, struct cr_err *err);

/* Closes order_no's open trade (alipay.trade.close; one never opened is fine): the order expired. */
int cr_alipay_close(const struct cr_config *cfg, const char *order_no, struct cr_err *err);

/* The content Alipay signs for f (the caller frees it); NULL when out of memory. */
char *cr_alipay_sign_content(const struct cr_form *f, int for_request);

#endif
