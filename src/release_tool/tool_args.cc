#include "release_tool/tool_args.h"

#include <algorithm>
#include <array>

namespace bulwark::release_tool {

namespace {

struct CommandSpec {
  std::string_view name;
  std::vector<std::string_view> required;
};

const std::array<CommandSpec, 5>& commands() {
  static const std::array<CommandSpec, 5> kCommands{{
      {"keygen", {"--private", "--public"}},
      {"manifest", {"--root", "--cover", "--version", "--out"}},
      {"sign", {"--key", "--in", "--out"}},
      {"sign-policy", {"--key", "--in", "--out"}},
      {"check-update", {"--pubkey", "--installed-version", "--package"}},
  }};
  return kCommands;
}

const CommandSpec* findCommand(std::string_view name) {
  for (const auto& c : commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

const std::string& ToolArgs::one(std::string_view flag) const {
  return flags.find(flag)->second.front();  // presence checked by parseToolArgs
}

const std::vector<std::string>& ToolArgs::all(std::string_view flag) const {
  return flags.find(flag)->second;
}

Result<ToolArgs> parseToolArgs(std::span<char* const> args) {
  if (args.empty()) return fail("no subcommand");
  ToolArgs a;
  a.command = args[0];
  const CommandSpec* spec = findCommand(a.command);
  if (spec == nullptr) return fail("unknown subcommand '" + a.command + "'");
  for (std::size_t i = 1; i < args.size(); i += 2) {
    std::string flag = args[i];
    if (std::find(spec->required.begin(), spec->required.end(), flag) == spec->required.end()) {
      return fail(a.command + ": unknown argument '" + flag + "'");
    }
    if (i + 1 == args.size() || *args[i + 1] == '\0') return fail(flag + " needs a value");
    auto& values = a.flags[flag];
    if (!values.empty() && flag != "--cover") return fail(flag + " given twice");
    values.emplace_back(args[i + 1]);
  }
  for (auto flag : spec->required) {
    if (!a.flags.contains(flag)) return fail(a.command + ": " + std::string(flag) + " is required");
  }
  return a;
}

}  // namespace bulwark::release_tool
