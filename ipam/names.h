// The network name and the attachment (container ID, ifname) become file names in the store.
// These checks run before any path is built, so no caller input can escape the store directory
// or break the one-record-per-file formats, whatever the plugin validated before.
#pragma once

#include <string>

#include "ipam/ipam.h"

namespace nsveth::ipam {

/// Throws CniError(kInvalidConfig) unless `network` is usable as one directory name:
/// not empty, at most NAME_MAX bytes, not "." or "..", no '/' and no NUL.
void check_network_name(const std::string& network);

/// Whether the index file name "<container id>@<ifname>" fits NAME_MAX. Nothing can be stored
/// for an attachment that does not, so releasing it has nothing to do.
bool index_name_fits(const AttachmentId& who);

/// Throws CniError(kInvalidEnvironment) unless both parts are non-empty and free of '/', NUL,
/// CR and LF, the container ID has no '@' (the separator of index file names), and
/// index_name_fits.
void check_attachment(const AttachmentId& who);

}  // namespace nsveth::ipam
