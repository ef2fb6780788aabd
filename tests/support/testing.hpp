#pragma once
// Helpers shared by unit and integration tests: locating ../shared and the build tree, loading JSON.
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace igra::testing {

// Absolute path of a file under the shared reference directory (../shared next to the repo, or $IGRA_SHARED_DIR).
std::filesystem::path shared_path(std::string_view relative);
// The CMake build directory of this build.
std::filesystem::path binary_dir();
// Parses a JSON file; aborts the test binary with a clear message if it cannot be read.
nlohmann::json load_json(const std::filesystem::path& path);
// Extracts a .tar.xz from ../shared/fixtures into <build>/fixtures/<name>/ once, returns that directory.
std::filesystem::path unpacked_fixture(std::string_view archive_name);

}  // namespace igra::testing
