/*
 * libFuzzer target: the upload checks (type by content, then the real parsers, in-process here) on any bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "apply/doccheck.h"
#include "upload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_err err;
	enum cr_doc_type t = cr_upload_type(data, size, &err);
	char why[512];

	if (t != CR_DOC_NONE && cr_doc_verify(t, data, size, why, sizeof why) != 0)
		t = CR_DOC_NONE;

	/* Whatever is accepted must at least start like what it claims to be. */
	if (t == CR_DOC_JPEG && (size < 3 || data[0] != 0xFF || data[1] != 0xD8))
		__builtin_trap();
	if (t == CR_DOC_PNG && (size < 8 || data[0] != 0x89 || data[1] != 'P'))
		__builtin_trap();
	return 0;
}
