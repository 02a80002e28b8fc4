// The result cache in libcni's layout and format (api.go cachedInfo), so CHECK and DEL need only
// the arguments of the ADD, and libcni-based tools and nsveth read each other's entries: one file
// per attachment, <cache dir>/results/<network>-<containerID>-<ifname>, holding
// {"kind": "cniCacheV1", "containerId", "config" (base64 of the configuration file), "ifName",
//  "networkName", "netns", "cniArgs" ([[K, V], ...]), "capabilityArgs", "result"}.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "plugin/attachment_params.h"
#include "plugin/environment.h"

namespace nsveth {

/// libcni's default cache directory; entries live in its "results" subdirectory.
inline constexpr const char* kDefaultCacheDir = "/var/lib/cni";

struct CachedAttachment {
    std::string network;
    AttachmentParams params;
    std::string config;     // the configuration file's bytes
    nlohmann::json result;  // the final ADD result; null when the entry has none
};

/// `option` when not empty, else $NSVETH_CACHE_DIR when set and not empty, else kDefaultCacheDir.
std::string cache_dir(const Environment& env, const std::string& option);

/// <dir>/results/<network>-<containerID>-<ifname>
std::string cache_file_path(const std::string& dir, const std::string& network,
                            const std::string& container_id, const std::string& ifname);

/// Writes the entry atomically (temporary file, fsync, rename, fsync of the directory), creating
/// the directories (0700) as needed; the file is 0600. Throws SystemError; on failure the previous
/// entry, if any, is untouched and no temporary file is left.
void write_cached_attachment(const std::string& dir, const CachedAttachment& entry);

/// The entry for (network, containerID, ifname); nullopt when there is no such file. Throws
/// CniError(kDecodeFailure) naming the file when it is not a cniCacheV1 entry, SystemError when it
/// exists but cannot be read.
std::optional<CachedAttachment> read_cached_attachment(const std::string& dir,
                                                       const std::string& network,
                                                       const std::string& container_id,
                                                       const std::string& ifname);

/// The largest cache entry read: results are a few KiB.
inline constexpr std::size_t kMaxCacheEntryBytes = 16 << 20;

/// Removes the entry; false when there was none. Throws SystemError for any other failure.
bool remove_cached_attachment(const std::string& dir, const std::string& network,
                              const std::string& container_id, const std::string& ifname);

/// A file of <dir>/results that list_cached_attachments skipped, and why.
struct SkippedCacheFile {
    std::string name;    // the file name: "<network>-<container ID>-<ifname>" when it is an entry
    std::string reason;  // a message naming the path
};

/// Every readable cniCacheV1 entry with a network and an ifname, sorted by file name, as libcni's
/// GetCachedAttachments lists them. Other files are skipped, and added to `skipped` when given.
/// Empty when the directory is missing.
std::vector<CachedAttachment> list_cached_attachments(
    const std::string& dir, std::vector<SkippedCacheFile>* skipped = nullptr);

}  // namespace nsveth
