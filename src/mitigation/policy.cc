#include "mitigation/policy.h"

#include <toml++/toml.h>

namespace bulwark::mitigation {
namespace {

std::string at(const toml::node& n) {
  return "line " + std::to_string(n.source().begin.line) + ": ";
}

Result<void> readBool(const toml::node& n, const std::string& key, bool& out) {
  if (!n.is_boolean()) return fail(at(n) + key + ": expected true or false");
  out = *n.value<bool>();
  return {};
}

Result<void> readMethods(const toml::node& n, MitigationPolicy& p) {
  const toml::array* a = n.as_array();
  if (a == nullptr) return fail(at(n) + "disable_auth_methods: expected an array of strings");
  for (const auto& item : *a) {
    auto v = item.value<std::string>();
    if (!item.is_string()) return fail(at(n) + "disable_auth_methods: expected strings");
    if (*v == "password-only")
      p.disable_password_only = true;
    else if (*v == "totp")
      p.disable_totp = true;
    else
      return fail(at(n) + "disable_auth_methods: unknown method \"" + *v +
                  "\" (password-only, totp)");
  }
  return {};
}

Result<void> readPaths(const toml::node& n, MitigationPolicy& p) {
  const toml::array* a = n.as_array();
  if (a == nullptr) return fail(at(n) + "blocked_paths: expected an array of strings");
  if (a->size() > kMaxBlockedPaths) return fail(at(n) + "blocked_paths: too many paths");
  for (const auto& item : *a) {
    if (!item.is_string()) return fail(at(n) + "blocked_paths: expected strings");
    std::string path = *item.value<std::string>();
    if (path.empty() || path.front() != '/' || path.size() > kMaxPathLength)
      return fail(at(n) + "blocked_paths: \"" + path + "\" is not an absolute request path");
    for (unsigned char c : path)
      if (c <= 0x20 || c >= 0x7f) return fail(at(n) + "blocked_paths: control or space in a path");
    p.blocked_paths.push_back(std::move(path));
  }
  return {};
}

Result<void> readKey(const std::string& key, const toml::node& n, MitigationPolicy& p) {
  if (key == "version") {
    auto v = n.value<std::int64_t>();
    if (!n.is_integer() || *v < 1) return fail(at(n) + "version: expected a positive integer");
    p.version = static_cast<std::uint64_t>(*v);
    return {};
  }
  if (key == "reason") {
    if (!n.is_string()) return fail(at(n) + "reason: expected a string");
    p.reason = *n.value<std::string>();
    return {};
  }
  if (key == "disable_new_logins") return readBool(n, key, p.disable_new_logins);
  if (key == "disable_dtls") return readBool(n, key, p.disable_dtls);
  if (key == "disable_auth_methods") return readMethods(n, p);
  if (key == "blocked_paths") return readPaths(n, p);
  return fail(at(n) + "unknown key " + key);
}

}  // namespace

Result<MitigationPolicy> parsePolicy(std::string_view toml_body) {
  if (toml_body.size() > kMaxPolicyBytes) return fail("policy too large");
  toml::table root;
  try {
    root = toml::parse(toml_body, std::string_view("policy"));
  } catch (const toml::parse_error& e) {
    return fail("line " + std::to_string(e.source().begin.line) + ": " +
                std::string(e.description()));
  }
  MitigationPolicy p;
  for (const auto& [k, node] : root)
    if (auto r = readKey(std::string(k.str()), node, p); !r) return fail(r.error());
  if (p.version == 0) return fail("version is required");
  if (p.reason.empty()) return fail("reason is required");
  return p;
}

}  // namespace bulwark::mitigation
