// SyslogStream: streams audit records to a remote syslog collector over TCP
// (numeric IPv4/IPv6 address and port, no DNS) without ever blocking
// bulwarkd's loop for long: sends are non-blocking, records wait in a
// bounded queue while the collector is slow or away (the oldest are dropped
// first when it is full; the collector sees the gap in seq), and reconnects
// are tried at most every few seconds with a short connect timeout.
// TLS to the collector is not implemented yet.
//
//   SyslogStream s("127.0.0.1", 6514, "gw1");
//   s.push(seq, line);   // after each audit record
//   s.tick();            // about once a second: flush, reconnect
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

#include "common/unique_fd.h"

namespace bulwark::auditlog {

class SyslogStream {
 public:
  SyslogStream(std::string address, std::uint16_t port, std::string hostname);
  void push(std::uint64_t seq, const std::string& record_line);
  void tick();
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }
  [[nodiscard]] bool connected() const { return fd_.valid(); }

 private:
  bool connectNow();
  void flush();
  std::string address_;
  std::uint16_t port_;
  std::string hostname_;
  UniqueFd fd_;
  std::deque<std::string> queue_;
  std::size_t front_sent_ = 0;  // bytes of queue_.front() already sent
  std::uint64_t dropped_ = 0;
  std::chrono::steady_clock::time_point next_attempt_{};
};

inline constexpr std::size_t kMaxSyslogQueue = 10000;

}  // namespace bulwark::auditlog
