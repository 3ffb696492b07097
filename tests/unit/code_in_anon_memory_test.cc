// worker/code_in_anon_memory.h: the zygote's code moves into anonymous memory
// with the same bytes at the same addresses, never writable and executable.
// Each test moves the code of a forked child, not of the test process.
#include "worker/code_in_anon_memory.h"

#include <elf.h>
#include <gtest/gtest.h>
#include <link.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using bulwark::worker::codeIsInAnonymousMemory;
using bulwark::worker::moveCodeToAnonymousMemory;

struct MapsLine {
  std::uintptr_t lo, hi;
  std::string perms, path;
};

std::vector<MapsLine> readMaps() {
  std::vector<MapsLine> out;
  std::ifstream in("/proc/self/maps");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string range, perms, offset, dev, inode, path;
    ls >> range >> perms >> offset >> dev >> inode;
    std::getline(ls >> std::ws, path);
    auto dash = range.find('-');
    out.push_back({std::stoull(range.substr(0, dash), nullptr, 16),
                   std::stoull(range.substr(dash + 1), nullptr, 16), perms, path});
  }
  return out;
}

struct TextSegment {
  std::uintptr_t addr = 0;
  std::size_t size = 0, file_offset = 0;
};

TextSegment executableText() {
  TextSegment t;
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto* seg = static_cast<TextSegment*>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) != 0)
            *seg = {info->dlpi_addr + ph.p_vaddr, ph.p_filesz, ph.p_offset};
        }
        return 1;
      },
      &t);
  return t;
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BULWARK_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BULWARK_ASAN 1
#endif

// Runs `check` in a forked child after moving its code; the child's exit
// code is the number of the first failed check (0: all held). Under ASan the
// copy would read the poisoned red zones between globals in the read-only
// data, and bulwark-worker only moves its code in static (non-sanitizer)
// builds, so these tests are skipped there.
#ifdef BULWARK_ASAN
#define SKIP_UNDER_ASAN() GTEST_SKIP() << "not used in sanitizer builds"
#else
#define SKIP_UNDER_ASAN() (void)0
#endif

int inMovedChild(int (*check)()) {
  pid_t pid = ::fork();
  if (pid == 0) {
    auto moved = moveCodeToAnonymousMemory();
    if (!moved || *moved == 0) ::_exit(100);
    if (!codeIsInAnonymousMemory()) ::_exit(101);
    ::_exit(check());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

TEST(CodeInAnonMemory, TheCodeRunsFromAnonymousMemoryAfterTheMove) {
  SKIP_UNDER_ASAN();
  EXPECT_EQ(inMovedChild([] {
              auto here = reinterpret_cast<std::uintptr_t>(&executableText);
              for (const auto& m : readMaps()) {
                if (here < m.lo || here >= m.hi) continue;
                if (m.perms != "r-xp") return 1;
                return m.path.empty() ? 0 : 2;  // no file behind it any more
              }
              return 3;
            }),
            0);
}

TEST(CodeInAnonMemory, TheCodeBytesAreTheFilesBytes) {
  SKIP_UNDER_ASAN();
  EXPECT_EQ(
      inMovedChild([] {
        TextSegment t = executableText();
        if (t.size == 0) return 1;
        std::ifstream exe("/proc/self/exe", std::ios::binary);
        std::vector<char> file(t.size);
        exe.seekg(static_cast<std::streamoff>(t.file_offset));
        if (!exe.read(file.data(), static_cast<std::streamsize>(file.size()))) return 2;
        return std::memcmp(file.data(), reinterpret_cast<const void*>(t.addr), t.size) == 0 ? 0 : 3;
      }),
      0);
}

TEST(CodeInAnonMemory, NoMappingIsEverWritableAndExecutable) {
  SKIP_UNDER_ASAN();
  EXPECT_EQ(inMovedChild([] {
              for (const auto& m : readMaps())
                if (m.perms[1] == 'w' && m.perms[2] == 'x') return 1;
              return 0;
            }),
            0);
}

TEST(CodeInAnonMemory, AForkOfTheMovedProcessRunsTheSameCode) {
  SKIP_UNDER_ASAN();
  EXPECT_EQ(inMovedChild([] {
              pid_t pid = ::fork();
              if (pid == 0) ::_exit(executableText().size > 0 ? 0 : 1);
              int status = 0;
              ::waitpid(pid, &status, 0);
              return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
            }),
            0);
}

TEST(CodeInAnonMemory, NothingMovedMeansNotInAnonymousMemory) {
  EXPECT_FALSE(codeIsInAnonymousMemory());
}

}  // namespace
