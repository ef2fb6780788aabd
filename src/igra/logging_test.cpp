#include "igra/logging.hpp"

#include <gtest/gtest.h>

namespace igra::igra {
namespace {

TEST(Logging, JsonEscapeFollowsRfc8259) {
  EXPECT_EQ(json_escape("plain"), "plain");
  EXPECT_EQ(json_escape("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(json_escape("l1\nl2\t\r"), "l1\\nl2\\t\\r");
  EXPECT_EQ(json_escape(std::string("\x01\x1f", 2)), "\\u0001\\u001f");
  EXPECT_EQ(json_escape("\xe2\x80\x94"), "\xe2\x80\x94");  // UTF-8 passes through
}

TEST(Logging, RejectsUnknownFormatsAndLevels) {
  EXPECT_FALSE(setup_logging("xml", "info").ok());
  EXPECT_FALSE(setup_logging("json", "loud").ok());
  EXPECT_TRUE(setup_logging("json", "warn").ok());
  EXPECT_TRUE(setup_logging("text", "info").ok());
}

}  // namespace
}  // namespace igra::igra
