// `images`: a mapping of image name to its layers.
#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& image_key_tables() {
  static const KeyTables tables{
      {"image", {"layers", "size"}},
      {"layer", {"digest", "size"}},
  };
  return tables;
}

namespace {

// Either a list of layers, or a total size split into a count of equal layers.
Image read_image(const std::string& name, const Field& img) {
  img.check_keys(keys("image"));
  Image im;
  im.name = name;
  const Field layers = img.required("layers");
  if (layers.node.IsSequence()) {
    if (img.optional("size"))
      img["size"].fail("give either size with a layer count or a list of layers, not both");
    std::size_t i = 0;
    for (const Field& l : layers.elements(false)) {
      l.check_keys(keys("layer"));
      Layer layer;
      layer.digest = l.optional("digest") ? l["digest"].text() : fmt::format("{}/layer{}", name, i);
      layer.size = l.required("size").positive<sim::Bytes>();
      im.layers.push_back(layer);
      ++i;
    }
  } else {
    const auto n = layers.integer(1, 1000);
    const sim::Bytes total = img.required("size").positive<sim::Bytes>();
    // Equal layers, the remainder on the first, so the sizes add up exactly.
    const sim::Bytes each{total.count() / n};
    for (long long i = 0; i < n; ++i)
      im.layers.push_back(
          {fmt::format("{}/layer{}", name, i), i == 0 ? total - each * (n - 1) : each});
  }
  return im;
}

}  // namespace

void read_images(ReadContext& cx, const Field& f, Scenario& s) {
  if (!f.node.IsMap()) f.fail("expected a mapping of image name to image");
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (!cx.attempt([&] { s.images.push_back(read_image(name, f[name])); }))
      cx.note_failed(name, "image");
  }
}

}  // namespace vmcsim::app::scenario
