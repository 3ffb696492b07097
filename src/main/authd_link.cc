#include "main/authd_link.h"

#include <sys/epoll.h>

#include "common/log.h"

namespace bulwark::mainproc {

AuthdLink::AuthdLink(ipc::Channel& channel, EventLoop& loop, std::function<void()> on_readable)
    : channel_(channel), loop_(loop), on_readable_(std::move(on_readable)) {
  token_ = loop_.add(channel_.fd(), EPOLLIN, [this](std::uint32_t ev) { onEvents(ev); });
}

AuthdLink::~AuthdLink() { loop_.remove(token_); }

bool AuthdLink::post(ipc::Frame frame, UniqueFd fd) {
  if (gone_) return false;
  queue_.push_back(Pending{std::move(frame), std::move(fd)});
  return flush();
}

bool AuthdLink::flush() {
  while (!queue_.empty()) {
    const Pending& p = queue_.front();
    auto sent = channel_.trySend(p.frame, p.fd ? p.fd.get() : -1);
    if (!sent) {
      spdlog::error("authd channel: {}", sent.error().message);
      gone_ = true;
      queue_.clear();
      watchWritable(false);
      return false;
    }
    if (!*sent) {
      watchWritable(true);
      return true;
    }
    queue_.pop_front();
  }
  watchWritable(false);
  return true;
}

void AuthdLink::watchWritable(bool on) {
  if (on == watching_out_) return;
  watching_out_ = on;
  std::uint32_t events = EPOLLIN;
  if (on) events |= EPOLLOUT;
  loop_.modify(token_, events);
}

void AuthdLink::onEvents(std::uint32_t events) {
  if ((events & EPOLLOUT) != 0) flush();
  if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) on_readable_();
}

}  // namespace bulwark::mainproc
