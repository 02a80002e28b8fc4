// The network name and the attachment (container ID, ifname) become file names in the store.
// These checks run before any path is built, so no caller input can escape the store directory
// or break the one-record-per-file formats, whatever the plugin validated before.
#pragma once

#include <string>

#include "ipam/ipam.h"

namespace nsveth::ipam {

/// Throws CniError(kInvalidConfig) unless `network` is usable as one directory name:
/// not empty, not "." or "..", no '/' and no NUL.
void check_network_name(const std::string& network);

/// Throws CniError(kInvalidEnvironment) unless both parts are non-empty and free of '/', NUL,
/// CR and LF, and the container ID has no '@' (the separator of index file names).
void check_attachment(const AttachmentId& who);

}  // namespace nsveth::ipam
