#include "file_helpers.hpp"

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace asyncsvr::test {

std::string random_bytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::string bytes(size, '\0');
  for (auto& b : bytes)
    b = static_cast<char>(engine());
  return bytes;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

void send_data(client::connection& c, std::string_view bytes) {
  for (std::size_t at = 0; at < bytes.size(); at += data_chunk) {
    const auto piece = bytes.substr(at, data_chunk);
    c.send("Data", {}, {piece.data(), piece.size()});
  }
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace asyncsvr::test
