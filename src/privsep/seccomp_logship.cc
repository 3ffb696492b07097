// bulwark-logship's allow-list, installed after its TLS material is loaded
// and before it connects: the only thing it may create is a TCP socket
// (AF_INET/AF_INET6, SOCK_STREAM) to the collector, which it connects, polls,
// reads and writes; its channel to main already exists. No open or openat
// at all, no exec, fork, ptrace, id changes, ioctl or executable memory.
#include <sys/mman.h>
#include <sys/socket.h>

#include "privsep/seccomp_roles.h"

namespace bulwark::privsep {
namespace {

constexpr int kLogshipSyscalls[] = {
    // the channel to main and the collector connection
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(readv),
    SCMP_SYS(writev),
    SCMP_SYS(recvmsg),
    SCMP_SYS(sendmsg),
    SCMP_SYS(recvfrom),
    SCMP_SYS(sendto),
    SCMP_SYS(poll),
    SCMP_SYS(ppoll),
    SCMP_SYS(connect),
    SCMP_SYS(shutdown),
    SCMP_SYS(close),
    SCMP_SYS(fcntl),
    SCMP_SYS(getsockopt),
    SCMP_SYS(setsockopt),
    SCMP_SYS(getsockname),
    SCMP_SYS(getpeername),
    // memory, time, randomness, exit
    SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),
    SCMP_SYS(lseek),
    SCMP_SYS(brk),
    SCMP_SYS(munmap),
    SCMP_SYS(mremap),
    SCMP_SYS(madvise),
    SCMP_SYS(futex),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(gettimeofday),
    SCMP_SYS(getrandom),
    SCMP_SYS(getpid),
    SCMP_SYS(gettid),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(restart_syscall),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep),
};

// socket(domain, type, 0): TCP over IPv4 or IPv6 only; the type may carry
// SOCK_NONBLOCK and SOCK_CLOEXEC.
Result<void> allowTcpSockets(scmp_filter_ctx ctx) {
  constexpr std::uint64_t kTypeMask = ~static_cast<std::uint64_t>(SOCK_NONBLOCK | SOCK_CLOEXEC);
  for (int domain : {AF_INET, AF_INET6})
    if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,
                         SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(domain)),
                         SCMP_A1(SCMP_CMP_MASKED_EQ, kTypeMask & 0xffffffffu, SOCK_STREAM),
                         SCMP_A2(SCMP_CMP_EQ, 0)) != 0)
      return fail("seccomp: cannot add the socket rule");
  return {};
}

}  // namespace

Result<void> allowLogshipSyscalls(scmp_filter_ctx ctx) {
  if (auto r = allowPlain(ctx, kLogshipSyscalls); !r) return r;
  if (auto r = allowNonExecMemory(ctx); !r) return r;
  return allowTcpSockets(ctx);
}

}  // namespace bulwark::privsep
