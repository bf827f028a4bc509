#include <stdlib.h>

#include "json.h"

json_t *
cr_json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
cr_json_int(const char *s)
{
	return s ? json_integer(strtoll(s, NULL, 10)) : json_null();
}

json_t *
cr_json_cell(const struct cr_res *res, size_t row, unsigned col)
{
	return cr_json_str(cr_res_str(res, row, col));
}

json_t *
cr_json_cell_int(const struct cr_res *res, size_t row, unsigned col)
{
	return cr_json_int(cr_res_str(res, row, col));
}

json_t *
cr_json_cell_parsed(const struct cr_res *res, size_t row, unsigned col)
{
	const char *s = cr_res_str(res, row, col);
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;

	return j ? j : json_null();
}

json_t *
cr_json_page_more(json_t *items, const struct cr_res *res, unsigned keycol, int more)
{
	return json_pack("{s:o, s:o}", "items", items, "next",
	                 more && res->nrows ? json_integer(cr_res_i64(res, res->nrows - 1, keycol))
	                                    : json_null());
}

json_t *
cr_json_page(json_t *items, const struct cr_res *res, unsigned keycol, long long limit)
{
	int full = res->nrows > 0 && (long long)res->nrows == limit;

	return json_pack("{s:o, s:o}", "items", items, "next",
	                 full ? json_integer(cr_res_i64(res, res->nrows - 1, keycol)) : json_null());
}
