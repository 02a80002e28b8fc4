// The network name and the attachment (container ID, ifname) become file names in the store.
// These checks run before any path is built, so no caller input can escape the store directory
// or break the one-record-per-file formats, whatever the plugin validated before.
#pragma once

#include <cstddef>
#include <string>

#include "ipam/ipam.h"

namespace nsveth::ipam {

/// The longest file name the store may create (NAME_MAX of Linux file systems).
inline constexpr std::size_t kMaxFileNameLength = 255;

/// Throws CniError(kInvalidConfig) unless `network` is usable as one directory name:
/// not empty, at most kMaxFileNameLength bytes, not "." or "..", no '/' and no NUL.
void check_network_name(const std::string& network);

/// Throws CniError(kInvalidEnvironment) unless both parts are non-empty and free of '/', NUL,
/// CR and LF, the container ID has no '@' (the separator of index file names), and the index
/// file name "<container id>@<ifname>" fits kMaxFileNameLength.
void check_attachment(const AttachmentId& who);

}  // namespace nsveth::ipam
