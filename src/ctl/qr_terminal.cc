#include "ctl/qr_terminal.h"

#include <qrencode.h>

#include <memory>

namespace bulwark::ctl {
namespace {

constexpr int kQuiet = 2;

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

std::string renderQr(std::string_view text) {
  std::string copy(text);
  std::unique_ptr<QRcode, QrFree> qr(QRcode_encodeString(copy.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!qr) return {};
  const int w = qr->width;
  auto dark = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= w || y >= w) return false;
    return (qr->data[y * w + x] & 1) != 0;
  };
  std::string out;
  // Light background: a dark module is a space, a light one a full block.
  for (int y = -kQuiet; y < w + kQuiet; y += 2) {
    for (int x = -kQuiet; x < w + kQuiet; ++x) {
      bool top = dark(x, y);
      bool bottom = dark(x, y + 1);
      if (!top && !bottom) out += "\u2588";
      else if (top && bottom) out += " ";
      else if (top) out += "\u2584";
      else out += "\u2580";
    }
    out += "\n";
  }
  return out;
}

}  // namespace bulwark::ctl
