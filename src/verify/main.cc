// bulwark-verify: offline integrity check of an installed Bulwark tree
// against a signed release manifest. Order matters: arguments, public key,
// signature over the manifest bytes, and only then the manifest parser and
// the file system walk. See verify_args.h for usage and exit codes.
#include <cstdio>
#include <span>
#include <string>

#include "release/bounded_file.h"
#include "release/key_file.h"
#include "release/signature.h"
#include "release/tree_compare.h"
#include "release/tree_scan.h"
#include "verify/report_output.h"
#include "verify/verify_args.h"

namespace {

using namespace bulwark;

Result<release::Report> verifyTree(const verify::VerifyArgs& a) {
  auto key = release::loadPublicKeyFile(a.pubkey);
  if (!key) return fail(key.error());
  auto bytes = release::readBoundedFile(a.manifest, release::kMaxSignedManifestBytes);
  if (!bytes) return fail(bytes.error());
  auto manifest = release::verifySignedManifest(*bytes, *key);
  if (!manifest) return fail(a.manifest + ": " + manifest.error().message);
  auto tree = release::scanTree(a.root, manifest->covers);
  if (!tree) return fail(tree.error());
  return release::compareTree(*manifest, *tree);
}

int couldNotVerify(bool json, const std::string& why) {
  if (json) std::fputs(verify::formatErrorJson(why).c_str(), stdout);
  std::fprintf(stderr, "bulwark-verify: could not verify: %s\n", why.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = verify::parseVerifyArgs(std::span<char* const>(argv + 1, argc > 0 ? argc - 1 : 0));
  if (!args) {
    std::fputs(verify::kVerifyUsage.data(), stderr);
    return couldNotVerify(false, args.error().message);
  }
  if (args->help) {
    std::fputs(verify::kVerifyUsage.data(), stdout);
    return 0;
  }
  auto report = verifyTree(*args);
  if (!report) return couldNotVerify(args->json, report.error().message);
  std::string out =
      args->json ? verify::formatReportJson(*report) : verify::formatReportText(*report);
  std::fputs(out.c_str(), stdout);
  return verify::exitCodeOf(verify::verdictOf(*report));
}
