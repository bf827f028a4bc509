/*
 * Staff search (issue 23): what the text of one search box can name, and
 * the accounts it names, each answered from an index (schema 024), so that
 * a search costs the same at fifty thousand customers as at fifty.
 *
 * Names are found by any part of at least two characters: an account's
 * names are kept as their two-character pieces (account_grams); a search
 * reads the accounts of the rarest piece of what was typed and checks the
 * whole text against those accounts' current names only.  Codes (licence
 * code, ID number, phone) are found by their first eight or more characters.
 */
#ifndef CR_SEARCH_H
#define CR_SEARCH_H

#include <stddef.h>

#include <jansson.h>

#include "db.h"
#include "err.h"

#define CR_SEARCH_CHARS 50   /* the most a search box takes */
#define CR_SEARCH_BYTES 201  /* CR_SEARCH_CHARS of UTF-8 and the NUL */
#define CR_SEARCH_CODE_MIN 8 /* the fewest characters of a code looked up by its start */
#define CR_SEARCH_MAX_IDS 501

struct cr_search {
	char text[CR_SEARCH_BYTES];           /* as typed, without the white space around it */
	char key[CR_SEARCH_BYTES];            /* without any space: how names are compared */
	char like[2 * CR_SEARCH_BYTES + 2];   /* "%key%", LIKE's own characters escaped */
	char prefix[2 * CR_SEARCH_BYTES + 2]; /* "key%", escaped */
	char code[19];        /* the key upper-cased when it is 8-18 ASCII letters and digits, else "" */
	char code_like[20];   /* "CODE%" */
	char order_no[9];     /* the key when it is eight digits (valid or not), else "" */
	long long amount_fen; /* the key as an amount of yuan (1200, 1,200.50, ¥1200), else -1 */
	long chars;           /* characters of key */
};

/* A name in SQL without the spaces people and banks put in (ASCII, tab, U+3000), as account_grams keeps it.
 */
#define CR_NAME_KEY(c) "REPLACE(REPLACE(REPLACE(" c ", ' ', ''), '\\t', ''), '\xe3\x80\x80', '')"
/*
 * An application a of account u that the search names itself (of the accounts
 * cr_search_accounts found, the applications it is about): seven parameters.
 */
#define CR_SEARCH_APP_MATCH                                                                                  \
	" (" CR_NAME_KEY("a.company_name") " LIKE ? OR " CR_NAME_KEY(                                        \
	    "a.applicant_name") " LIKE ?"                                                                    \
	                        " OR a.license_no LIKE ? OR a.id_card_no LIKE ? OR a.phone LIKE ?"           \
	                        " OR " CR_NAME_KEY("u.login") " LIKE ? OR " CR_NAME_KEY(                     \
	                            "u.display_name") " LIKE ?)"
#define CR_SEARCH_APP_TYPES "sssssss"
#define CR_SEARCH_CODE_LIKE(s) ((s)->code[0] ? (s)->code_like : NULL)
#define CR_SEARCH_APP_ARGS(s)                                                                                \
	(s)->like, (s)->like, CR_SEARCH_CODE_LIKE(s), CR_SEARCH_CODE_LIKE(s), CR_SEARCH_CODE_LIKE(s),        \
	    (s)->like, (s)->like

/*
 * Reads the search box's text q (NULL or blank: no search, s->key empty).
 * Refuses more than CR_SEARCH_CHARS characters or text that is not printable
 * UTF-8, naming field.
 */
int cr_search_parse(const char *q, const char *field, struct cr_search *s, struct cr_err *err);

/*
 * The accounts s names (by a name, or by a licence code, ID number or phone
 * of one of their applications) with ids below after (0: from the newest),
 * newest first: up to max (at most CR_SEARCH_MAX_IDS) ids into ids, *n their count.  A text of one
 * character is refused (a piece is two).
 */
int cr_search_accounts(struct cr_db *db, const struct cr_search *s, long long after, size_t max,
                       long long *ids, size_t *n, struct cr_err *err);

/* Keeps an account's names findable: adds the pieces of the names a and b (either may be NULL) it now has. */
int cr_search_index_names(struct cr_db *db, long long account_id, const char *a, const char *b,
                          struct cr_err *err);

/* Sorts ids newest (largest) first without repeats; the new count. */
size_t cr_ids_desc(long long *ids, size_t n);

/* The ids as a JSON array in text, for JSON_TABLE (out of at least 21 bytes an id); NULL if out too small. */
const char *cr_ids_text(const long long *ids, size_t n, char *out, size_t outlen);

/*
 * A date range from ?from= and ?to= (YYYY-MM-DD, either may be blank): from_out
 * and to_out get the days (to_out the day after to, for "before"), "" where
 * none.  Refuses a day that is not one, and from after to.
 */
int cr_search_days(const char *from, const char *to, char from_out[11], char to_out[11], struct cr_err *err);

#endif
