/* libFuzzer target: the upload checks (JPEG segment walk, PDF trailer) on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include "../../src/upload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_err err;
	enum cr_doc_type t = cr_upload_sniff(data, size, &err);

	/* Whatever is accepted must at least start like what it claims to be. */
	if (t == CR_DOC_JPEG && (size < 3 || data[0] != 0xFF || data[1] != 0xD8))
		__builtin_trap();
	return 0;
}
