// The order in which one range set's addresses are offered, host-local's round-robin: start just
// after the last address handed out (so a crash-looping container does not get its old address
// straight back), walk the ranges in order, wrap around, skip gateways, stop after one full turn.
// Pure logic, so the order is testable without a store.
#pragma once

#include <cstddef>
#include <optional>

#include "common/ip.h"
#include "ipam/config.h"

namespace nsveth::ipam {

/// The index of the range of `set` whose [rangeStart, rangeEnd] holds `ip`; nullopt when none.
std::optional<std::size_t> range_holding(const RangeSet& set, const IpAddress& ip);

/// Whether `ip` is the gateway of some range of `set`; such an address is never handed out.
bool is_gateway_of(const RangeSet& set, const IpAddress& ip);

/// Offers each address of a range set once, in round-robin order.
class RangeIterator {
public:
    /// One address on offer and the index of its range in the set.
    struct Candidate {
        IpAddress address;
        std::size_t range;
    };

    /// Walks `set` (which must outlive the iterator, be non-empty and validated by parse_config)
    /// starting after `last_reserved` when that lies in one of its ranges, else at the first
    /// range's rangeStart.
    RangeIterator(const RangeSet& set, const std::optional<IpAddress>& last_reserved);

    /// The next address that is no range's gateway; nullopt once every address was offered.
    std::optional<Candidate> next();

private:
    RangeIterator(const RangeSet& set, Candidate start);
    static Candidate start_of(const RangeSet& set, const std::optional<IpAddress>& last_reserved);
    /// The address after `position`, moving to the next range (wrapping) at a range's end.
    Candidate after(const Candidate& position) const;

    const RangeSet& set_;
    IpAddress start_;
    Candidate position_;
    bool done_ = false;
};

}  // namespace nsveth::ipam
