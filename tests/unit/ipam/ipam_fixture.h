// Shared by the reserve/release tests: a config whose dataDir is the test's temp directory, and
// shorthands for the store paths and attachments the tests look at.
#pragma once

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "ipam/config.h"
#include "ipam/ipam.h"
#include "temp_dir.h"

namespace nsveth::ipam::test {

inline constexpr const char* kNetwork = "testnet";

class IpamTest : public TempDirTest {
protected:
    /// parse_config of `ranges` (the "ranges" value) with dataDir set to this test's directory.
    Config config_for(const nlohmann::json& ranges) const {
        return parse_config({{"ranges", ranges}, {"dataDir", dir_}});
    }
    /// Two range sets, 10.22.0.0/24 and fd00::/64: a reservation claims one address of each.
    Config dual_stack() const {
        return config_for(nlohmann::json::array(
            {nlohmann::json::array({{{"subnet", "10.22.0.0/24"}}}),
             nlohmann::json::array({{{"subnet", "fd00::/64"}}})}));
    }
    /// A config with one range set holding one range.
    Config config_for_range(const nlohmann::json& range) const {
        return config_for(nlohmann::json::array({nlohmann::json::array({range})}));
    }
    std::string store_path(const std::string& name = {}) const {
        return dir_ + "/" + kNetwork + (name.empty() ? "" : "/" + name);
    }
    std::string index_path(const AttachmentId& who) const {
        return store_path("attachments/" + who.container_id + "@" + who.ifname);
    }
    /// The address files of the store (everything but the bookkeeping entries and temp files).
    std::set<std::string> address_files() const {
        std::set<std::string> names;
        for (const std::string& name : names_in(store_path()))
            if (name != "lock" && name != "attachments" && name != "boot_id" &&
                name.rfind("last_reserved_ip.", 0) != 0 && name.rfind(".tmp.", 0) != 0)
                names.insert(name);
        return names;
    }
    /// The temp files left in the store and its attachments/ directory.
    std::set<std::string> temp_files() const {
        std::set<std::string> names;
        for (const std::string& name : names_in(store_path()))
            if (name.rfind(".tmp.", 0) == 0) names.insert(name);
        for (const std::string& name : names_in(store_path("attachments")))
            if (name.rfind(".tmp.", 0) == 0) names.insert("attachments/" + name);
        return names;
    }
    /// Every way the store breaks the rule "an address file is complete and listed in its
    /// owner's index" (empty when it holds): the index is written first, so no reservation may
    /// exist without one, whatever point a writer was killed at.
    std::vector<std::string> inconsistencies() const {
        std::vector<std::string> problems;
        for (const std::string& name : address_files()) {
            std::string record = read_text(store_path(name));
            std::size_t split = record.find("\r\n");
            if (split == std::string::npos || split == 0 || split + 2 == record.size() ||
                record.find_first_of("\r\n", split + 2) != std::string::npos) {
                problems.push_back(name + ": incomplete record \"" + record + "\"");
                continue;
            }
            AttachmentId owner{record.substr(0, split), record.substr(split + 2)};
            std::string index = index_path(owner);
            if (!std::filesystem::exists(index)) {
                problems.push_back(name + ": owner " + owner.container_id + "/" + owner.ifname +
                                   " has no index");
                continue;
            }
            std::istringstream lines(read_text(index));
            bool listed = false;
            for (std::string line; std::getline(lines, line);) listed = listed || line == name;
            if (!listed) problems.push_back(name + ": not in " + index);
        }
        return problems;
    }
    /// Writes a file into the store as another writer (or a crash) would have left it.
    void plant(const std::string& name, const std::string& content) const {
        std::filesystem::create_directories(store_path("attachments"));
        std::ofstream(store_path(name), std::ios::binary) << content;
    }
};

inline AttachmentId attachment(const std::string& container_id,
                               const std::string& ifname = "eth0") {
    return AttachmentId{container_id, ifname};
}

/// The addresses of `allocations` as text, e.g. "10.0.0.2/24".
inline std::vector<std::string> texts(const std::vector<Allocation>& allocations) {
    std::vector<std::string> result;
    for (const Allocation& allocation : allocations)
        result.push_back(allocation.address.to_string());
    return result;
}

inline std::vector<std::string> texts(const std::vector<IpAddress>& addresses) {
    std::vector<std::string> result;
    for (const IpAddress& address : addresses) result.push_back(address.to_string());
    return result;
}

inline IpAddress ip(const std::string& text) { return *IpAddress::parse(text); }

/// The one address reserve() gave for a single-range-set config.
inline std::string reserve_one(const Config& config, const AttachmentId& who) {
    std::vector<Allocation> allocations = reserve(config, kNetwork, who);
    EXPECT_EQ(allocations.size(), 1u);
    return allocations.empty() ? "" : allocations[0].address.address().to_string();
}

/// Runs `action` expecting CniError with `code` and a message containing every fragment.
template <typename Action>
void expect_cni_error(Action action, int code, std::initializer_list<std::string> fragments) {
    try {
        action();
        ADD_FAILURE() << "no CniError";
    } catch (const CniError& error) {
        EXPECT_EQ(error.code(), code) << error.what();
        for (const std::string& fragment : fragments)
            EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)
                << "message `" << error.what() << "` lacks `" << fragment << "`";
    }
}

}  // namespace nsveth::ipam::test
