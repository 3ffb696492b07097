// Command line of bulwark-verify. The public key comes only from here: the
// verifier has no built-in or configured key that an attacker with write
// access to the gateway could swap.
//
//   Result<VerifyArgs> a = parseVerifyArgs({argv + 1, argv + argc});
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/error.h"

namespace bulwark::verify {

struct VerifyArgs {
  std::string root;
  std::string manifest;
  std::string pubkey;
  bool json = false;
  bool help = false;
};

inline constexpr std::string_view kVerifyUsage =
    "usage: bulwark-verify --root DIR --manifest FILE --pubkey FILE [--json]\n"
    "\n"
    "Checks the installed tree under DIR against a signed release manifest.\n"
    "The signature is checked with the public key given here before anything\n"
    "else. Take the public key and manifest from trusted media, not from the\n"
    "gateway being checked.\n"
    "\n"
    "exit status: 0 tree matches, 1 tampered (differences listed),\n"
    "             2 could not verify (bad signature, unreadable input, bad args)\n";

[[nodiscard]] Result<VerifyArgs> parseVerifyArgs(std::span<char* const> args);

}  // namespace bulwark::verify
