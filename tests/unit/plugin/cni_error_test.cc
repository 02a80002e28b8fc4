// render_error: the exact error document for protocol errors, transient and permanent system
// errors, and foreign exceptions.
#include "plugin/cni_error.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <new>
#include <stdexcept>

#include "common/error.h"

namespace nsveth {
namespace {

using nlohmann::json;

TEST(RenderError, KeepsACniErrorsCodeMessageAndDetails) {
    const CniError error(kIncompatibleVersion, "incompatible CNI versions",
                         R"(config is "9.9.9", plugin supports ["1.1.0"])");
    EXPECT_EQ(render_error(error, "9.9.9"), json::parse(R"({
        "cniVersion": "9.9.9", "code": 1, "msg": "incompatible CNI versions",
        "details": "config is \"9.9.9\", plugin supports [\"1.1.0\"]"})"));
}

TEST(RenderError, OmitsEmptyDetailsAndDefaultsTheVersion) {
    const CniError error(kInvalidConfig, "missing network name");
    EXPECT_EQ(render_error(error, "0.4.0"),
              json::parse(R"({"cniVersion": "0.4.0", "code": 7, "msg": "missing network name"})"));
    EXPECT_EQ(render_error(error, ""),
              json::parse(R"({"cniVersion": "1.1.0", "code": 7, "msg": "missing network name"})"));
}

TEST(RenderError, TransientSystemErrorsAskForARetry) {
    for (int error : {EAGAIN, EWOULDBLOCK, EBUSY, EINTR, ETIMEDOUT}) {
        const SystemError system(error, "lock /var/lib/cni/networks/x");
        const json rendered = render_error(system, "1.0.0");
        EXPECT_EQ(rendered, (json{{"cniVersion", "1.0.0"}, {"code", 11}, {"msg", system.what()}}))
            << error;
    }
    const json eagain = render_error(SystemError(EAGAIN, "add link veth0"), "1.1.0");
    EXPECT_EQ(eagain["msg"], "add link veth0: Resource temporarily unavailable");
}

TEST(RenderError, OtherSystemErrorsAreSystemFailures) {
    const SystemError error(EPERM, "add address 10.22.0.5/24 to eth0", "permission denied by LSM");
    EXPECT_EQ(render_error(error, "1.1.0"),
              (json{{"cniVersion", "1.1.0"},
                    {"code", 100},
                    {"msg",
                     "add address 10.22.0.5/24 to eth0: Operation not permitted (kernel: "
                     "permission denied by LSM)"}}));
}

TEST(RenderError, ForeignExceptionsAreSystemFailures) {
    EXPECT_EQ(render_error(std::runtime_error("boom"), "1.0.0"),
              json::parse(R"({"cniVersion": "1.0.0", "code": 100, "msg": "boom"})"));
    const json bad_alloc = render_error(std::bad_alloc(), "1.1.0");
    EXPECT_EQ(bad_alloc["code"], 100);
    EXPECT_EQ(bad_alloc["msg"], std::bad_alloc().what());
    EXPECT_FALSE(bad_alloc.contains("details"));
}

}  // namespace
}  // namespace nsveth
