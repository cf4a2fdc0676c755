#include "replay/command_files.h"

namespace orderflow {

std::istream* OpenInput(const std::string& path, std::ifstream& file,
                        std::ostream& err) {
  if (path.empty() || path == "-") return &std::cin;
  file.open(path);
  if (!file) {
    err << "orderflow: " << path << ": cannot open\n";
    return nullptr;
  }
  return &file;
}

std::ostream* OpenOutput(const std::string& path, std::ofstream& file,
                         std::ostream& err) {
  if (path.empty() || path == "-") return &std::cout;
  file.open(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    err << "orderflow: " << path << ": cannot write\n";
    return nullptr;
  }
  return &file;
}

}  // namespace orderflow
