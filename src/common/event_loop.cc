#include "common/event_loop.h"

#include <sys/epoll.h>

#include <cerrno>
#include <cstdlib>

namespace bulwark {

EventLoop::EventLoop() : epoll_(epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_) std::abort();
}

EventLoop::Token EventLoop::add(int fd, std::uint32_t events, Handler handler) {
  Token t = next_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = t;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) std::abort();
  entries_.emplace(t, Entry{fd, std::move(handler)});
  return t;
}

void EventLoop::remove(Token token) {
  auto it = entries_.find(token);
  if (it == entries_.end()) return;
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.fd, nullptr);
  entries_.erase(it);
}

void EventLoop::modify(Token token, std::uint32_t events) {
  auto it = entries_.find(token);
  if (it == entries_.end()) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, it->second.fd, &ev) != 0) std::abort();
}

void EventLoop::runOnce(int timeout_ms) {
  epoll_event events[64];
  int n = epoll_wait(epoll_.get(), events, 64, timeout_ms);
  if (n < 0 && errno != EINTR) std::abort();
  for (int i = 0; i < n; ++i) {
    // epoll_event is packed: copy the key out rather than bind a reference
    // to a misaligned member (UBSan rightly objects).
    const Token key = events[i].data.u64;
    auto it = entries_.find(key);
    if (it == entries_.end()) continue;  // removed earlier in this batch
    Handler h = it->second.handler;      // the handler may remove itself
    h(events[i].events);
  }
}

}  // namespace bulwark
