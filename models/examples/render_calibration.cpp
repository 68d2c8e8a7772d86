// Prints the platform catalog as Markdown: `render_calibration > docs/calibration.md`.
#include <iostream>

#include "models/catalog/catalog.hpp"

int main() {
  try {
    std::cout << vmcsim::models::Catalog::load_default().render_markdown();
  } catch (const std::exception& e) {
    std::cerr << "render_calibration: " << e.what() << "\n";
    return 2;
  }
}
