// ACK thinning: when a client's TCP sends two pure cumulative ACKs of one
// flow back to back within one wake-up, the later one says everything the
// earlier one said (a higher ack number, the current window, newer
// timestamps), so only the later one needs to reach the gateway's TCP. This
// is what a receiver with GRO produces anyway (stretch ACKs) and what
// queue managers' ACK filters do. It saves TUN writes during a download,
// each of which runs the sender's whole ACK processing (measured: most of
// the client's packets over TLS, about a third over DTLS; dataplane.md).
//
// Only the plainest ACKs qualify, so nothing a TCP relies on is lost:
// flags exactly ACK (no ECE/CWR/PSH/URG), no payload, no options but NOP and
// timestamps (no SACK, so no duplicate or selective ACK is ever dropped), the
// same addresses, ports, sequence number and header sizes, an ack number that
// moves strictly forward, and valid checksums on the later packet.
#pragma once

#include <cstddef>
#include <span>

namespace bulwark::packet {

// True if `later`, sent right after `earlier`, makes `earlier` redundant.
bool supersedesAck(std::span<const std::byte> earlier, std::span<const std::byte> later);

}  // namespace bulwark::packet
