/*
 * CSV for Excel (UTF-8 with a BOM): cells quoted when they must be, and
 * defused: a cell that starts like a formula (= + - @) gets a leading '
 * so that a spreadsheet shows it instead of running it.
 */
#ifndef CR_CSV_H
#define CR_CSV_H

#include <stdio.h>

/* Writes the BOM that makes Excel read UTF-8. */
void cr_csv_bom(FILE *f);
/* Writes one cell (NULL as empty), then ',' or, when last, the line end. */
void cr_csv_cell(FILE *f, const char *v, int last);

#endif
