// Store: the file names and record formats of the on-disk layout described in store.h.
#include "ipam/store.h"

#include <sstream>

#include "common/error.h"

namespace nsveth::ipam {

namespace {

constexpr const char* kLockName = "lock";
constexpr const char* kLastReservedPrefix = "last_reserved_ip.";
constexpr const char* kAttachmentsName = "attachments";

// host-local's record: container ID, CR LF, interface name, no trailing newline.
std::string owner_record(const AttachmentId& who) { return who.container_id + "\r\n" + who.ifname; }

// Container IDs have no '@' (check_attachment), so the first '@' splits the name unambiguously.
std::string index_name(const AttachmentId& who) { return who.container_id + "@" + who.ifname; }

// host-local trims whitespace around a record before comparing; so do we.
std::string trimmed(const std::string& text) {
    const char* space = " \t\r\n";
    std::size_t first = text.find_first_not_of(space);
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

}  // namespace

std::optional<Store> Store::open(const std::string& data_dir, const std::string& network,
                                 bool create, std::chrono::milliseconds lock_timeout) {
    std::optional<Directory> directory = Directory::open(data_dir + "/" + network, create);
    if (!directory) return std::nullopt;
    FileLock lock(directory->fd(), kLockName, directory->path_of(kLockName), lock_timeout);
    // The network directory exists, so its bookkeeping directory may be created even on release.
    std::optional<Directory> attachments =
        Directory::open(directory->path_of(kAttachmentsName), true);
    return Store(std::move(*directory), std::move(lock), std::move(*attachments));
}

bool Store::is_taken(const IpAddress& ip) const { return network_.exists(ip.to_string()); }

bool Store::claim(const IpAddress& ip, const AttachmentId& who) {
    return network_.create_new(ip.to_string(), owner_record(who));
}

bool Store::is_held_by(const IpAddress& ip, const AttachmentId& who) const {
    std::optional<std::string> record = network_.read(ip.to_string());
    return record && trimmed(*record) == owner_record(who);
}

void Store::remove_address(const IpAddress& ip) { network_.remove(ip.to_string()); }

void Store::sync() { network_.sync(); }

std::optional<IpAddress> Store::last_reserved(std::size_t set) const {
    // Only a hint for where to start looking: a damaged cursor must not block allocation.
    std::optional<std::string> text;
    try {
        text = network_.read(kLastReservedPrefix + std::to_string(set));
    } catch (const SystemError&) {
        return std::nullopt;
    }
    if (!text) return std::nullopt;
    return IpAddress::parse(trimmed(*text));
}

void Store::set_last_reserved(std::size_t set, const IpAddress& ip) {
    network_.replace(kLastReservedPrefix + std::to_string(set), ip.to_string());
}

std::optional<std::vector<IpAddress>> Store::read_index(const AttachmentId& who) const {
    std::optional<std::string> text = attachments_.read(index_name(who));
    if (!text) return std::nullopt;
    std::vector<IpAddress> addresses;
    std::istringstream lines(*text);
    // Parsing as an address is also what keeps a damaged line from naming any other file.
    for (std::string line; std::getline(lines, line);)
        if (auto ip = IpAddress::parse(trimmed(line))) addresses.push_back(*ip);
    return addresses;
}

void Store::write_index(const AttachmentId& who, const std::vector<IpAddress>& addresses) {
    std::string text;
    for (const IpAddress& ip : addresses) text += ip.to_string() + "\n";
    attachments_.replace(index_name(who), text);
    attachments_.sync();
}

void Store::remove_index(const AttachmentId& who) {
    if (attachments_.remove(index_name(who))) attachments_.sync();
}

}  // namespace nsveth::ipam
