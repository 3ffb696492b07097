#include "common/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.h"

namespace bulwark {

Result<SecretBuffer> readSecretFile(const std::string& path, std::size_t max_bytes,
                                    bool allow_missing) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (allow_missing && errno == ENOENT) return SecretBuffer{};
    return fail("cannot read " + path + ": " + std::strerror(errno));
  }
  std::string text;
  text.reserve(max_bytes < 65536 ? max_bytes + 1 : 65536);
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      secureWipe(text.data(), text.size());
      return fail("cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) {
      secureWipe(text.data(), text.size());
      secureWipe(chunk, sizeof(chunk));
      return fail(path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    if (text.capacity() < text.size() + static_cast<std::size_t>(n)) {
      std::string bigger;
      bigger.reserve(2 * (text.size() + static_cast<std::size_t>(n)));
      bigger = text;
      secureWipe(text.data(), text.capacity());
      text.swap(bigger);
    }
    text.append(chunk, static_cast<std::size_t>(n));
  }
  secureWipe(chunk, sizeof(chunk));
  return SecretBuffer::take(text);
}

Result<void> writeSecretFileAtomically(const std::string& path, std::string_view text,
                                       mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd) return fail("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd.get(), mode) == 0 &&
            ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd.get()) == 0;
  fd.reset();
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    return fail("cannot replace " + path + ": " + std::strerror(saved));
  }
  return {};
}

}  // namespace bulwark
