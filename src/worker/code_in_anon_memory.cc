#include "worker/code_in_anon_memory.h"

#include <elf.h>
#include <link.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace bulwark::worker {
namespace {

constexpr std::uintptr_t kPage = 4096;
constexpr std::uintptr_t kHugePage = 2 * 1024 * 1024;

bool g_moved = false;

struct Segment {
  std::uintptr_t start;  // page-aligned
  std::size_t length;    // whole pages: the bytes to copy
  std::size_t mapped;    // length, or up to the next 2 MiB boundary if free
  int prot;
};

// The executable's own PT_LOAD segments that are not writable (headers,
// code, read-only data). The first object dl_iterate_phdr reports is the
// executable itself.
std::vector<Segment> readOnlySegments() {
  std::vector<Segment> out;
  auto collect = [](dl_phdr_info* info, std::size_t, void* data) -> int {
    auto* segs = static_cast<std::vector<Segment>*>(data);
    for (int i = 0; i < info->dlpi_phnum; ++i) {
      const auto& ph = info->dlpi_phdr[i];
      if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) != 0 || ph.p_memsz == 0) continue;
      std::uintptr_t lo = (info->dlpi_addr + ph.p_vaddr) & ~(kPage - 1);
      std::uintptr_t hi = (info->dlpi_addr + ph.p_vaddr + ph.p_memsz + kPage - 1) & ~(kPage - 1);
      int prot = PROT_READ | ((ph.p_flags & PF_X) != 0 ? PROT_EXEC : 0);
      segs->push_back({lo, hi - lo, hi - lo, prot});
    }
    return 1;  // the executable only
  };
  ::dl_iterate_phdr(collect, &out);
  return out;
}

std::string errnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// An anonymous read-write mapping of `length` bytes whose address equals
// `congruent_to` modulo 2 MiB, so that huge pages line up with the target.
Result<std::uintptr_t> mapAligned(std::uintptr_t congruent_to, std::size_t length) {
  std::size_t span = length + kHugePage;
  void* p = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return fail(errnoText("mmap"));
  auto base = reinterpret_cast<std::uintptr_t>(p);
  std::uintptr_t at = (base & ~(kHugePage - 1)) + (congruent_to & (kHugePage - 1));
  if (at < base) at += kHugePage;
  if (at > base) ::munmap(p, at - base);
  std::uintptr_t end = at + length;
  if (end < base + span) ::munmap(reinterpret_cast<void*>(end), base + span - end);
  return at;
}

// True if no mapping overlaps [start, start + length).
bool isUnmapped(std::uintptr_t start, std::size_t length) {
  void* p = ::mmap(reinterpret_cast<void*>(start), length, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED) return false;
  ::munmap(p, length);
  return reinterpret_cast<std::uintptr_t>(p) == start;
}

// A segment that ends short of a 2 MiB boundary with nothing mapped up to it
// (the binary is linked with 2 MiB segment alignment, so the gap is its own)
// gets its copy mapped to the boundary, so that its last part can be a huge
// page too. The extra bytes are zeros that nothing addresses.
void extendToHugeBoundary(Segment& s) {
  std::uintptr_t end = s.start + s.length;
  std::uintptr_t boundary = (end + kHugePage - 1) & ~(kHugePage - 1);
  if (boundary > end && isUnmapped(end, boundary - end)) s.mapped = boundary - s.start;
}

Result<void> moveSegment(Segment s) {
  extendToHugeBoundary(s);
  auto copy = mapAligned(s.start, s.mapped);
  if (!copy) return fail(copy.error());
  void* dst = reinterpret_cast<void*>(*copy);
  // Best effort: without transparent huge pages the copy is in 4 KiB pages.
  ::madvise(dst, s.mapped, MADV_HUGEPAGE);
  std::memcpy(dst, reinterpret_cast<const void*>(s.start), s.length);
  if (::mprotect(dst, s.mapped, s.prot) != 0) {
    auto e = errnoText("mprotect");
    ::munmap(dst, s.mapped);
    return fail(e);
  }
  // Atomic for this (single-threaded) process: the old mapping is replaced
  // by the copy within the call, so the code running it returns into
  // identical bytes.
  void* moved = ::mremap(dst, s.mapped, s.mapped, MREMAP_MAYMOVE | MREMAP_FIXED,
                         reinterpret_cast<void*>(s.start));
  if (moved == MAP_FAILED) {
    auto e = errnoText("mremap");
    ::munmap(dst, s.mapped);
    return fail(e);
  }
  return {};
}

}  // namespace

Result<std::size_t> moveCodeToAnonymousMemory() {
  std::size_t moved = 0;
  for (const Segment& s : readOnlySegments()) {
    if (auto r = moveSegment(s); !r)
      return fail("moving code to anonymous memory: " + r.error().message);
    moved += s.length;
  }
  g_moved = moved > 0;
  return moved;
}

bool codeIsInAnonymousMemory() { return g_moved; }

}  // namespace bulwark::worker
