#include "main/authd_link.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include "ipc/limits.h"
#include "ipc/main_authd.h"

namespace bulwark::mainproc {
namespace {

// authd that does not read: main's posts must neither block nor be lost,
// and go out in order (with their fds) once authd reads again.
TEST(AuthdLink, NeverBlocksOnAFullChannelAndKeepsOrder) {
  auto pair = ipc::makeChannelPair();
  ASSERT_TRUE(pair);
  ipc::Channel main_end(std::move(pair->first), ipc::kMainAuthdCap);
  ipc::Channel authd_end(std::move(pair->second), ipc::kMainAuthdCap);
  EventLoop loop;
  unsigned readable = 0;
  AuthdLink link(main_end, loop, [&] { ++readable; });

  constexpr std::uint64_t kFrames = 20000;  // far beyond one socket buffer
  for (std::uint64_t i = 0; i < kFrames; ++i)
    ASSERT_TRUE(link.post(ipc::encodeFrame(ipc::WorkerGone{i})));
  UniqueFd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(
      link.post(ipc::encodeFrame(ipc::WorkerAttach{kFrames, "10.0.0.2:1"}), std::move(devnull)));
  EXPECT_GT(link.queued(), 0u);

  std::uint64_t next = 0;
  while (next <= kFrames) {
    loop.runOnce(1000);  // flushes what the socket takes now
    for (;;) {
      pollfd p{authd_end.fd(), POLLIN, 0};
      if (::poll(&p, 1, 0) != 1) break;
      auto f = authd_end.receive();
      ASSERT_TRUE(f);
      if (next < kFrames) {
        auto m = ipc::decodeFrame<ipc::WorkerGone>(*f);
        ASSERT_TRUE(m);
        ASSERT_EQ(m->worker_id, next);
      } else {
        ASSERT_TRUE(ipc::decodeFrame<ipc::WorkerAttach>(*f));
        EXPECT_TRUE(f->fd.valid()) << "the fd travelled with its frame";
      }
      ++next;
    }
  }
  EXPECT_EQ(link.queued(), 0u);
  EXPECT_EQ(readable, 0u);
}

TEST(AuthdLink, ReportsAGoneAuthd) {
  auto pair = ipc::makeChannelPair();
  ASSERT_TRUE(pair);
  ipc::Channel main_end(std::move(pair->first), ipc::kMainAuthdCap);
  pair->second.reset();
  EventLoop loop;
  AuthdLink link(main_end, loop, [] {});
  EXPECT_FALSE(link.post(ipc::encodeFrame(ipc::WorkerGone{1})));
  EXPECT_FALSE(link.post(ipc::encodeFrame(ipc::WorkerGone{2})));
}

}  // namespace
}  // namespace bulwark::mainproc
