// Moves the worker zygote's own code and read-only data from the file mapping
// into anonymous memory, backed by huge pages where the addresses allow.
//
// Why: fork copies the page tables of anonymous memory but not of file
// mappings, so every worker forked from the zygote started with none of the
// binary mapped and paid a page fault per code page, or one
// MADV_POPULATE_READ over all of it (about 0.85 ms per connection on a VM that
// shadows page tables). With the code in anonymous memory, fork hands the
// worker the zygote's mappings, 2 MiB at a time where a huge page backs them,
// and the worker's exit has fewer entries to tear down.
//
// How: each read-only PT_LOAD segment is copied into a fresh mapping at the
// same offset modulo 2 MiB, made read-only (and executable for code, never
// writable and executable at once), then moved over the original with one
// mremap(MREMAP_FIXED). The bytes at every address are the same before and
// after. Call it once, single-threaded, before the sandbox (it needs mmap,
// mprotect with PROT_EXEC and mremap). Costs about 10 MiB of memory once (the
// segments rounded up to 2 MiB), in the zygote, shared by all workers.
//
//   if (auto moved = worker::moveCodeToAnonymousMemory(); !moved) log(moved.error());
#pragma once

#include <cstddef>

#include "common/error.h"

namespace bulwark::worker {

// Bytes moved (0 if the binary has no read-only segment to move).
[[nodiscard]] Result<std::size_t> moveCodeToAnonymousMemory();

// True once moveCodeToAnonymousMemory succeeded in this process (or the
// zygote it was forked from): the code is then in the page tables fork copies.
bool codeIsInAnonymousMemory();

}  // namespace bulwark::worker
