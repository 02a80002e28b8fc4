// UndoStack's destructor: the rollback loop.
#include "common/undo.h"

#include <cstdio>
#include <exception>

namespace nsveth {

UndoStack::~UndoStack() {
    for (auto step = steps_.rbegin(); step != steps_.rend(); ++step) {
        try {
            (*step)();
        } catch (const std::exception& error) {
            std::fprintf(stderr, "nsveth: rollback step failed: %s\n", error.what());
        } catch (...) {
            std::fprintf(stderr, "nsveth: rollback step failed\n");
        }
    }
}

}  // namespace nsveth
