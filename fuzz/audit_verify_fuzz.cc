// Fuzzes the audit log verifier (it reads files an intruder may have edited)
// and the writer's tail parser: neither may crash, and a report that says
// "ok" must have counted every line.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auditlog/verify.h"
#include "auditlog/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = bulwark::auditlog::verifyAuditLog(in, std::nullopt);
  std::size_t lines = 0;
  for (char c : in) lines += c == '\n';
  if (r.ok && r.records != lines) std::abort();
  (void)bulwark::auditlog::chainStateOfTail(in);
  return 0;
}
