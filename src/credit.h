/*
 * One transaction of a bank statement, normalised (SPEC 7): what every
 * statement reader produces (camt.c for ISO 20022 XML; a bank-export
 * reader beside it later) and what matching and booking consume, so that
 * a new format touches neither.
 *
 * A reader calls a cr_credit_fn once per transaction, in file order,
 * debits and other accounts included (the importer decides what counts);
 * the record and its strings live only for the call.  A callback that
 * returns non-zero stops the reader, which returns that code.
 */
#ifndef CR_CREDIT_H
#define CR_CREDIT_H

#include "err.h"

#define CR_CREDIT_REF_MAX 140   /* AcctSvcrRef, EndToEndId: Max35Text, with room */
#define CR_CREDIT_NAME_MAX 560  /* Max140Text in UTF-8 */
#define CR_CREDIT_TEXT_MAX 4096 /* remittance texts joined; cut beyond */

struct cr_credit {
	char account[CR_CREDIT_REF_MAX + 1]; /* the statement's account (IBAN or other id), as given */
	long long amount_fen;                /* whole fen; see sub_fen */
	int sub_fen;                         /* the amount had non-zero digits past the fen */
	char currency[4];                    /* ISO 4217 */
	int credit;                          /* 1 CRDT, 0 DBIT */
	int reversal;                        /* RvslInd true */
	char status[8];                      /* BOOK, PDNG, INFO, ... ("BOOK" when absent) */
	char booking_date[11];               /* YYYY-MM-DD, or "" */
	char value_date[11];                 /* YYYY-MM-DD, or "" */
	char ref[CR_CREDIT_REF_MAX + 1];     /* AcctSvcrRef of the transaction, else of the entry, or "" */
	char end_to_end[CR_CREDIT_REF_MAX + 1];
	char text[CR_CREDIT_TEXT_MAX + 1]; /* remittance texts joined by " | " */
	char debtor_name[CR_CREDIT_NAME_MAX + 1];
	char debtor_account[CR_CREDIT_REF_MAX + 1];
	long entry; /* which entry (1-based) of the file */
	long line;  /* line of the file where its entry starts */
	int tx;     /* which transaction (1-based) of its entry; ntx: how many the entry has */
	int ntx;
	char entry_ref[CR_CREDIT_REF_MAX + 1]; /* the entry's own AcctSvcrRef, or "" */
};

typedef int (*cr_credit_fn)(const struct cr_credit *c, void *arg);

/* What a reader saw of a file as a whole. */
struct cr_statement_info {
	char kind[16];     /* "camt.053.001.02" ... */
	long entries;      /* entries (Ntry) read */
	long transactions; /* records handed to the callback */
};

#endif
