#include "common/secret_buffer.h"

#include <openssl/crypto.h>

namespace bulwark {

void secureWipe(void* p, std::size_t n) {
  if (p != nullptr && n > 0) OPENSSL_cleanse(p, n);
}

}  // namespace bulwark
