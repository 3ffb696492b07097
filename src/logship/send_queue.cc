#include "logship/send_queue.h"

#include <cstdlib>

namespace bulwark::logship {

SendQueue::SendQueue(std::size_t capacity) : capacity_(capacity) {
  // Room for the frame in flight and at least one more: a broken invariant.
  if (capacity_ < 2) std::abort();
}

void SendQueue::push(std::uint64_t seq, std::string frame) {
  if (frames_.size() >= capacity_) dropOldestIdle();
  frames_.push_back({seq, std::move(frame)});
}

void SendQueue::dropOldestIdle() {
  auto victim = front_in_flight_ ? frames_.begin() + 1 : frames_.begin();
  frames_.erase(victim);
  ++dropped_;
}

std::span<const char> SendQueue::unsent() const {
  if (frames_.empty()) return {};
  const std::string& f = frames_.front().bytes;
  return std::span<const char>(f).subspan(front_written_);
}

std::optional<std::uint64_t> SendQueue::consume(std::size_t n) {
  if (frames_.empty() || n > unsent().size()) std::abort();  // the caller wrote what it was given
  front_in_flight_ = true;
  front_written_ += n;
  if (front_written_ < frames_.front().bytes.size()) return std::nullopt;
  std::uint64_t seq = frames_.front().seq;
  frames_.pop_front();
  front_written_ = 0;
  front_in_flight_ = false;
  return seq;
}

void SendQueue::rewind() {
  front_written_ = 0;
  front_in_flight_ = false;
}

}  // namespace bulwark::logship
