// Encoders and decoders of the main <-> logship messages (ipc/main_logship.h).
#include "ipc/main_logship.h"

#include "ipc/decode_try.h"
#include "ipc/limits.h"

namespace bulwark::ipc {

void LogRecord::encode(Writer& w) const {
  w.u64(seq);
  w.str(frame);
}
Result<LogRecord> LogRecord::decode(Reader& r) {
  BW_TRY(seq, r.u64());
  if (seq == 0) return fail("ipc: audit seq 0");
  BW_TRY(frame, r.str(kMaxLogFrame));
  if (frame.empty()) return fail("ipc: empty log frame");
  return LogRecord{seq, std::move(frame)};
}

void LogshipStatus::encode(Writer& w) const {
  w.u8(connected ? 1 : 0);
  w.u64(dropped);
  w.u64(last_sent_seq);
}
Result<LogshipStatus> LogshipStatus::decode(Reader& r) {
  BW_TRY(connected, r.boolean());
  BW_TRY(dropped, r.u64());
  BW_TRY(last_sent, r.u64());
  return LogshipStatus{connected, dropped, last_sent};
}

}  // namespace bulwark::ipc
