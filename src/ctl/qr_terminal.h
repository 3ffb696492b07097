// Renders text as a QR code for a terminal (libqrencode for the symbol; two
// modules per character cell with Unicode half blocks, dark on light, with
// the quiet zone), so an authenticator app can scan an otpauth:// URI off
// the admin's screen.
//
//   std::string art = renderQr("otpauth://totp/...");   // empty if it fails
#pragma once

#include <string>
#include <string_view>

namespace bulwark::ctl {

std::string renderQr(std::string_view text);

}  // namespace bulwark::ctl
