#include "tls/self_signed.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tls/ssl_ptr.h"

namespace bulwark::tls {

Result<std::string> selfSignedCertPem(EVP_PKEY* key, std::string_view common_name) {
  X509Ptr x(X509_new());
  std::string cn(common_name);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), key);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  if (X509_sign(x.get(), key, EVP_sha256()) == 0) return fail("cannot sign the certificate");
  BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), x.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace bulwark::tls
