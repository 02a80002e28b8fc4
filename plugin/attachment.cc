// Names derived from an attachment, and the created-namespace records under /run/nsveth.
#include "plugin/attachment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "common/error.h"
#include "common/fd.h"
#include "common/hex.h"
#include "netns/named_netns.h"

namespace nsveth {

namespace {

constexpr const char* kStateDir = "/run/nsveth";
constexpr const char* kCreatedNetnsDir = "/run/nsveth/created-netns";

std::string record_path(std::string_view name) {
    return std::string(kCreatedNetnsDir) + "/" + std::string(name);
}

std::string record_text(std::string_view container_id, std::string_view ifname) {
    return std::string(container_id) + "\n" + std::string(ifname) + "\n";
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

void record_created_netns(std::string_view name, std::string_view container_id,
                          std::string_view ifname) {
    for (const char* dir : {kStateDir, kCreatedNetnsDir})
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) throw_errno(std::string("mkdir ") + dir);
    const std::string path = record_path(name);
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) throw_errno("write " + path);
    const std::string text = record_text(container_id, ifname);
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        throw_errno("write " + path);
}

bool created_by(std::string_view name, std::string_view container_id, std::string_view ifname) {
    Fd fd(::open(record_path(name).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return false;
    char buffer[512];
    ssize_t length = ::read(fd.get(), buffer, sizeof buffer);
    return length > 0 && std::string_view(buffer, static_cast<std::size_t>(length)) ==
                             record_text(container_id, ifname);
}

void forget_created_netns(std::string_view name) { unlink(record_path(name).c_str()); }

}  // namespace nsveth
