/*
 * JSON values from database cells (jansson).  Each returns a new reference;
 * a NULL cell gives JSON null.
 */
#ifndef CR_JSON_H
#define CR_JSON_H

#include <jansson.h>

#include "db.h"

/* The string s, or null when s is NULL. */
json_t *cr_json_str(const char *s);
/* The integer written in s, or null when s is NULL. */
json_t *cr_json_int(const char *s);
/* Cell (row, col) of res as a string or null. */
json_t *cr_json_cell(const struct cr_res *res, size_t row, unsigned col);
/* Cell (row, col) of res as an integer or null. */
json_t *cr_json_cell_int(const struct cr_res *res, size_t row, unsigned col);
/* Cell (row, col) holding JSON text, parsed; null when NULL or unparsable. */
json_t *cr_json_cell_parsed(const struct cr_res *res, size_t row, unsigned col);
/*
 * A page of a list paged by key (items stolen): {"items", "next"}, next
 * the key (column keycol of res's last row) when the page is full, so that
 * there may be more behind it, else null.
 */
json_t *cr_json_page(json_t *items, const struct cr_res *res, unsigned keycol, long long limit);
/* As cr_json_page when the caller knows whether more follow (a search merged from several look-ups). */
json_t *cr_json_page_more(json_t *items, const struct cr_res *res, unsigned keycol, int more);

#endif
