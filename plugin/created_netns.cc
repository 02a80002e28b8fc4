// The records of the named namespaces that ADD created, and the lock around them (the format is
// in created_netns.h).
#include "plugin/created_netns.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/read_to_end.h"
#include "common/write_all.h"
#include "netns/named_netns.h"
#include "netns/netns.h"

namespace nsveth {

namespace {

constexpr const char* kStateDir = "/run/nsveth";
constexpr const char* kRecordDir = "/run/nsveth/created-netns";
constexpr const char* kLockPath = "/run/nsveth/named-netns.lock";
// Outside kRecordDir, where any file name could be a namespace's record.
constexpr const char* kRecordTemp = "/run/nsveth/created-netns.tmp";

struct User {
    std::string container_id, ifname;
    bool operator==(const User&) const = default;
};

struct Record {
    std::optional<std::uint64_t> cookie;  // absent in the records of earlier versions
    std::vector<User> users;
};

std::string record_path(std::string_view name) {
    return std::string(kRecordDir) + "/" + std::string(name);
}

/// The lines of `text`; nullopt unless every line ends with '\n' (a record cut short).
std::optional<std::vector<std::string_view>> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        if (end == std::string_view::npos) return std::nullopt;
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end + 1);
    }
    return lines;
}

/// "<word> <rest>" split at the first space.
std::pair<std::string_view, std::string_view> split_word(std::string_view line) {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return {line, {}};
    return {line.substr(0, space), line.substr(space + 1)};
}

/// Earlier versions wrote "<container id>\n<ifname>\n": one user, no cookie. Container IDs and
/// interface names have no spaces, so the two formats cannot be mistaken for each other.
std::optional<Record> read_record(std::string_view name) {
    Fd fd(::open(record_path(name).c_str(), O_RDONLY | O_CLOEXEC));
    std::string text;
    if (!fd || !read_to_end(fd.get(), text, FileKind::kFile)) return std::nullopt;
    const auto lines = lines_of(text);
    if (!lines) return std::nullopt;
    Record record;
    if (lines->size() == 2 && split_word((*lines)[0]).second.empty())
        return Record{std::nullopt, {{std::string((*lines)[0]), std::string((*lines)[1])}}};
    for (std::string_view line : *lines) {
        const auto [key, value] = split_word(line);
        if (key == "cookie") {
            std::uint64_t cookie = 0;
            const char* last = value.data() + value.size();
            const auto [end, error] = std::from_chars(value.data(), last, cookie);
            if (error != std::errc() || end != last) return std::nullopt;
            record.cookie = cookie;
        } else if (key == "attachment") {
            const auto [container_id, ifname] = split_word(value);
            if (container_id.empty() || ifname.empty()) return std::nullopt;
            record.users.push_back({std::string(container_id), std::string(ifname)});
        } else {
            return std::nullopt;
        }
    }
    return record;
}

/// Replaces the record of `name` as a whole (temp file, then rename).
void write_record(std::string_view name, const Record& record) {
    for (const char* dir : {kStateDir, kRecordDir})
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) throw_errno(std::string("mkdir ") + dir);
    std::string text;
    if (record.cookie) text += "cookie " + std::to_string(*record.cookie) + "\n";
    for (const User& user : record.users)
        text += "attachment " + user.container_id + " " + user.ifname + "\n";
    const std::string path = record_path(name);
    const std::string temp = kRecordTemp;  // one writer at a time: callers hold the lock
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd || !write_all(fd.get(), text)) throw_errno("write " + temp);
    if (rename(temp.c_str(), path.c_str()) < 0) throw_errno("rename " + temp + " to " + path);
}

/// The record of `name` without the user (container_id, ifname); nullopt when there is no
/// readable record or it does not list that user.
std::optional<Record> record_without(std::string_view name, std::string_view container_id,
                                     std::string_view ifname) {
    auto record = read_record(name);
    if (!record) return std::nullopt;
    const auto user = std::find(record->users.begin(), record->users.end(),
                                User{std::string(container_id), std::string(ifname)});
    if (user == record->users.end()) return std::nullopt;
    record->users.erase(user);
    return record;
}

void remove_record(std::string_view name) {
    const std::string path = record_path(name);
    if (unlink(path.c_str()) < 0 && errno != ENOENT) throw_errno("remove " + path);
}

}  // namespace

Fd lock_named_netns_use() {
    if (mkdir(kStateDir, 0700) < 0 && errno != EEXIST)
        throw_errno(std::string("mkdir ") + kStateDir);
    Fd lock(::open(kLockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!lock) throw_errno(std::string("open ") + kLockPath);
    while (flock(lock.get(), LOCK_EX) < 0)
        if (errno != EINTR) throw_errno(std::string("lock ") + kLockPath);
    return lock;
}

void record_created_netns(std::string_view name, std::optional<std::uint64_t> cookie,
                          std::string_view container_id, std::string_view ifname) {
    write_record(name, {cookie, {{std::string(container_id), std::string(ifname)}}});
}

bool record_netns_user(std::string_view name, std::optional<std::uint64_t> cookie,
                       std::string_view container_id, std::string_view ifname) {
    auto record = read_record(name);
    if (!record) return false;  // not created by nsveth
    if (record->cookie && cookie && *record->cookie != *cookie) return false;  // name reused
    const User user{std::string(container_id), std::string(ifname)};
    if (std::find(record->users.begin(), record->users.end(), user) != record->users.end())
        return false;
    record->users.push_back(user);
    write_record(name, *record);
    return true;
}

void forget_netns_user(std::string_view name, std::string_view container_id,
                       std::string_view ifname) {
    const auto record = record_without(name, container_id, ifname);
    if (!record) return;
    if (record->users.empty()) return remove_record(name);
    write_record(name, *record);
}

void release_created_netns(std::string_view name, std::string_view container_id,
                           std::string_view ifname) {
    const Fd lock = lock_named_netns_use();
    const auto record = record_without(name, container_id, ifname);
    if (!record) return;
    if (!record->users.empty()) return write_record(name, *record);
    // Remove the namespace unless the name now holds another one. Where no namespace is mounted
    // any more, an empty mount point may be left, which would block the name: remove it too.
    const auto netns = Netns::open_if_present(named_netns_path(name));
    const auto now = netns ? netns->cookie() : std::nullopt;
    if (!netns || !record->cookie || !now || *now == *record->cookie) delete_named_netns(name);
    remove_record(name);
}

void release_created_netns_of(std::string_view container_id, std::string_view ifname) {
    const std::unique_ptr<DIR, int (*)(DIR*)> stream(opendir(kRecordDir), closedir);
    if (!stream) return;  // nothing was ever created
    std::vector<std::string> names;
    while (const dirent* entry = readdir(stream.get()))
        if (is_valid_netns_name(entry->d_name)) names.emplace_back(entry->d_name);
    for (const auto& name : names) release_created_netns(name, container_id, ifname);
}

}  // namespace nsveth
