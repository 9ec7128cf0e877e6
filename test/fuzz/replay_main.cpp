// Runs a libFuzzer target's LLVMFuzzerTestOneInput over every file of the given corpus
// directories, without libFuzzer: what CI does on every run with any compiler, so that every seed
// and every input that once crashed keeps passing. A failed check aborts, which fails the test.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (entry.is_regular_file()) inputs.push_back(entry.path());
    }
  }
  if (inputs.empty()) {
    std::cerr << "fuzz replay: no inputs found\n";
    return 1;
  }
  std::sort(inputs.begin(), inputs.end());  // the same order on every run
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
    if (!in.good() && !in.eof()) {
      std::cerr << "fuzz replay: cannot read " << path << '\n';
      return 1;
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::cout << "fuzz replay: " << inputs.size() << " inputs passed\n";
  return 0;
}
