// lookupAccount: resolves the account the workers run as, by name, through
// NSS. Only bulwarkd calls it, before any sandbox; it is kept out of the
// static worker (cmake/static_worker.cmake), which has no NSS.
//
//   auto a = lookupAccount("nobody", "");   // "" = the user's primary group
#pragma once

#include <sys/types.h>

#include <string>

#include "common/error.h"

namespace bulwark::privsep {

struct Account {
  uid_t uid;
  gid_t gid;
};

Result<Account> lookupAccount(const std::string& user, const std::string& group);

}  // namespace bulwark::privsep
