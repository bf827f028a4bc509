#include <string.h>

#include "csvwrite.h"

void
cr_csv_bom(FILE *f)
{
	fputs("\xEF\xBB\xBF", f);
}

void
cr_csv_cell(FILE *f, const char *v, int last)
{
	int defuse, quote;

	v = v ? v : "";
	defuse = *v == '=' || *v == '+' || *v == '-' || *v == '@';
	quote = strpbrk(v, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (defuse)
		fputc('\'', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	if (quote)
		fputc('"', f);
	fputs(last ? "\r\n" : ",", f);
}
