// Cache entries on disk: libcni's JSON (keys in Go's field order, empty fields omitted as Go's
// omitempty omits them, the configuration as standard base64 as Go encodes []byte), written by
// temporary file and rename so a reader never sees half an entry.
#include "plugin/result_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>

#include "common/error.h"
#include "common/fd.h"
#include "common/read_to_end.h"
#include "common/write_all.h"
#include "plugin/json_depth.h"

namespace nsveth {

namespace {

using nlohmann::json;

constexpr const char* kKind = "cniCacheV1";
constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t chunk = 0;
        for (std::size_t j = 0; j < 3; ++j)
            chunk = (chunk << 8) | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
        for (std::size_t j = 0; j < 4; ++j)
            text += j <= n ? kBase64[(chunk >> (18 - 6 * j)) & 0x3f] : '=';
    }
    return text;
}

/// Standard alphabet; padding optional. nullopt for any other character.
std::optional<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    std::string bytes;
    std::uint32_t chunk = 0;
    int bits = 0;
    for (char c : text) {
        const char* position = std::char_traits<char>::find(kBase64, 64, c);
        if (!position) return std::nullopt;
        chunk = (chunk << 6) | static_cast<std::uint32_t>(position - kBase64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((chunk >> bits) & 0xff);
        }
    }
    return bytes;
}

std::string results_dir(const std::string& dir) { return dir + "/results"; }

/// mkdir -p with mode 0700 for every directory it creates.
void make_directories(const std::string& path) {
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        const std::string prefix = path.substr(0, slash);
        if (!prefix.empty() && mkdir(prefix.c_str(), 0700) < 0 && errno != EEXIST)
            throw_errno("create cache directory " + prefix);
        if (slash == std::string::npos) return;
    }
}

std::string read_file(const std::string& path, bool& missing) {
    missing = false;
    // Only a regular file, and only so much of it: a symlink to /dev/zero or a FIFO put in the
    // cache must not exhaust memory or block the tool.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) {
        if (errno == ENOENT) {
            missing = true;
            return {};
        }
        throw_errno("read cache entry " + path);
    }
    struct stat status {};
    if (fstat(fd.get(), &status) < 0) throw_errno("read cache entry " + path);
    if (!S_ISREG(status.st_mode))
        throw SystemError(EINVAL, "read cache entry " + path + ": not a regular file");
    std::string text;
    if (!read_to_end(fd.get(), text, FileKind::kFile, kMaxCacheEntryBytes))
        throw_errno("read cache entry " + path);
    if (text.size() > kMaxCacheEntryBytes)
        throw SystemError(EFBIG, "read cache entry " + path + ": more than " +
                                     std::to_string(kMaxCacheEntryBytes >> 20) + " MiB");
    return text;
}

std::string encode(const CachedAttachment& entry) {
    nlohmann::ordered_json document;
    document["kind"] = kKind;
    document["containerId"] = entry.params.container_id;
    document["config"] = base64_encode(entry.config);
    document["ifName"] = entry.params.ifname;
    document["networkName"] = entry.network;
    if (!entry.params.netns.empty()) document["netns"] = entry.params.netns;
    if (!entry.params.cni_args.empty()) {
        auto pairs = nlohmann::ordered_json::array();
        for (const auto& [key, value] : entry.params.cni_args) pairs.push_back({key, value});
        document["cniArgs"] = pairs;
    }
    if (entry.params.capability_args.is_object() && !entry.params.capability_args.empty())
        document["capabilityArgs"] =
            nlohmann::ordered_json::parse(entry.params.capability_args.dump());
    if (entry.result.is_object() && !entry.result.empty())
        document["result"] = nlohmann::ordered_json::parse(entry.result.dump());
    return document.dump();
}

/// nullopt when the text is not a cniCacheV1 entry; `problem` then says why.
std::optional<CachedAttachment> decode(std::string_view text, std::string& problem) {
    if (nests_too_deep(text)) {
        problem = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        return std::nullopt;
    }
    const json document = json::parse(text.begin(), text.end(), nullptr, false);
    if (!document.is_object()) {
        problem = "not a JSON object";
        return std::nullopt;
    }
    if (document.value("kind", json()) != kKind) {
        problem = std::string("kind is not ") + kKind;
        return std::nullopt;
    }
    auto string_field = [&](const char* key, std::string& out) {
        auto it = document.find(key);
        if (it == document.end()) return true;
        if (!it->is_string()) {
            problem = std::string("\"") + key + "\" is not a string";
            return false;
        }
        out = it->get<std::string>();
        return true;
    };
    CachedAttachment entry;
    std::string config_text;
    if (!string_field("containerId", entry.params.container_id) ||
        !string_field("ifName", entry.params.ifname) ||
        !string_field("networkName", entry.network) || !string_field("netns", entry.params.netns) ||
        !string_field("config", config_text))
        return std::nullopt;
    auto config = base64_decode(config_text);
    if (!config) {
        problem = "\"config\" is not base64";
        return std::nullopt;
    }
    entry.config = std::move(*config);
    if (auto args = document.find("cniArgs"); args != document.end() && !args->is_null()) {
        if (!args->is_array()) {
            problem = "\"cniArgs\" is not an array";
            return std::nullopt;
        }
        for (const auto& pair : *args) {
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() ||
                !pair[1].is_string()) {
                problem = "\"cniArgs\" holds something other than [key, value] strings";
                return std::nullopt;
            }
            entry.params.cni_args.emplace_back(pair[0].get<std::string>(),
                                               pair[1].get<std::string>());
        }
    }
    if (auto caps = document.find("capabilityArgs"); caps != document.end() && caps->is_object())
        entry.params.capability_args = *caps;
    if (auto result = document.find("result"); result != document.end() && result->is_object())
        entry.result = *result;
    return entry;
}

}  // namespace

std::string cache_dir(const Environment& env, const std::string& option) {
    if (!option.empty()) return option;
    auto it = env.find("NSVETH_CACHE_DIR");
    if (it != env.end() && !it->second.empty()) return it->second;
    return kDefaultCacheDir;
}

std::string cache_file_path(const std::string& dir, const std::string& network,
                            const std::string& container_id, const std::string& ifname) {
    return results_dir(dir) + "/" + network + "-" + container_id + "-" + ifname;
}

void write_cached_attachment(const std::string& dir, const CachedAttachment& entry) {
    const std::string directory = results_dir(dir);
    make_directories(directory);
    const std::string path =
        cache_file_path(dir, entry.network, entry.params.container_id, entry.params.ifname);
    // A dot name is skipped by list_cached_attachments; the pid keeps concurrent writers apart.
    const std::string temporary =
        directory + "/." + path.substr(directory.size() + 1) + ".tmp" + std::to_string(getpid());
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) throw_errno("create cache entry " + temporary);
    try {
        if (!write_all(fd.get(), encode(entry))) throw_errno("write cache entry " + temporary);
        if (fsync(fd.get()) < 0) throw_errno("fsync cache entry " + temporary);
        fd.reset();
        if (rename(temporary.c_str(), path.c_str()) < 0)
            throw_errno("rename " + temporary + " to " + path);
    } catch (...) {
        unlink(temporary.c_str());
        throw;
    }
    Fd directory_fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!directory_fd || fsync(directory_fd.get()) < 0) throw_errno("fsync " + directory);
}

std::optional<CachedAttachment> read_cached_attachment(const std::string& dir,
                                                       const std::string& network,
                                                       const std::string& container_id,
                                                       const std::string& ifname) {
    const std::string path = cache_file_path(dir, network, container_id, ifname);
    bool missing = false;
    const std::string text = read_file(path, missing);
    if (missing) return std::nullopt;
    std::string problem;
    auto entry = decode(text, problem);
    if (!entry) throw CniError(kDecodeFailure, "cache entry " + path + ": " + problem);
    return entry;
}

bool remove_cached_attachment(const std::string& dir, const std::string& network,
                              const std::string& container_id, const std::string& ifname) {
    const std::string path = cache_file_path(dir, network, container_id, ifname);
    if (unlink(path.c_str()) == 0) return true;
    if (errno == ENOENT) return false;
    throw_errno("remove cache entry " + path);
}

std::vector<CachedAttachment> list_cached_attachments(const std::string& dir,
                                                      std::vector<SkippedCacheFile>* skipped) {
    std::vector<CachedAttachment> entries;
    const std::string directory = results_dir(dir);
    const std::unique_ptr<DIR, int (*)(DIR*)> stream(opendir(directory.c_str()), closedir);
    if (!stream) {
        if (errno == ENOENT) return entries;
        throw_errno("list cache directory " + directory);
    }
    std::vector<std::string> names;
    while (const dirent* item = readdir(stream.get()))
        if (item->d_name[0] != '.') names.emplace_back(item->d_name);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        bool missing = false;
        std::string text;
        try {
            text = read_file(directory + "/" + name, missing);
        } catch (const SystemError& error) {
            // Unreadable (a directory, a FIFO, a permission problem): not an entry for us.
            if (skipped) skipped->push_back({name, error.what()});
            continue;
        }
        if (missing) continue;  // removed meanwhile
        std::string problem;
        auto entry = decode(text, problem);
        if (entry && !entry->network.empty() && !entry->params.ifname.empty())
            entries.push_back(std::move(*entry));
        else if (skipped)
            skipped->push_back({name, "cache entry " + directory + "/" + name + ": " +
                                          (entry ? std::string("no network or ifname") : problem)});
    }
    return entries;
}

}  // namespace nsveth
