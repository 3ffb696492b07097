#include "ctl/password_prompt.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "common/unique_fd.h"

namespace bulwark::ctl {
namespace {

// Reads one line from fd without stdio buffering (no stray copies).
Result<SecretBuffer> readLine(int fd) {
  std::string line;
  line.reserve(kMaxNewPassword + 1);
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') {
    if (line.size() >= kMaxNewPassword) {
      secureWipe(line.data(), line.size());
      return fail("password longer than 1024 bytes");
    }
    line.push_back(c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return fail("empty password");
  return SecretBuffer::take(line);
}

Result<SecretBuffer> promptOnce(int tty, const char* prompt) {
  if (::write(tty, prompt, std::char_traits<char>::length(prompt)) < 0) return fail("cannot write to the terminal");
  termios old{};
  bool have_term = tcgetattr(tty, &old) == 0;
  if (have_term) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(tty, TCSANOW, &quiet);
  }
  auto pw = readLine(tty);
  if (have_term) tcsetattr(tty, TCSANOW, &old);
  (void)!::write(tty, "\n", 1);
  return pw;
}

}  // namespace

Result<SecretBuffer> readPasswordFromStdin() { return readLine(STDIN_FILENO); }

Result<SecretBuffer> promptNewPassword() {
  UniqueFd tty(::open("/dev/tty", O_RDWR | O_CLOEXEC));
  if (!tty) return fail("no terminal to ask for a password on; use --password-stdin");
  auto first = promptOnce(tty.get(), "New password: ");
  if (!first) return first;
  auto second = promptOnce(tty.get(), "Repeat password: ");
  if (!second) return second;
  if (first->view() != second->view()) return fail("passwords do not match");
  return first;
}

}  // namespace bulwark::ctl
