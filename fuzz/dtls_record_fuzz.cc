// Fuzzes the worker's DTLS record fast path on client bytes: the record
// header parser, opening a record (replay window, AES-GCM, lengths) with
// fixed keys, and the filter over OpenSSL's own output. Whatever the bytes,
// a plaintext lies inside its record and the filter only shrinks.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "tls/dtls_record.h"
#include "tls/dtls_record_cipher.h"

namespace {

using bulwark::tls::DtlsRecordCipher;

std::unique_ptr<DtlsRecordCipher> makeCipher() {
  static const unsigned char key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                        16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
  static const unsigned char salt[4] = {0xa, 0xb, 0xc, 0xd};
  DtlsRecordCipher::Keys keys{key, salt, key, salt};
  auto made = DtlsRecordCipher::fromKeys(keys, bulwark::tls::LastRecord{1, 0, 0});
  if (!made || !*made) std::abort();
  return std::move(*made);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<DtlsRecordCipher> cipher = makeCipher();
  std::vector<std::byte> bytes(size);
  if (size > 0) std::memcpy(bytes.data(), data, size);
  std::vector<std::byte> copy = bytes;

  (void)bulwark::tls::lastEncryptedRecord(bytes);
  if (copy.size() > 0 && cipher->keepOpenSslRecords(copy) > size) std::abort();

  std::span<std::byte> in(bytes);
  auto h = bulwark::tls::parseDtlsRecordHeader(in);
  if (h && cipher->owns(*h)) {
    if (auto plain = cipher->open(*h, in)) {
      if (plain->data() < in.data() || plain->data() + plain->size() > in.data() + in.size())
        std::abort();
    }
  }
  return 0;
}
