// buildManifest: turns a scan of a release tree (on the release machine) into
// a Manifest, refusing anything a manifest cannot describe faithfully: scan
// problems, fifos/sockets/devices, invalid paths, a missing cover.
//
//   auto tree = scanTree(staging_root, covers);
//   Result<Manifest> m = buildManifest(*tree, "0.1.0", covers);
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "release/manifest.h"
#include "release/tree_scan.h"

namespace bulwark::release {

[[nodiscard]] Result<Manifest> buildManifest(const ScannedTree& tree, std::string version,
                                             std::vector<std::string> covers);

}  // namespace bulwark::release
