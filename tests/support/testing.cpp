#include "support/testing.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace igra::testing {

#ifndef IGRA_SHARED_DIR
#define IGRA_SHARED_DIR "../shared"
#endif
#ifndef IGRA_BINARY_DIR
#define IGRA_BINARY_DIR "."
#endif

std::filesystem::path shared_path(std::string_view relative) {
  const char* env = std::getenv("IGRA_SHARED_DIR");
  std::filesystem::path base = env && *env ? env : IGRA_SHARED_DIR;
  return base / std::string(relative);
}

std::filesystem::path binary_dir() { return IGRA_BINARY_DIR; }

nlohmann::json load_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    std::abort();
  }
  return nlohmann::json::parse(in);
}

std::filesystem::path unpacked_fixture(std::string_view archive_name) {
  auto archive = shared_path(std::string("fixtures/") + std::string(archive_name));
  std::string stem(archive_name);
  if (auto pos = stem.find(".tar"); pos != std::string::npos) stem.resize(pos);
  auto dir = binary_dir() / "fixtures" / stem;
  auto stamp = dir / ".unpacked";
  if (!std::filesystem::exists(stamp)) {
    std::filesystem::create_directories(dir);
    std::string cmd = "tar -xJf '" + archive.string() + "' -C '" + dir.string() + "'";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "failed: %s\n", cmd.c_str());
      std::abort();
    }
    std::ofstream(stamp) << "ok\n";
  }
  return dir;
}

}  // namespace igra::testing
