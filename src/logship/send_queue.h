// SendQueue: the frames bulwark-logship has not yet written whole to the
// collector, oldest first, at most `capacity` of them. When a frame arrives
// and the queue is full, the oldest frame that is not in flight is dropped
// and counted (the collector sees the gap in seq). The front frame is in
// flight once a write of it has begun: dropping it then would cut the
// octet-counted stream (and break a TLS write retry), so it stays. When the
// connection breaks, rewind() makes the front frame go again whole on the
// next connection (the collector discards a frame cut by a closed stream).
//
//   SendQueue q(kMaxQueuedFrames);
//   q.push(17, frame);
//   auto n = link.write(q.unsent());      // bytes the socket took, maybe 0
//   if (auto done = q.consume(*n)) last_sent = *done;
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>

namespace bulwark::logship {

inline constexpr std::size_t kMaxQueuedFrames = 10000;

class SendQueue {
 public:
  explicit SendQueue(std::size_t capacity);
  void push(std::uint64_t seq, std::string frame);
  // What is left to write of the front frame; empty when the queue is.
  [[nodiscard]] std::span<const char> unsent() const;
  // `n` bytes of unsent() were written (0: a write began but the socket took
  // nothing yet). Returns the frame's seq when that completed it.
  std::optional<std::uint64_t> consume(std::size_t n);
  void rewind();
  [[nodiscard]] bool empty() const { return frames_.empty(); }
  [[nodiscard]] std::size_t size() const { return frames_.size(); }
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

 private:
  struct Pending {
    std::uint64_t seq;
    std::string bytes;
  };
  void dropOldestIdle();
  std::size_t capacity_;
  std::deque<Pending> frames_;
  std::size_t front_written_ = 0;
  bool front_in_flight_ = false;
  std::uint64_t dropped_ = 0;
};

}  // namespace bulwark::logship
