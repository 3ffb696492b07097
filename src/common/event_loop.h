// EventLoop: a minimal single-threaded epoll loop for the control-plane
// processes (main, authd). Handlers are keyed by a token, not the fd, so a
// handler removed during a batch is never called with a reused fd's event.
//
//   EventLoop loop;
//   auto tok = loop.add(fd, EPOLLIN, [&](std::uint32_t ev) { ... });
//   while (running) loop.runOnce(1000);
//   loop.remove(tok);
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>

#include "common/error.h"
#include "common/unique_fd.h"

namespace bulwark {

class EventLoop {
 public:
  using Handler = std::function<void(std::uint32_t events)>;
  using Token = std::uint64_t;

  EventLoop();
  Token add(int fd, std::uint32_t events, Handler handler);
  void remove(Token token);
  // Changes the events a registered fd is watched for (e.g. adds EPOLLOUT).
  void modify(Token token, std::uint32_t events);
  // Waits up to timeout_ms and dispatches ready handlers.
  void runOnce(int timeout_ms);

 private:
  struct Entry {
    int fd;
    Handler handler;
  };
  UniqueFd epoll_;
  Token next_ = 1;
  std::unordered_map<Token, Entry> entries_;
};

}  // namespace bulwark
