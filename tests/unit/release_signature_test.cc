#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "release/base64.h"
#include "release/ed25519_key.h"
#include "release/key_file.h"
#include "release/signature.h"
#include "release/update_check.h"
#include "temp_dir.h"

namespace bulwark::release {
namespace {

const std::string kHash(64, 'b');

std::string manifestText(std::string_view version = "0.2.0") {
  return "bulwark-manifest 1\nversion\t" + std::string(version) +
         "\ncover\tusr/sbin\n"
         "dir\tusr/sbin\t0755\t0\t0\n"
         "file\tusr/sbin/bulwarkd\t0755\t0\t0\t10\t" +
         kHash + "\n";
}

struct Keys {
  PrivateKey priv;
  PublicKey pub;
};

Keys makeKeys() {
  auto pair = generateKeyPair();
  if (!pair) std::abort();
  auto priv = parsePrivateKeyPem(pair->private_pem.view());
  auto pub = parsePublicKeyPem(pair->public_pem);
  if (!priv || !pub) std::abort();
  return Keys{std::move(*priv), std::move(*pub)};
}

class ReleaseSignature : public ::testing::Test {
 protected:
  Keys keys_ = makeKeys();
};

TEST_F(ReleaseSignature, SignThenVerifyRoundTrips) {
  auto signed_text = signManifest(manifestText(), keys_.priv);
  ASSERT_TRUE(signed_text) << signed_text.error().message;
  EXPECT_TRUE(signed_text->starts_with(manifestText()));
  EXPECT_TRUE(signed_text->substr(manifestText().size()).starts_with("signature ed25519 "));
  EXPECT_EQ(signed_text->size(), manifestText().size() + kSignatureLineBytes);
  auto m = verifySignedManifest(*signed_text, keys_.pub);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(*m, *parseManifest(manifestText()));
}

TEST_F(ReleaseSignature, AnyFlippedBitAnywhereFails) {
  std::string good = *signManifest(manifestText(), keys_.priv);
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (unsigned char bit : {0x01, 0x20, 0x80}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ bit);
      EXPECT_FALSE(verifySignedManifest(bad, keys_.pub)) << "byte " << i << " bit " << int(bit);
    }
  }
}

TEST_F(ReleaseSignature, WrongKeyFails) {
  Keys other = makeKeys();
  std::string signed_text = *signManifest(manifestText(), other.priv);
  auto m = verifySignedManifest(signed_text, keys_.pub);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, "bad signature (manifest modified or signed with another key)");
  EXPECT_TRUE(verifySignedManifest(signed_text, other.pub));
}

TEST_F(ReleaseSignature, SignatureIsCheckedBeforeTheBodyIsParsed) {
  // A malformed body under a well-formed but wrong signature must be reported
  // as a bad signature: the parser never sees unauthenticated bytes.
  std::string body = "not a manifest\n";
  std::string forged = body + "signature ed25519 " + encodeBase64(std::string(64, 'x')) + "\n";
  EXPECT_EQ(verifySignedManifest(forged, keys_.pub).error().message,
            "bad signature (manifest modified or signed with another key)");
}

TEST_F(ReleaseSignature, RejectsMalformedSignatureLines) {
  std::string good = *signManifest(manifestText(), keys_.priv);
  std::string body = manifestText();
  std::string sig_line = good.substr(body.size());
  EXPECT_EQ(verifySignedManifest(body, keys_.pub).error().message, "no signature line at the end");
  EXPECT_FALSE(verifySignedManifest(good + "\n", keys_.pub));      // trailing blank line
  EXPECT_FALSE(verifySignedManifest(good + sig_line, keys_.pub));  // two signature lines
  EXPECT_FALSE(verifySignedManifest(good.substr(0, good.size() - 1), keys_.pub));  // no newline
  std::string rsa_label = good;
  rsa_label.replace(body.size(), 17, "signature rsa2048");
  EXPECT_EQ(verifySignedManifest(rsa_label, keys_.pub).error().message,
            "no signature line at the end");
  // Signature line glued to the previous line.
  std::string glued = body.substr(0, body.size() - 1) + "x" + sig_line;
  EXPECT_FALSE(verifySignedManifest(glued, keys_.pub));
  std::string huge(kMaxSignedManifestBytes + 1, 'x');
  EXPECT_EQ(verifySignedManifest(huge, keys_.pub).error().message, "signed file too large");
}

TEST_F(ReleaseSignature, RefusesToSignAnInvalidManifest) {
  auto r = signManifest("bulwark-manifest 1\n", keys_.priv);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "refusing to sign an invalid manifest: line 2: expected version<TAB>X.Y.Z");
}

TEST_F(ReleaseSignature, KeysArePemOfTheRightKind) {
  auto pair = generateKeyPair();
  ASSERT_TRUE(pair);
  EXPECT_TRUE(pair->private_pem.view().starts_with("-----BEGIN PRIVATE KEY-----\n"));
  EXPECT_TRUE(pair->public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
  EXPECT_EQ(*publicKeyPemOf(*parsePrivateKeyPem(pair->private_pem.view())), pair->public_pem);
  // A private key is not a public key and the other way round.
  EXPECT_FALSE(parsePublicKeyPem(pair->private_pem.view()));
  EXPECT_FALSE(parsePrivateKeyPem(pair->public_pem));
  EXPECT_FALSE(parsePublicKeyPem("garbage"));
  // A valid key of another algorithm is refused.
  EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(ec);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio, ec.get()), 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string ec_pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EXPECT_EQ(parsePublicKeyPem(ec_pem).error().message, "public key is not an Ed25519 key");
}

TEST_F(ReleaseSignature, CheckUpdateAcceptsOnlyNewerSignedPackages) {
  std::string pkg = *signManifest(manifestText("0.2.0"), keys_.priv);
  auto ok = checkUpdate(pkg, keys_.pub, "0.1.9");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->version, "0.2.0");
  EXPECT_TRUE(checkUpdate(pkg, keys_.pub, "0.1"));
  EXPECT_EQ(checkUpdate(pkg, keys_.pub, "0.2.0").error().message,
            "package version 0.2.0 is already installed");
  EXPECT_EQ(checkUpdate(pkg, keys_.pub, "0.2").error().message,
            "package version 0.2.0 is already installed");
  EXPECT_EQ(checkUpdate(pkg, keys_.pub, "0.10").error().message,
            "package version 0.2.0 is older than installed 0.10 (downgrade refused)");
  EXPECT_FALSE(checkUpdate(pkg, keys_.pub, "latest"));
  Keys other = makeKeys();
  EXPECT_FALSE(checkUpdate(pkg, other.pub, "0.1.0"));
  std::string tampered = pkg;
  tampered.replace(tampered.find("0.2.0"), 5, "9.2.0");
  EXPECT_FALSE(checkUpdate(tampered, keys_.pub, "0.1.0"));
}

class ReleaseKeyFiles : public ::testing::Test {
 protected:
  bulwark::test_support::TempDir tmp_{"bulwark-keyfiles"};
  const std::string& dir_ = tmp_.path();
};

TEST_F(ReleaseKeyFiles, PrivateKeyIsMode0600AndNeverOverwritten) {
  auto pair = generateKeyPair();
  ASSERT_TRUE(pair);
  std::string priv = dir_ + "/release.key", pub = dir_ + "/release.pub";
  ASSERT_TRUE(writeKeyPairFiles(*pair, priv, pub));
  struct stat st {};
  ASSERT_EQ(::stat(priv.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_FALSE(writeKeyPairFiles(*pair, priv, dir_ + "/other.pub"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/other.pub"));
  auto loaded_priv = loadPrivateKeyFile(priv);
  auto loaded_pub = loadPublicKeyFile(pub);
  ASSERT_TRUE(loaded_priv && loaded_pub);
  std::string s = *signManifest(manifestText(), *loaded_priv);
  EXPECT_TRUE(verifySignedManifest(s, *loaded_pub));
  EXPECT_FALSE(loadPublicKeyFile(dir_ + "/missing.pub"));
}

}  // namespace
}  // namespace bulwark::release
