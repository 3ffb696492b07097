#include "tls/sandbox_preload.h"

#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <ctime>

namespace bulwark::tls {

void preloadBeforeSandbox() {
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CONFIG, nullptr);
  unsigned char seed[16];
  RAND_bytes(seed, sizeof(seed));
  tzset();
}

}  // namespace bulwark::tls
