// spawnProcess: fork + exec of another Bulwark process role.
//
// The child gets exactly the descriptors in `fds` (each mapped to the given
// number, usually 3, 4, 5...) plus stdin/stdout/stderr; every other
// descriptor is closed before exec (close_range), signal dispositions and the
// signal mask are reset. Exec, not just fork: each role starts from a fresh
// address space with its own ASLR layout and nothing inherited from main.
// The child's environment is main's, with each "NAME=value" in `env_set`
// replacing any NAME main has.
//
//   auto pid = spawnProcess("/usr/sbin/bulwark-worker", {"--worker-id", "7"},
//                           {{client.get(), 3}, {chan.get(), 4}}, {"GLIBC_TUNABLES=..."});
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace bulwark::privsep {

struct FdMapping {
  int source;
  int target;
};

Result<pid_t> spawnProcess(const std::string& executable, const std::vector<std::string>& args,
                           const std::vector<FdMapping>& fds,
                           const std::vector<std::string>& env_set = {});

// Directory holding the running executable (/proc/self/exe), where the other
// role binaries are installed.
std::string selfDirectory();

}  // namespace bulwark::privsep
