#pragma once
// sweep.csv as rows of cells, for the tests that read what write_sweep_csv writes.
#include <sstream>
#include <string>
#include <vector>

#include "app/report/csv_writers.hpp"

namespace vmcsim::test {

// The cells of one line (sweep.csv quotes none of the fields these tests read).
inline std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in{line};
  while (std::getline(in, cell, ','))
    cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

// Every line of the results' sweep.csv, header first.
inline std::vector<std::vector<std::string>> sweep_csv_rows(const app::RunResults& results) {
  std::ostringstream out;
  app::report::write_sweep_csv(results, out);
  std::vector<std::vector<std::string>> rows;
  std::istringstream in{out.str()};
  for (std::string line; std::getline(in, line);)
    rows.push_back(csv_cells(line));
  return rows;
}

}  // namespace vmcsim::test
