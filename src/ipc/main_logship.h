// Messages between bulwarkd (main) and bulwark-logship, the sandboxed
// process that owns the connection to the remote syslog collector.
//
// main -> logship: LogRecord (one RFC 5424 frame of one audit record, built
//                  by main; logship writes the bytes as they are).
// logship -> main: LogshipStatus (when the connection comes or goes, and at
//                  most once a second while its counters change).
// Anything else from logship, an undecodable status, an attached fd or
// counters that go backwards or past what main sent: main kills and
// respawns it (src/main/log_shipper.h). EOF on the channel tells logship
// that main is gone. Sequence diagram: docs/design/privsep.md.
//
//   ch.sendMessage(LogRecord{17, frameSyslog(17, line, host, pid)});
//   auto st = decodeFrame<LogshipStatus>(frame);
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"
#include "ipc/wire.h"

namespace bulwark::ipc {

enum class MainLogshipType : std::uint16_t {
  kLogRecord = 1,
  kLogshipStatus = 10,
};

struct LogRecord {
  static constexpr auto kType = MainLogshipType::kLogRecord;
  std::uint64_t seq = 0;  // the record's audit seq, >= 1
  std::string frame;      // octet-counted RFC 5424 message, 1..kMaxLogFrame bytes
  void encode(Writer& w) const;
  static Result<LogRecord> decode(Reader& r);
};

struct LogshipStatus {
  static constexpr auto kType = MainLogshipType::kLogshipStatus;
  bool connected = false;           // TCP up (and TLS verified, in TLS mode)
  std::uint64_t dropped = 0;        // records logship discarded since it started
  std::uint64_t last_sent_seq = 0;  // seq of the last frame written whole; 0 = none yet
  void encode(Writer& w) const;
  static Result<LogshipStatus> decode(Reader& r);
};

}  // namespace bulwark::ipc
