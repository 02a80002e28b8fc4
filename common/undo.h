// Commit-or-undo for multi-step operations: after each side effect the caller pushes the step that
// reverses it; unless commit() is reached, the destructor runs them newest first on every path,
// exceptions included. A failing undo step is reported on stderr and the remaining steps still run.
#pragma once

#include <functional>
#include <vector>

namespace nsveth {

class UndoStack {
public:
    UndoStack() = default;
    UndoStack(const UndoStack&) = delete;
    UndoStack& operator=(const UndoStack&) = delete;
    ~UndoStack();

    /// Registers the reversal of a side effect that has just happened.
    void push(std::function<void()> step) { steps_.push_back(std::move(step)); }
    /// The operation succeeded: keep everything.
    void commit() { steps_.clear(); }

private:
    std::vector<std::function<void()>> steps_;
};

}  // namespace nsveth
