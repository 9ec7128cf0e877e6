#pragma once
// A fresh directory for one test, removed with everything in it when the object goes.

#include <cerrno>
#include <filesystem>
#include <stdlib.h>
#include <string>
#include <system_error>

namespace asyncsvr::test {

struct temp_dir {
  std::filesystem::path path;

  explicit temp_dir(const std::filesystem::path& base = std::filesystem::temp_directory_path()) {
    std::string pattern = (base / "asyncsvr-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;  // a failed test may leave odd permissions; never throw from here
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace asyncsvr::test
