/* The engine API is deprecated in OpenSSL 3 but is what libp11 0.4 offers. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/engine.h>
#include <pthread.h>
#include <string.h>

#include "file.h"
#include "hsm.h"
#include "x509.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static ENGINE *engine; /* functional reference, kept for the process */

int
cr_hsm_is_uri(const char *key)
{
	return strncmp(key, "pkcs11:", 7) == 0;
}

/* The PIN from its file (first line); 0, or a code with err set. */
static int
read_pin(const char *path, char *pin, size_t size, struct cr_err *err)
{
	char *data = NULL;
	size_t len = 0, n;
	int rc;

	if ((rc = cr_file_read(path, 4096, &data, &len, err)) != 0)
		return rc;
	n = strcspn(data, "\r\n");
	if (n == 0 || n >= size) {
		OPENSSL_cleanse(data, len);
		free(data);
		return cr_err_set(err, CR_EINVAL, "ca.pin_file %s: no PIN on its first line", path);
	}
	memcpy(pin, data, n);
	pin[n] = '\0';
	OPENSSL_cleanse(data, len);
	free(data);
	return 0;
}

static ENGINE *
start_engine(const char *module, struct cr_err *err)
{
	ENGINE *e;

	if (engine)
		return engine;
	ENGINE_load_builtin_engines();
	if ((e = ENGINE_by_id("pkcs11")) == NULL) {
		cr_err_set(err, CR_EIO,
		           "ca: the pkcs11 engine is not available (install libengine-pkcs11-openssl): %s",
		           cr_x509_ssl_reason());
		return NULL;
	}
	if ((module[0] && !ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0)) || !ENGINE_init(e)) {
		cr_err_set(err, CR_EIO, "ca: cannot start the pkcs11 engine with module %s: %s",
		           module[0] ? module : "(default)", cr_x509_ssl_reason());
		ENGINE_free(e);
		return NULL;
	}
	ENGINE_free(e); /* the functional reference from ENGINE_init stays */
	engine = e;
	return engine;
}

EVP_PKEY *
cr_hsm_load_key(const char *uri, const char *module, const char *pin_file, struct cr_err *err)
{
	EVP_PKEY *key = NULL;
	char pin[256] = "";
	ENGINE *e;

	if (strstr(uri, "pin-value=") || strstr(uri, "pin-source=")) {
		cr_err_set(err, CR_EINVAL,
		           "ca.key: the PKCS#11 URI carries a PIN; put it in ca.pin_file (readable by "
		           "certrenewd only)");
		return NULL;
	}
	if (pin_file[0] && read_pin(pin_file, pin, sizeof pin, err) != 0)
		return NULL;
	pthread_mutex_lock(&lock);
	if ((e = start_engine(module, err)) != NULL) {
		if (pin[0] && !ENGINE_ctrl_cmd_string(e, "PIN", pin, 0))
			cr_err_set(err, CR_EIO, "ca: the pkcs11 engine refused the PIN");
		else if ((key = ENGINE_load_private_key(e, uri, NULL, NULL)) == NULL)
			cr_err_set(err, CR_EIO, "ca: no private key at %s (token, object, PIN?): %s", uri,
			           cr_x509_ssl_reason());
	}
	pthread_mutex_unlock(&lock);
	OPENSSL_cleanse(pin, sizeof pin);
	return key;
}
