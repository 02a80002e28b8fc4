// Names derived from an attachment, and the created-namespace records under /run/nsveth.
#include "plugin/attachment.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/error.h"
#include "common/fd.h"
#include "common/hex.h"
#include "common/read_to_end.h"
#include "common/write_all.h"
#include "netns/named_netns.h"

namespace nsveth {

namespace {

constexpr const char* kStateDir = "/run/nsveth";
constexpr const char* kCreatedNetnsDir = "/run/nsveth/created-netns";

std::string record_path(std::string_view name) {
    return std::string(kCreatedNetnsDir) + "/" + std::string(name);
}

std::string record_text(std::string_view container_id, std::string_view ifname,
                        std::uint64_t cookie) {
    return std::string(container_id) + "\n" + std::string(ifname) + "\n" + std::to_string(cookie) +
           "\n";
}

/// A record: "<container id>\n<ifname>\n<namespace cookie>\n". Records from before the cookie
/// (an nsveth upgraded under running pods) have only the first two lines.
struct CreatedRecord {
    std::string container_id, ifname;
    std::optional<std::uint64_t> cookie;
};

std::optional<CreatedRecord> read_record(std::string_view name) {
    Fd fd(::open(record_path(name).c_str(), O_RDONLY | O_CLOEXEC));
    std::string text;
    if (!fd || !read_to_end(fd.get(), text, FileKind::kFile)) return std::nullopt;
    std::vector<std::string_view> lines;
    for (std::string_view rest = text; !rest.empty();) {
        const auto end = rest.find('\n');
        if (end == std::string_view::npos) return std::nullopt;  // cut short
        lines.push_back(rest.substr(0, end));
        rest.remove_prefix(end + 1);
    }
    if (lines.size() != 2 && lines.size() != 3) return std::nullopt;
    CreatedRecord record{std::string(lines[0]), std::string(lines[1]), std::nullopt};
    if (lines.size() == 3) {
        std::uint64_t cookie = 0;
        const auto [end, error] =
            std::from_chars(lines[2].data(), lines[2].data() + lines[2].size(), cookie);
        if (error != std::errc() || end != lines[2].data() + lines[2].size()) return std::nullopt;
        record.cookie = cookie;
    }
    return record;
}

}  // namespace

NetnsTarget resolve_netns(std::string_view cni_netns) {
    if (cni_netns.find('/') != std::string_view::npos) return {std::string(cni_netns), {}};
    if (!is_valid_netns_name(cni_netns))
        throw CniError(kInvalidEnvironment, "invalid CNI_NETNS \"" + std::string(cni_netns) +
                                                "\": neither a path nor a valid namespace name");
    return {named_netns_path(cni_netns), std::string(cni_netns)};
}

std::string host_veth_name(std::string_view container_id, std::string_view ifname) {
    // FNV-1a over "containerID/ifname": '/' cannot occur in either, so the split is unambiguous.
    std::uint64_t hash = 14695981039346656037ull;
    auto mix = [&hash](std::string_view bytes) {
        for (unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ull;
    };
    mix(container_id);
    mix("/");
    mix(ifname);
    std::string name = "veth";
    append_hex(name, hash >> 20, 11);  // 44 bits = 11 hex digits: 15 characters, IFNAMSIZ - 1
    return name;
}

void record_created_netns(std::string_view name, const Netns& netns,
                          std::string_view container_id, std::string_view ifname) {
    for (const char* dir : {kStateDir, kCreatedNetnsDir})
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) throw_errno(std::string("mkdir ") + dir);
    const std::string path = record_path(name);
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd || !write_all(fd.get(), record_text(container_id, ifname, netns.cookie())))
        throw_errno("write " + path);
}

void delete_created_netns(std::string_view name, std::string_view container_id,
                          std::string_view ifname) {
    const auto record = read_record(name);
    if (!record || record->container_id != container_id || record->ifname != ifname) return;
    const auto netns = Netns::open_if_present(named_netns_path(name));
    if (netns && (!record->cookie || netns->cookie() == *record->cookie))
        delete_named_netns(name);
    unlink(record_path(name).c_str());
}

void delete_created_netns_of(std::string_view container_id, std::string_view ifname) {
    const std::unique_ptr<DIR, int (*)(DIR*)> stream(opendir(kCreatedNetnsDir), closedir);
    if (!stream) return;  // nothing was ever created
    std::vector<std::string> names;
    while (const dirent* entry = readdir(stream.get()))
        if (is_valid_netns_name(entry->d_name)) names.emplace_back(entry->d_name);
    for (const auto& name : names) delete_created_netns(name, container_id, ifname);
}

}  // namespace nsveth
