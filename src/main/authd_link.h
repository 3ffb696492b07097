// AuthdLink: main's sending side of the channel to authd, which never
// blocks. authd also sends to main; if both blocked on a full socket buffer
// at once (thousands of sessions ending together: WorkerGone one way,
// SessionEnded the other) neither would ever read again. Frames that do not
// fit now wait in order in a queue, with their fd, and go out when the
// channel is writable; main keeps reading meanwhile.
//
//   AuthdLink link(channel, loop, [this] { onAuthdReadable(); });
//   link.post(encodeFrame(WorkerGone{id}));
//   link.post(encodeFrame(WorkerAttach{id, peer}), std::move(authd_end));
#pragma once

#include <deque>
#include <functional>

#include "common/event_loop.h"
#include "common/unique_fd.h"
#include "ipc/channel.h"

namespace bulwark::mainproc {

class AuthdLink {
 public:
  AuthdLink(ipc::Channel& channel, EventLoop& loop, std::function<void()> on_readable);
  ~AuthdLink();
  AuthdLink(const AuthdLink&) = delete;
  AuthdLink& operator=(const AuthdLink&) = delete;

  // Sends now or queues; false only if authd is gone.
  bool post(ipc::Frame frame, UniqueFd fd = {});
  [[nodiscard]] std::size_t queued() const { return queue_.size(); }

 private:
  struct Pending {
    ipc::Frame frame;
    UniqueFd fd;
  };
  void onEvents(std::uint32_t events);
  bool flush();
  void watchWritable(bool on);

  ipc::Channel& channel_;
  EventLoop& loop_;
  std::function<void()> on_readable_;
  EventLoop::Token token_ = 0;
  std::deque<Pending> queue_;
  bool watching_out_ = false;
  bool gone_ = false;
};

}  // namespace bulwark::mainproc
