// RangeIterator: a cursor over the union of a set's [rangeStart, rangeEnd] intervals.
#include "ipam/range_iterator.h"

namespace nsveth::ipam {

namespace {
bool in_range(const Range& range, const IpAddress& ip) {
    return ip.family() == range.range_start.family() && range.range_start <= ip &&
           ip <= range.range_end;
}
}  // namespace

std::optional<std::size_t> range_holding(const RangeSet& set, const IpAddress& ip) {
    for (std::size_t i = 0; i < set.size(); ++i)
        if (in_range(set[i], ip)) return i;
    return std::nullopt;
}

bool is_gateway_of(const RangeSet& set, const IpAddress& ip) {
    for (const Range& range : set)
        if (range.gateway == ip) return true;
    return false;
}

RangeIterator::RangeIterator(const RangeSet& set, const std::optional<IpAddress>& last_reserved)
    : RangeIterator(set, start_of(set, last_reserved)) {}

RangeIterator::RangeIterator(const RangeSet& set, Candidate start)
    : set_(set), start_(start.address), position_(start) {}

RangeIterator::Candidate RangeIterator::start_of(const RangeSet& set,
                                                 const std::optional<IpAddress>& last_reserved) {
    if (last_reserved) {
        for (std::size_t i = 0; i < set.size(); ++i) {
            if (!in_range(set[i], *last_reserved)) continue;
            if (*last_reserved != set[i].range_end) return {last_reserved->next(), i};
            std::size_t following = (i + 1) % set.size();
            return {set[following].range_start, following};
        }
    }
    return {set.front().range_start, 0};
}

RangeIterator::Candidate RangeIterator::after(const Candidate& position) const {
    if (position.address != set_[position.range].range_end)
        return {position.address.next(), position.range};
    std::size_t following = (position.range + 1) % set_.size();
    return {set_[following].range_start, following};
}

std::optional<RangeIterator::Candidate> RangeIterator::next() {
    while (!done_) {
        Candidate candidate = position_;
        position_ = after(position_);
        done_ = position_.address == start_;
        if (!is_gateway_of(set_, candidate.address)) return candidate;
    }
    return std::nullopt;
}

}  // namespace nsveth::ipam
