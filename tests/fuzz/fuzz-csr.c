/* libFuzzer target: certificate requests from the key (csr.c) on any bytes, PEM or DER. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pki/csr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char pem[2 * CR_CSR_MAX];
	struct cr_err err;
	X509_REQ *req = NULL;
	char sha[65];

	if (cr_csr_parse(data, size, &req, pem, sizeof pem, sha, &err) == 0) {
		/* Accepted: a key was checked and the signature verified; the PEM and hash are whole. */
		if (req == NULL || strlen(sha) != 64 ||
		    strncmp(pem, "-----BEGIN CERTIFICATE REQUEST-----", 35) != 0)
			__builtin_trap();
		X509_REQ_free(req);
	} else if (req != NULL) {
		__builtin_trap();
	}
	return 0;
}
