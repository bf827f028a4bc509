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
