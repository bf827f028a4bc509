/*
 * ISO 20022 bank statements (SPEC 7): camt.052 (BkToCstmrAcctRpt),
 * camt.053 (BkToCstmrStmt) and camt.054 (BkToCstmrDbtCdtNtfctn), every
 * version from 02 on (namespace urn:iso:std:iso:20022:tech:xsd:camt.05X.001.NN
 * matched by prefix), read as a stream with libxml2's xmlTextReader: one
 * entry (Ntry) expanded at a time and freed, so memory does not grow with
 * the file.
 *
 * Hostile input: no network, no DTD, no entity substitution; a file with a
 * DOCTYPE or an entity reference is refused.  A file that is not
 * well-formed, has another root or namespace, an amount that is not a
 * schema decimal (at most 5 fraction digits, no sign, no exponent), an
 * amount without a currency, or no statement at all is refused whole:
 * CR_EINVAL with the line and a Chinese reason (err->user) for finance.
 *
 * A batch booking (several TxDtls in one Ntry, each with its amount) gives
 * one record per transaction; otherwise the entry is one record.
 */
#ifndef CR_CAMT_H
#define CR_CAMT_H

#include <stddef.h>

#include "txn.h"

/* 1 when the first bytes (1 KiB is enough) look like XML: a camt file rather than a bank export or a web
 * page. */
int cr_camt_sniff(const void *head, size_t len);
/*
 * Reads path, calling fn for every transaction in file order.  Returns 0,
 * the callback's non-zero code, or an error (err) for a refused file;
 * info (may be NULL) says what was read.
 */
int cr_camt_read(const char *path, cr_txn_fn fn, void *arg, struct cr_statement_info *info,
                 struct cr_err *err);
/* The same for a statement held in memory. */
int cr_camt_read_memory(const void *data, size_t len, cr_txn_fn fn, void *arg, struct cr_statement_info *info,
                        struct cr_err *err);

#endif
