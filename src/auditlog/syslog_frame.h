// RFC 5424 syslog message for one audit record, framed for TCP with octet
// counting (RFC 6587): "LEN SP <86>1 TS HOST bulwark PID audit
// [bulwark@32473 seq="N"] {json record}". Facility authpriv, severity info.
// The sequence number is also structured data, so the collector sees gaps
// (lost or suppressed records) and can be asked for the last seq it has.
//
//   std::string wire = frameSyslog(17, line, "gw1", 4242);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bulwark::auditlog {

std::string frameSyslog(std::uint64_t seq, std::string_view record_line, std::string_view hostname,
                        long pid);

}  // namespace bulwark::auditlog
