/*
 * One transaction read from a bank statement, normalised (SPEC 7): the
 * record every statement reader produces (camt.c for ISO 20022 XML,
 * bankexport.c for banks' exports) and what matching and booking consume,
 * so that a new format touches neither.  Not a stored credit: those are
 * credits.c's.
 *
 * A reader calls a cr_txn_fn once per transaction, in file order,
 * debits and other accounts included (the importer decides what counts);
 * the record and its strings live only for the call.  A callback that
 * returns non-zero stops the reader, which returns that code.
 */
#ifndef CR_TXN_H
#define CR_TXN_H

#include "err.h"

#define CR_TXN_REF_MAX 140   /* AcctSvcrRef, EndToEndId: Max35Text, with room */
#define CR_TXN_NAME_MAX 560  /* Max140Text in UTF-8 */
#define CR_TXN_TEXT_MAX 4096 /* remittance texts joined; cut beyond */

struct cr_txn {
	char account[CR_TXN_REF_MAX + 1]; /* the statement's account (IBAN or other id), as given */
	long long amount_fen;             /* whole fen; see sub_fen */
	int sub_fen;                      /* the amount had non-zero digits past the fen */
	char currency[4];                 /* ISO 4217 */
	int credit;                       /* 1 CRDT, 0 DBIT */
	int reversal;                     /* RvslInd true */
	char status[8];                   /* BOOK, PDNG, INFO, ... ("BOOK" when absent) */
	char booking_date[11];            /* YYYY-MM-DD, or "" */
	char value_date[11];              /* YYYY-MM-DD, or "" */
	char ref[CR_TXN_REF_MAX + 1];     /* AcctSvcrRef of the transaction, else of the entry, or "" */
	char end_to_end[CR_TXN_REF_MAX + 1];
	char text[CR_TXN_TEXT_MAX + 1]; /* remittance texts joined by " | " */
	char debtor_name[CR_TXN_NAME_MAX + 1];
	char debtor_account[CR_TXN_REF_MAX + 1];
	long entry; /* which entry (1-based) of the file */
	long line;  /* line of the file where its entry starts */
	int tx;     /* which transaction (1-based) of its entry; ntx: how many the entry has */
	int ntx;
	char entry_ref[CR_TXN_REF_MAX + 1]; /* the entry's own AcctSvcrRef, or "" */
};

typedef int (*cr_txn_fn)(const struct cr_txn *c, void *arg);

/* What a reader saw of a file as a whole. */
struct cr_statement_info {
	char kind[16];     /* "camt.053.001.02" ... */
	long entries;      /* entries (Ntry) read */
	long transactions; /* records handed to the callback */
	/*
	 * The balances the file states, when it is one statement of one account
	 * that gives both (camt Bal OPBD or PRCD, and CLBD), in fen (negative:
	 * overdrawn), with the net of its booked entries in that currency, so
	 * that the statement can be checked to add up and to continue the last.
	 */
	int balances;
	long long opening_fen, closing_fen, net_fen;
	char opening_date[11], closing_date[11];
	char account[CR_TXN_REF_MAX + 1];
	long balance_break; /* an export's first line whose 余额 does not follow the row before, or 0 */
};

#endif
