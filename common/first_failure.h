// FirstFailure: runs steps that must all be tried (DEL, GC: best effort by the specification),
// keeps the first exception instead of stopping at it, and throws it once every step has run.
#pragma once

#include <exception>

namespace nsveth {

class FirstFailure {
public:
    /// Runs `step`; an exception it throws is kept if it is the first one.
    template <typename Step>
    void attempt(Step step) {
        try {
            step();
        } catch (...) {
            if (!first_) first_ = std::current_exception();
        }
    }
    /// Throws the first kept exception, if any.
    void rethrow() const {
        if (first_) std::rethrow_exception(first_);
    }

private:
    std::exception_ptr first_;
};

}  // namespace nsveth
