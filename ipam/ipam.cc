// reserve, release, reserved and check_status: the allocation policy on top of the store. Each
// call takes the network's lock for its whole duration; reserve undoes its own writes on every
// error path. collect_garbage lives in gc.cc.
#include "ipam/ipam.h"

#include "common/error.h"
#include "ipam/names.h"
#include "ipam/range_iterator.h"
#include "ipam/store.h"

namespace nsveth::ipam {

namespace {

std::string describe(const AttachmentId& who) { return who.container_id + "/" + who.ifname; }

std::string subnets_of(const RangeSet& set) {
    std::string text;
    for (const Range& range : set) {
        std::string subnet = range.subnet.to_string();
        if (text.find(subnet) != std::string::npos) continue;
        text += (text.empty() ? "" : ", ") + subnet;
    }
    return text;
}

// "range set 1 (10.22.0.0/24) of network net", for messages.
std::string describe_set(const Config& config, std::size_t set, const std::string& network) {
    return "range set " + std::to_string(set) + " (" + subnets_of(config.range_sets[set]) +
           ") of network " + network;
}

CniError unavailable(const IpAddress& ip, const std::string& reason) {
    return CniError(kAddressUnavailable, "requested address " + ip.to_string() + " " + reason);
}

// What one reserve call wrote, removed again by the destructor unless commit() was reached.
// Address files go first and the index last, keeping the index a superset of the reservation
// even if this cleanup fails half-way (the index is then left for a later release).
class PendingReservation {
public:
    PendingReservation(Store& store, const AttachmentId& who) : store_(store), who_(who) {}
    PendingReservation(const PendingReservation&) = delete;
    PendingReservation& operator=(const PendingReservation&) = delete;
    ~PendingReservation() {
        if (committed_) return;
        try {
            for (const IpAddress& ip : claimed_) store_.remove_address(ip);
            if (index_written_) store_.remove_index(who_);
        } catch (...) {
            // Best effort: the exception already travelling is the one to report.
        }
    }

    /// Lists `addresses` in the index before any of them is claimed.
    void write_index(const std::vector<IpAddress>& addresses) {
        index_written_ = true;  // a failed replace may still have left the new index in place
        store_.write_index(who_, addresses);
    }
    /// False when `ip` turned out to be taken.
    bool claim(const IpAddress& ip) {
        if (!store_.claim(ip, who_)) return false;
        claimed_.push_back(ip);
        return true;
    }
    void commit() { committed_ = true; }

private:
    Store& store_;
    const AttachmentId& who_;
    std::vector<IpAddress> claimed_;
    bool index_written_ = false;
    bool committed_ = false;
};

// The next address of `walk` whose file does not exist yet; nullopt when the set is exhausted.
std::optional<RangeIterator::Candidate> next_free(RangeIterator& walk, const Store& store) {
    while (std::optional<RangeIterator::Candidate> candidate = walk.next())
        if (!store.is_taken(candidate->address)) return candidate;
    return std::nullopt;
}

// The range set and range of each requested address, checked before the store is touched: in
// one set's [rangeStart, rangeEnd], no gateway, at most one per set. Indexed by range set.
std::vector<std::optional<RangeIterator::Candidate>> place_requested(
    const Config& config, const std::string& network, const std::vector<IpAddress>& requested) {
    std::vector<std::optional<RangeIterator::Candidate>> placed(config.range_sets.size());
    for (const IpAddress& ip : requested) {
        std::size_t set = 0;
        std::optional<std::size_t> range;
        while (set < config.range_sets.size() &&
               !(range = range_holding(config.range_sets[set], ip)))
            ++set;
        if (!range) {
            std::string subnets;
            for (const RangeSet& each : config.range_sets)
                subnets += (subnets.empty() ? "" : ", ") + subnets_of(each);
            throw unavailable(ip, "is in no range of network " + network + " (" + subnets + ")");
        }
        if (is_gateway_of(config.range_sets[set], ip))
            throw unavailable(ip, "is a gateway of " + describe_set(config, set, network));
        if (placed[set])
            throw unavailable(ip, "falls in " + describe_set(config, set, network) +
                                      " like requested address " +
                                      placed[set]->address.to_string() +
                                      ", and a range set gives one address per attachment");
        placed[set] = RangeIterator::Candidate{ip, *range};
    }
    return placed;
}

}  // namespace

std::vector<Allocation> reserve(const Config& config, const std::string& network,
                                const AttachmentId& who, const std::vector<IpAddress>& requested) {
    check_network_name(network);
    check_attachment(who);
    if (config.range_sets.empty())
        throw CniError(kInvalidConfig, "network " + network + " has no range set to allocate from");
    const std::vector<std::optional<RangeIterator::Candidate>> placed =
        place_requested(config, network, requested);
    Store store = *Store::open(config.data_dir, network, OpenMode::kCreate);

    // An index whose addresses all belong to others (or nobody) is a crash leftover: overwrite it.
    if (std::optional<std::vector<IpAddress>> listed = store.read_index(who))
        for (const IpAddress& ip : *listed)
            if (store.is_held_by(ip, who))
                throw CniError(kInvalidEnvironment, "attachment " + describe(who) +
                                                        " already holds addresses in network " +
                                                        network + " (" + ip.to_string() + ")");

    const std::size_t sets = config.range_sets.size();
    auto taken = [&](std::size_t set) {
        return unavailable(placed[set]->address,
                           "is already reserved in " + describe_set(config, set, network));
    };
    for (std::size_t i = 0; i < sets; ++i)
        if (placed[i] && store.is_taken(placed[i]->address)) throw taken(i);

    std::vector<RangeIterator> walks;
    for (std::size_t i = 0; i < sets; ++i)
        walks.emplace_back(config.range_sets[i], store.last_reserved(i));

    PendingReservation pending(store, who);
    std::vector<std::optional<Allocation>> allocations(sets);
    std::vector<IpAddress> listed;
    // Normally one round. Under the lock a candidate is only taken by a writer that ignores the
    // lock; then the set tries its next candidate (a requested address fails instead), and the
    // index keeps the stale entry (harmless).
    for (;;) {
        std::vector<std::pair<std::size_t, RangeIterator::Candidate>> picks;
        for (std::size_t i = 0; i < sets; ++i) {
            if (allocations[i]) continue;
            std::optional<RangeIterator::Candidate> pick =
                placed[i] ? placed[i] : next_free(walks[i], store);
            if (!pick)
                throw CniError(kAddressExhausted,
                               "no free address in " + describe_set(config, i, network));
            picks.emplace_back(i, *pick);
        }
        if (picks.empty()) break;
        for (const auto& [set, candidate] : picks) listed.push_back(candidate.address);
        pending.write_index(listed);
        for (const auto& [set, candidate] : picks) {
            if (!pending.claim(candidate.address)) {
                if (placed[set]) throw taken(set);
                continue;
            }
            const Range& range = config.range_sets[set][candidate.range];
            allocations[set] =
                Allocation{IpPrefix(candidate.address, range.subnet.length()), range.gateway};
        }
    }

    std::vector<Allocation> result;
    for (std::size_t i = 0; i < sets; ++i) {
        // Requested addresses move the cursor too, as in host-local (its Store.Reserve writes
        // last_reserved_ip for every reservation): round-robin goes on after the latest one.
        store.set_last_reserved(i, allocations[i]->address.address());
        result.push_back(*allocations[i]);
    }
    pending.commit();
    return result;
}

void release(const Config& config, const std::string& network, const AttachmentId& who) {
    check_network_name(network);
    // Never indexed here, so nothing for DEL to release (a host-local store taken over may hold
    // an address file for such an ID; GC collects it).
    if (!index_name_fits(who)) return;
    check_attachment(who);
    std::optional<Store> store = Store::open(config.data_dir, network, OpenMode::kUpdate);
    if (store) store->release(who);
}

std::vector<IpAddress> reserved(const Config& config, const std::string& network,
                                const AttachmentId& who) {
    check_network_name(network);
    check_attachment(who);
    std::vector<IpAddress> held;
    std::optional<Store> store = Store::open(config.data_dir, network, OpenMode::kRead);
    if (!store) return held;
    std::optional<std::vector<IpAddress>> listed = store->read_index(who);
    // No nsveth has written this store yet, so nothing indexed its reservations: look at all.
    if (!listed && !store->has_boot_id()) listed = store->address_files();
    if (listed)
        for (const IpAddress& ip : *listed)
            if (store->is_held_by(ip, who)) held.push_back(ip);
    return held;
}

void check_status(const Config& config, const std::string& network) {
    check_network_name(network);
    if (config.range_sets.empty())
        throw CniError(kInvalidConfig, "network " + network + " has no range set to allocate from");
    try {
        // Creating the store on STATUS is what ADD would do first anyway; a busy lock stays
        // CniError(kTryAgainLater), since the store works, it is just in use.
        std::optional<Store> store =
            Store::open(config.data_dir, network, OpenMode::kCreate, kStatusLockTimeout);
        store->check_writable();
        for (std::size_t i = 0; i < config.range_sets.size(); ++i) {
            RangeIterator walk(config.range_sets[i], store->last_reserved(i));
            if (!next_free(walk, *store))
                throw CniError(kPluginNotAvailable,
                               "no free address in " + describe_set(config, i, network));
        }
    } catch (const SystemError& error) {
        throw CniError(kPluginNotAvailable, "IPAM store of network " + network + " in " +
                                                config.data_dir +
                                                " is not usable: " + error.what());
    }
}

}  // namespace nsveth::ipam
