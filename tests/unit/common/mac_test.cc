// MAC text conversion.
#include "common/mac.h"

#include <gtest/gtest.h>

namespace nsveth {
namespace {

TEST(Mac, ParsesEitherCaseAndFormatsLower) {
    auto mac = parse_mac("02:AB:cd:00:11:ff");
    ASSERT_TRUE(mac);
    EXPECT_EQ(format_mac(mac->data(), mac->size()), "02:ab:cd:00:11:ff");
}

TEST(Mac, RejectsMalformed) {
    for (const char* bad : {"", "02:ab:cd:00:11", "02:ab:cd:00:11:ff:00", "02-ab-cd-00-11-ff",
                            "0g:ab:cd:00:11:ff", "02:ab:cd:00:11:f"})
        EXPECT_FALSE(parse_mac(bad)) << bad;
}

}  // namespace
}  // namespace nsveth
