// Store: the file names and record formats of the on-disk layout described in store.h.
#include "ipam/store.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

#include "common/error.h"
#include "ipam/boot_id.h"
#include "ipam/names.h"

namespace nsveth::ipam {

namespace {

constexpr const char* kLockName = "lock";
constexpr const char* kBootIdName = "boot_id";
constexpr const char* kLastReservedPrefix = "last_reserved_ip.";
constexpr const char* kAttachmentsName = "attachments";
constexpr const char* kLineBreak = "\r\n";

// host-local's record: container ID, CR LF, interface name, no trailing newline.
std::string owner_record(const AttachmentId& who) {
    return who.container_id + kLineBreak + who.ifname;
}

// Container IDs have no '@' (check_attachment), so the first '@' splits the name unambiguously.
std::string index_name(const AttachmentId& who) { return who.container_id + "@" + who.ifname; }

std::optional<AttachmentId> attachment_of_index(const std::string& name) {
    std::size_t at = name.find('@');
    if (at == 0 || at == std::string::npos || at + 1 == name.size()) return std::nullopt;
    return AttachmentId{name.substr(0, at), name.substr(at + 1)};
}

// The address an address file is named after: only the canonical spelling, the one claim()
// writes and host-local writes, so removing by address always hits the same file.
std::optional<IpAddress> address_of_file(const std::string& name) {
    std::optional<IpAddress> ip = IpAddress::parse(name);
    if (!ip || ip->to_string() != name) return std::nullopt;
    return ip;
}

bool is_temp(const std::string& name) { return name.rfind(kTempPrefix, 0) == 0; }

// host-local trims whitespace around a record before comparing; so do we.
std::string trimmed(const std::string& text) {
    const char* space = " \t\r\n";
    std::size_t first = text.find_first_not_of(space);
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

}  // namespace

std::optional<Store> Store::open(const std::string& data_dir, const std::string& network,
                                 OpenMode mode, std::chrono::milliseconds lock_timeout) {
    std::optional<Directory> directory =
        Directory::open(data_dir + "/" + network, mode == OpenMode::kCreate);
    if (!directory) return std::nullopt;
    FileLock lock(directory->fd(), kLockName, directory->path_of(kLockName), lock_timeout);
    // The network directory exists, so its bookkeeping directory may be created even on release.
    std::optional<Directory> attachments =
        Directory::open(directory->path_of(kAttachmentsName), true);
    Store store(std::move(*directory), std::move(lock), std::move(*attachments));
    const std::string boot = current_boot_id();
    if (mode == OpenMode::kRead) {
        // Reading must not write; what an earlier boot left is as good as nothing.
        if (!store.same_boot(boot)) return std::nullopt;
    } else {
        store.adopt_boot(boot);
    }
    return store;
}

bool Store::has_boot_id() const { return network_.exists(kBootIdName); }

bool Store::same_boot(const std::string& current) const {
    std::optional<std::string> recorded = network_.read(kBootIdName);
    return !recorded || trimmed(*recorded) == current;
}

void Store::adopt_boot(const std::string& current) {
    std::optional<std::string> recorded = network_.read(kBootIdName);
    if (recorded && trimmed(*recorded) == current) return;
    // No boot id (a new store, one of an older nsveth, or host-local's): its reservations may
    // belong to this boot, so they are kept. Any other id, including a damaged one, is a boot
    // that is over, and so is every network namespace its reservations were made for. Address
    // files go before indexes (the index stays a superset), and the new id is recorded only
    // when everything is gone, so an interrupted wipe is finished by the next writer.
    if (recorded) {
        for (const std::string& name : temp_files()) remove_temp_file(name);
        for (const IpAddress& ip : address_files()) remove_address(ip);
        for (const AttachmentId& who : indexed_attachments()) remove_index(who);
    } else {
        index_unindexed_reservations();
    }
    network_.replace(kBootIdName, current + "\n");
}

void Store::index_unindexed_reservations() {
    std::map<std::pair<std::string, std::string>, std::vector<IpAddress>> owned;
    for (const IpAddress& ip : address_files()) {
        std::optional<Owner> owner;
        try {
            owner = owner_of(ip);
        } catch (const SystemError&) {
            continue;
        }
        if (owner && owner->ifname)
            owned[{owner->container_id, *owner->ifname}].push_back(ip);
    }
    for (auto& [key, addresses] : owned) {
        const AttachmentId who{key.first, key.second};
        try {
            check_attachment(who);  // the index name must stay one file in attachments/
        } catch (const CniError&) {
            continue;
        }
        std::vector<IpAddress> listed = read_index(who).value_or(std::vector<IpAddress>{});
        const std::size_t before = listed.size();
        for (const IpAddress& ip : addresses)
            if (std::find(listed.begin(), listed.end(), ip) == listed.end()) listed.push_back(ip);
        if (listed.size() != before) write_index(who, listed);
    }
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
    // A torn cursor reads as unparsable and is ignored (last_reserved), so no atomic replace.
    network_.overwrite(kLastReservedPrefix + std::to_string(set), ip.to_string());
}

std::optional<std::vector<IpAddress>> Store::read_index(const AttachmentId& who) const {
    std::optional<std::string> text = attachments_.read(index_name(who));
    if (!text) return std::nullopt;
    std::vector<IpAddress> addresses;
    // Parsing as an address is also what keeps a damaged line from naming any other file.
    std::string_view rest = *text;
    while (!rest.empty()) {
        const std::size_t end = std::min(rest.find('\n'), rest.size());
        if (auto ip = IpAddress::parse(trimmed(std::string(rest.substr(0, end)))))
            addresses.push_back(*ip);
        rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    return addresses;
}

void Store::write_index(const AttachmentId& who, const std::vector<IpAddress>& addresses) {
    std::string text;
    for (const IpAddress& ip : addresses) text += ip.to_string() + "\n";
    // A new attachment's index does not exist yet: link it into place; replace a stale one.
    if (!attachments_.create_new(index_name(who), text))
        attachments_.replace(index_name(who), text);
}

void Store::remove_index(const AttachmentId& who) { attachments_.remove(index_name(who)); }

std::vector<IpAddress> Store::release(const AttachmentId& who) {
    std::vector<IpAddress> removed;
    std::optional<std::vector<IpAddress>> listed = read_index(who);
    if (!listed) return removed;
    for (const IpAddress& ip : *listed)
        if (is_held_by(ip, who)) {
            remove_address(ip);
            removed.push_back(ip);
        }
    remove_index(who);
    return removed;
}

std::vector<AttachmentId> Store::indexed_attachments() const {
    std::vector<AttachmentId> result;
    for (const std::string& name : attachments_.list())
        if (!is_temp(name))
            if (std::optional<AttachmentId> who = attachment_of_index(name))
                result.push_back(std::move(*who));
    return result;
}

std::vector<IpAddress> Store::address_files() const {
    std::vector<IpAddress> result;
    for (const std::string& name : network_.list())
        if (std::optional<IpAddress> ip = address_of_file(name)) result.push_back(*ip);
    return result;
}

std::optional<Owner> Store::owner_of(const IpAddress& ip) const {
    std::optional<std::string> record = network_.read(ip.to_string());
    if (!record) return std::nullopt;
    std::string text = trimmed(*record);
    std::size_t split = text.find(kLineBreak);
    if (split == std::string::npos) return Owner{text, std::nullopt};
    return Owner{text.substr(0, split), text.substr(split + 2)};
}

std::vector<std::string> Store::temp_files() const {
    std::vector<std::string> result;
    for (const std::string& name : network_.list())
        if (is_temp(name)) result.push_back(name);
    for (const std::string& name : attachments_.list())
        if (is_temp(name)) result.push_back(std::string(kAttachmentsName) + "/" + name);
    return result;
}

void Store::remove_temp_file(const std::string& name) {
    // Relative to the network directory's fd, so "attachments/.tmp..." works as well.
    network_.remove(name);
}

void Store::check_writable() {
    network_.check_writable();
    attachments_.check_writable();
}

}  // namespace nsveth::ipam
