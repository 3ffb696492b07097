#include "privsep/account.h"

#include <grp.h>
#include <pwd.h>

#include <vector>

namespace bulwark::privsep {

Result<Account> lookupAccount(const std::string& user, const std::string& group) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* pres = nullptr;
  if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &pres) != 0 || pres == nullptr)
    return fail("no such user: " + user);
  Account a{pw.pw_uid, pw.pw_gid};
  if (!group.empty()) {
    ::group gr{};
    ::group* gres = nullptr;
    if (getgrnam_r(group.c_str(), &gr, buf.data(), buf.size(), &gres) != 0 || gres == nullptr)
      return fail("no such group: " + group);
    a.gid = gr.gr_gid;
  }
  return a;
}

}  // namespace bulwark::privsep
