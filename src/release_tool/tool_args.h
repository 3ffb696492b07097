// Command line of bulwark-release: a subcommand followed by `--flag value`
// pairs. Each subcommand declares which flags it takes and which of them may
// repeat (only --cover); anything else is an error.
//
//   Result<ToolArgs> a = parseToolArgs({argv + 1, argv + argc});
//   a->one("--out");   a->all("--cover");
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace bulwark::release_tool {

struct ToolArgs {
  std::string command;
  std::map<std::string, std::vector<std::string>, std::less<>> flags;

  [[nodiscard]] const std::string& one(std::string_view flag) const;
  [[nodiscard]] const std::vector<std::string>& all(std::string_view flag) const;
};

inline constexpr std::string_view kToolUsage =
    "usage:\n"
    "  bulwark-release keygen --private OUT --public OUT\n"
    "  bulwark-release manifest --root DIR --cover REL [--cover REL ...] --version X.Y.Z --out "
    "FILE\n"
    "  bulwark-release sign --key PRIVATE --in MANIFEST --out SIGNED\n"
    "  bulwark-release sign-policy --key PRIVATE --in POLICY.toml --out SIGNED\n"
    "  bulwark-release check-update --pubkey PUBLIC --installed-version X.Y.Z --package SIGNED\n"
    "\n"
    "sign-policy signs an emergency mitigation policy (bulwarkctl mitigation\n"
    "apply); it refuses a policy the gateway would not understand.\n"
    "\n"
    "keygen, manifest and sign belong on the release machine. The private\n"
    "signing key must stay there (offline, mode 0600) and is never copied to a\n"
    "gateway: whoever holds it can make a tampered tree verify as clean. Only\n"
    "the public key is shipped, and bulwark-verify takes it on its command line.\n"
    "\n"
    "check-update only verifies: it accepts a signed package whose version is\n"
    "strictly newer than the installed one, and writes nothing. Output files are\n"
    "never overwritten.\n";

[[nodiscard]] Result<ToolArgs> parseToolArgs(std::span<char* const> args);

}  // namespace bulwark::release_tool
