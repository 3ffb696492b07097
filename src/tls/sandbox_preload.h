// preloadBeforeSandbox: what OpenSSL and libc read from files on first use
// (OpenSSL's configuration and strings, the RNG's seed sources, the time
// zone), done while the process can still open files. Every role that uses
// OpenSSL inside an empty root with no `open` calls this before
// privsep::enterSandbox.
//
//   tls::preloadBeforeSandbox();
//   if (auto r = privsep::enterSandbox(spec); !r) ...
#pragma once

namespace bulwark::tls {

void preloadBeforeSandbox();

}  // namespace bulwark::tls
