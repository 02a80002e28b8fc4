// reserve, release and reserved: the allocation policy on top of the store. Each call takes the
// network's lock for its whole duration; reserve undoes its own writes on every error path.
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
            store_.sync();
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

// The next address of `walk` whose file does not exist yet; throws when the set is exhausted.
RangeIterator::Candidate next_free(RangeIterator& walk, const Store& store, const Config& config,
                                   std::size_t set, const std::string& network) {
    while (std::optional<RangeIterator::Candidate> candidate = walk.next())
        if (!store.is_taken(candidate->address)) return *candidate;
    throw CniError(kAddressExhausted, "no free address in range set " + std::to_string(set) + " (" +
                                          subnets_of(config.range_sets[set]) + ") of network " +
                                          network);
}

}  // namespace

std::vector<Allocation> reserve(const Config& config, const std::string& network,
                                const AttachmentId& who) {
    check_network_name(network);
    check_attachment(who);
    if (config.range_sets.empty())
        throw CniError(kInvalidConfig, "network " + network + " has no range set to allocate from");
    Store store = *Store::open(config.data_dir, network, true);

    // An index whose addresses all belong to others (or nobody) is a crash leftover: overwrite it.
    if (std::optional<std::vector<IpAddress>> listed = store.read_index(who))
        for (const IpAddress& ip : *listed)
            if (store.is_held_by(ip, who))
                throw CniError(kInvalidEnvironment, "attachment " + describe(who) +
                                                        " already holds addresses in network " +
                                                        network + " (" + ip.to_string() + ")");

    const std::size_t sets = config.range_sets.size();
    std::vector<RangeIterator> walks;
    for (std::size_t i = 0; i < sets; ++i)
        walks.emplace_back(config.range_sets[i], store.last_reserved(i));

    PendingReservation pending(store, who);
    std::vector<std::optional<Allocation>> allocations(sets);
    std::vector<IpAddress> listed;
    // Normally one round. Under the lock a candidate is only taken by a writer that ignores the
    // lock; then the set tries its next candidate, and the index keeps the stale entry (harmless).
    for (;;) {
        std::vector<std::pair<std::size_t, RangeIterator::Candidate>> picks;
        for (std::size_t i = 0; i < sets; ++i)
            if (!allocations[i])
                picks.emplace_back(i, next_free(walks[i], store, config, i, network));
        if (picks.empty()) break;
        for (const auto& [set, candidate] : picks) listed.push_back(candidate.address);
        pending.write_index(listed);
        for (const auto& [set, candidate] : picks) {
            if (!pending.claim(candidate.address)) continue;
            const Range& range = config.range_sets[set][candidate.range];
            allocations[set] =
                Allocation{IpPrefix(candidate.address, range.subnet.length()), range.gateway};
        }
    }

    std::vector<Allocation> result;
    for (std::size_t i = 0; i < sets; ++i) {
        store.set_last_reserved(i, allocations[i]->address.address());
        result.push_back(*allocations[i]);
    }
    store.sync();
    pending.commit();
    return result;
}

void release(const Config& config, const std::string& network, const AttachmentId& who) {
    check_network_name(network);
    check_attachment(who);
    std::optional<Store> store = Store::open(config.data_dir, network, false);
    if (!store) return;
    std::optional<std::vector<IpAddress>> listed = store->read_index(who);
    if (!listed) return;
    for (const IpAddress& ip : *listed)
        if (store->is_held_by(ip, who)) store->remove_address(ip);
    store->sync();  // removals durable before the index that lists them disappears
    store->remove_index(who);
}

std::vector<IpAddress> reserved(const Config& config, const std::string& network,
                                const AttachmentId& who) {
    check_network_name(network);
    check_attachment(who);
    std::vector<IpAddress> held;
    std::optional<Store> store = Store::open(config.data_dir, network, false);
    if (!store) return held;
    if (std::optional<std::vector<IpAddress>> listed = store->read_index(who))
        for (const IpAddress& ip : *listed)
            if (store->is_held_by(ip, who)) held.push_back(ip);
    return held;
}

}  // namespace nsveth::ipam
