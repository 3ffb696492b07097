#include "auditlog/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

namespace bulwark::auditlog {
namespace {

constexpr off_t kTailBytes = 64 * 1024;

Result<std::string> readTail(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(std::string("fstat: ") + std::strerror(errno));
  off_t start = st.st_size > kTailBytes ? st.st_size - kTailBytes : 0;
  std::string tail(static_cast<std::size_t>(st.st_size - start), '\0');
  std::size_t got = 0;
  while (got < tail.size()) {
    ssize_t n = ::pread(fd, tail.data() + got, tail.size() - got, start + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(std::string("read: ") + std::strerror(errno));
    got += static_cast<std::size_t>(n);
  }
  return tail;
}

}  // namespace

Result<ChainState> chainStateOfTail(std::string_view tail) {
  if (tail.empty()) return ChainState{0, std::string(kGenesisHash)};
  if (tail.back() != '\n') return fail("the last record has no newline (torn write)");
  tail.remove_suffix(1);
  auto nl = tail.rfind('\n');
  std::string_view line = nl == std::string_view::npos ? tail : tail.substr(nl + 1);
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("seq") || !j["seq"].is_number_unsigned())
    return fail("the last line is not an audit record");
  return ChainState{j["seq"].get<std::uint64_t>(), lineHash(line)};
}

Result<AuditWriter> AuditWriter::open(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return fail("audit log " + path + ": " + std::strerror(errno));
  auto tail = readTail(fd.get());
  if (!tail) return fail("audit log " + path + ": " + tail.error().message);
  auto state = chainStateOfTail(*tail);
  if (state) return AuditWriter(std::move(fd), state->seq, std::move(state->hash));
  // Damaged end: keep every byte, start a visible new chain after it.
  if (!tail->empty() && tail->back() != '\n' && ::write(fd.get(), "\n", 1) != 1)
    return fail("audit log " + path + ": " + std::strerror(errno));
  AuditWriter w(std::move(fd), 0, std::string(kGenesisHash));
  if (auto r = w.append("audit.new_chain", {{"reason", state.error().message}}); !r)
    return fail(r.error());
  return w;
}

Result<std::string> AuditWriter::append(std::string_view event, Fields fields) {
  Record r{seq_ + 1, nowTimestamp(), std::string(event), std::move(fields), hash_};
  std::string line = formatRecord(r);
  std::string out = line + "\n";
  ssize_t n = ::write(fd_.get(), out.data(), out.size());
  if (n != static_cast<ssize_t>(out.size()))
    return fail(std::string("audit write failed: ") +
                (n < 0 ? std::strerror(errno) : "short write"));
  unsynced_ = true;
  seq_ = r.seq;
  hash_ = lineHash(line);
  return line;
}

AuditWriter& AuditWriter::operator=(AuditWriter&& o) noexcept {
  if (this != &o) {
    (void)sync();
    fd_ = std::move(o.fd_);
    seq_ = o.seq_;
    hash_ = std::move(o.hash_);
    unsynced_ = std::exchange(o.unsynced_, false);
  }
  return *this;
}

Result<void> AuditWriter::sync() {
  if (!unsynced_ || !fd_) return {};
  unsynced_ = false;
  if (::fdatasync(fd_.get()) != 0) return fail(std::string("fdatasync: ") + std::strerror(errno));
  return {};
}

}  // namespace bulwark::auditlog
