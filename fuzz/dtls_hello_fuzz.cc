// Fuzzes the only parser main runs on network bytes: the fixed-offset session
// id of a DTLS ClientHello. Any id returned lies inside the datagram.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proto/anyconnect/dtls_hello.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  auto id = bulwark::anyconnect::clientHelloSessionId(in);
  if (id && (id->empty() || id->size() > bulwark::anyconnect::kMaxSessionId ||
             id->data() < in.data() || id->data() + id->size() > in.data() + in.size()))
    std::abort();
  return 0;
}
