// The files a command line names: "-" (or nothing) is standard input or
// standard output. A file that cannot be opened is one line on `err`,
// "orderflow: PATH: cannot open" (or "cannot write"), and a null result.
//
//   std::ifstream file;
//   std::istream* in = OpenInput(path, file);
//   if (in == nullptr) return 1;
#ifndef ORDERFLOW_REPLAY_COMMAND_FILES_H_
#define ORDERFLOW_REPLAY_COMMAND_FILES_H_

#include <fstream>
#include <iostream>
#include <string>

namespace orderflow {

std::istream* OpenInput(const std::string& path, std::ifstream& file,
                        std::ostream& err = std::cerr);
std::ostream* OpenOutput(const std::string& path, std::ofstream& file,
                         std::ostream& err = std::cerr);

}  // namespace orderflow

#endif  // ORDERFLOW_REPLAY_COMMAND_FILES_H_
