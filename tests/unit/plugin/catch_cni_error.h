// A helper shared by the plugin unit tests: most protocol rules are "this input fails with that
// CNI code and this message", which needs the thrown CniError itself, not just its type.
#pragma once

#include <gtest/gtest.h>

#include "common/error.h"

namespace nsveth {

/// Runs `action` and returns the CniError it throws; records a test failure if it throws none.
/// Any other exception propagates and fails the test with its message.
template <typename Action>
CniError catch_cni_error(Action action) {
    try {
        action();
    } catch (const CniError& error) {
        return error;
    }
    ADD_FAILURE() << "expected a CniError, none was thrown";
    return CniError(0, "<none thrown>");
}

}  // namespace nsveth
