#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdlib.h>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "asyncsvr/auth/add_user.hpp"
#include "asyncsvr/auth/base64.hpp"
#include "asyncsvr/auth/credential_verifier.hpp"
#include "asyncsvr/auth/login_throttle.hpp"
#include "asyncsvr/auth/password_hash.hpp"
#include "asyncsvr/auth/user_store.hpp"
#include "asyncsvr/user_command.hpp"
#include "support/temp_dir.hpp"

namespace auth = asyncsvr::auth;
namespace fs = std::filesystem;

namespace {

// PROTOCOL.md §6.2 test vector.
constexpr std::string_view vector_password = "admin";
constexpr std::string_view vector_wire = "21232f297a57a5a743894a0e4a801fc3";
constexpr std::string_view vector_salt = "AAECAwQFBgcICQoLDA0ODw==";
constexpr std::string_view vector_hash = "JcslT6dM9jPwXtwXZ255WCsgOxgCWab4g0sKDHAau4U=";
const std::string vector_line =
    "admin:admin:pbkdf2-sha256:100000:" + std::string(vector_salt) + ":" + std::string(vector_hash);

// Keeps the derivations these tests pay for at the cheapest count the file format allows.
constexpr unsigned cheap = auth::min_iterations;

std::vector<std::uint8_t> bytes(std::string_view text) {
  return {text.begin(), text.end()};
}

std::string upper(std::string text) {
  for (auto& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& file, std::string_view text) {
  std::ofstream(file, std::ios::binary) << text;
}

using asyncsvr::test::temp_dir;

auth::password_reader returning(std::string password, bool* called = nullptr) {
  return [password = std::move(password), called] {
    if (called != nullptr) *called = true;
    return password;
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_base64)

BOOST_AUTO_TEST_CASE(encodes_rfc4648_vectors) {
  BOOST_TEST(auth::base64_encode(bytes("")) == "");
  BOOST_TEST(auth::base64_encode(bytes("f")) == "Zg==");
  BOOST_TEST(auth::base64_encode(bytes("fo")) == "Zm8=");
  BOOST_TEST(auth::base64_encode(bytes("foo")) == "Zm9v");
  BOOST_TEST(auth::base64_encode(bytes("foob")) == "Zm9vYg==");
  BOOST_TEST(auth::base64_encode(bytes("fooba")) == "Zm9vYmE=");
  BOOST_TEST(auth::base64_encode(bytes("foobar")) == "Zm9vYmFy");
}

BOOST_AUTO_TEST_CASE(round_trips_every_length_and_byte) {
  std::vector<std::uint8_t> data;
  for (int i = 0; i < 300; ++i) {
    const auto decoded = auth::base64_decode(auth::base64_encode(data));
    BOOST_REQUIRE(decoded.has_value());
    BOOST_TEST(*decoded == data);
    data.push_back(static_cast<std::uint8_t>(255 - i));
  }
}

BOOST_AUTO_TEST_CASE(rejects_non_canonical_input) {
  for (const std::string_view bad :
       {"Zg=", "Zg", "Z===", "====", "Zm9v====", "Zg==Zm9v", "Zm=v", "Zm9 ", " Zm9v", "Zm9v\n",
        "Zm9-", "Zm9_", "Zh==", "Zm9=", "Zm\xc3\xa9"}) {
    BOOST_TEST(!auth::base64_decode(bad).has_value(), "accepted '" << bad << "'");
  }
  BOOST_TEST(auth::base64_decode("")->empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_password_hash)

BOOST_AUTO_TEST_CASE(protocol_test_vector) {
  BOOST_TEST(auth::md5_hex(vector_password) == vector_wire);
  const auto salt = auth::base64_decode(vector_salt);
  BOOST_REQUIRE(salt.has_value());
  BOOST_TEST(*salt ==
             std::vector<std::uint8_t>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));
  const auto hash = auth::pbkdf2_sha256(vector_wire, *salt, 100000);
  BOOST_TEST(auth::base64_encode(hash) == vector_hash);
}

BOOST_AUTO_TEST_CASE(md5_hex_is_lower_case_over_utf8_bytes) {
  BOOST_TEST(auth::md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  BOOST_TEST(auth::md5_hex("\xc3\xa9") == "66ddcd97cfdeabb2f6fb8a999b4bc76f");
}

BOOST_AUTO_TEST_CASE(recognises_hex32) {
  BOOST_TEST(auth::is_hex32(vector_wire));
  BOOST_TEST(auth::is_hex32(upper(std::string(vector_wire))));
  BOOST_TEST(!auth::is_hex32(""));
  BOOST_TEST(!auth::is_hex32(vector_wire.substr(1)));
  BOOST_TEST(!auth::is_hex32(std::string(vector_wire) + "0"));
  BOOST_TEST(!auth::is_hex32("21232f297a57a5a743894a0e4a801fcg"));
  BOOST_TEST(!auth::is_hex32(" 1232f297a57a5a743894a0e4a801fc3"));
}

BOOST_AUTO_TEST_CASE(constant_time_equal_compares_contents_and_sizes) {
  BOOST_TEST(auth::constant_time_equal(bytes("abc"), bytes("abc")));
  BOOST_TEST(!auth::constant_time_equal(bytes("abc"), bytes("abd")));
  BOOST_TEST(!auth::constant_time_equal(bytes("abc"), bytes("ab")));
}

BOOST_AUTO_TEST_CASE(random_bytes_differ) {
  const auto a = auth::random_bytes(16);
  BOOST_TEST(a.size() == 16U);
  BOOST_TEST(a != auth::random_bytes(16));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_user_store)

BOOST_AUTO_TEST_CASE(parses_accounts_comments_and_blank_lines) {
  const auto store = auth::user_store::parse(
      "# accounts\n\n   \n\t# indented comment\n" + vector_line + "\r\nops.team@site-1_x:user" +
          vector_line.substr(std::string_view("admin:admin").size()),
      "users");
  BOOST_TEST(store.size() == 2U);
  const auto admin = store.find("admin");
  BOOST_REQUIRE(admin);
  BOOST_TEST(admin->name == "admin");
  BOOST_TEST((admin->role == auth::role::admin));
  BOOST_TEST(admin->iterations == 100000U);
  BOOST_TEST(auth::base64_encode(admin->salt) == vector_salt);
  BOOST_TEST(auth::base64_encode(admin->hash) == vector_hash);
  const auto other = store.find("ops.team@site-1_x");
  BOOST_REQUIRE(other);
  BOOST_TEST((other->role == auth::role::user));
}

BOOST_AUTO_TEST_CASE(lookup_is_byte_exact) {
  const auto store = auth::user_store::parse(vector_line, "users");
  BOOST_TEST(store.find("admin") != nullptr);
  BOOST_TEST(store.find("Admin") == nullptr);
  BOOST_TEST(store.find("admin ") == nullptr);
  BOOST_TEST(store.find("") == nullptr);
}

BOOST_AUTO_TEST_CASE(empty_text_gives_empty_store_with_default_dummy_cost) {
  const auto store = auth::user_store::parse("# nobody yet\n", "users");
  BOOST_TEST(store.size() == 0U);
  BOOST_TEST(store.dummy_iterations() == auth::default_iterations);
}

BOOST_AUTO_TEST_CASE(dummy_cost_follows_most_accounts) {
  const auto line = [](std::string_view name, unsigned iterations) {
    return std::string(name) + ":user:pbkdf2-sha256:" + std::to_string(iterations) + ":" +
           std::string(vector_salt) + ":" + std::string(vector_hash) + "\n";
  };
  const auto store = auth::user_store::parse(
      line("a", 20000) + line("b", 10000) + line("c", 20000) + line("d", 50000), "users");
  BOOST_TEST(store.dummy_iterations() == 20000U);
}

BOOST_AUTO_TEST_CASE(reports_each_malformed_line_with_its_number) {
  const std::string tail = ":" + std::string(vector_salt) + ":" + std::string(vector_hash);
  const std::string good_prefix = "bob:user:pbkdf2-sha256:10000";
  struct bad_case {
    std::string line;
    std::string expected;
  };
  const std::vector<bad_case> cases{
      {"bad name:user:pbkdf2-sha256:10000" + tail, "character outside"},
      {"bad/name:user:pbkdf2-sha256:10000" + tail, "character outside"},
      {"b\xc3\xa9:user:pbkdf2-sha256:10000" + tail, "character outside"},
      {":user:pbkdf2-sha256:10000" + tail, "user name is empty"},
      {std::string(65, 'a') + ":user:pbkdf2-sha256:10000" + tail, "longer than 64"},
      {"bob:root:pbkdf2-sha256:10000" + tail, "unknown role 'root'"},
      {"bob:Admin:pbkdf2-sha256:10000" + tail, "unknown role 'Admin'"},
      {"bob:user:pbkdf2-sha1:10000" + tail, "unsupported hash scheme 'pbkdf2-sha1'"},
      {"bob:user:pbkdf2-sha256:9999" + tail, "iterations must be"},
      {"bob:user:pbkdf2-sha256:+10000" + tail, "iterations must be"},
      {"bob:user:pbkdf2-sha256:-10000" + tail, "iterations must be"},
      {"bob:user:pbkdf2-sha256: 10000" + tail, "iterations must be"},
      {"bob:user:pbkdf2-sha256:99999999999" + tail, "iterations must be"},
      {"bob:user:pbkdf2-sha256:" + tail, "iterations must be"},
      {good_prefix + ":AAECAwQFBgcICQoLDA0O:" + std::string(vector_hash),
       "salt must be at least 16 bytes, found 15"},
      {good_prefix + ":AAECAwQFBgcICQoLDA0ODw=:" + std::string(vector_hash),
       "salt is not valid base64"},
      {good_prefix + ":" + std::string(vector_salt) + ":JcslT6dM9jPwXtwXZ255WCsgOxgCWab4g0sKDHAa",
       "hash must be exactly 32 bytes, found 30"},
      {good_prefix + ":" + std::string(vector_salt) + ":" + std::string(44, 'A'),
       "hash must be exactly 32 bytes, found 33"},
      {good_prefix + ":" + std::string(vector_salt) +
           ":JcslT6dM9jPwXtwXZ255WCsgOxgCWab4g0sKDHAau4U",
       "hash is not valid base64"},
      {good_prefix + ":" + std::string(vector_salt) + ":" + std::string(vector_hash) + " ",
       "hash is not valid base64"},
      {good_prefix + tail + ":extra", "expected 6 fields"},
      {"bob:user:pbkdf2-sha256" + tail, "expected 6 fields"},
      {"bob", "found 1"},
      {" " + good_prefix + tail, "character outside"},
  };
  for (const auto& c : cases) {
    const std::string text = "# header\n\n" + c.line + "\n" + vector_line + "\n";
    try {
      (void)auth::user_store::parse(text, "etc/users");
      BOOST_ERROR("accepted: " << c.line);
    } catch (const auth::users_file_error& e) {
      const std::string message = e.what();
      BOOST_TEST(e.line() == 3U);
      BOOST_TEST(message.starts_with("etc/users:3: "), message);
      BOOST_TEST(message.find(c.expected) != std::string::npos,
                 "'" << message << "' lacks '" << c.expected << "'");
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_duplicate_names) {
  try {
    (void)auth::user_store::parse(vector_line + "\n# again\n" + vector_line + "\n", "users");
    BOOST_ERROR("accepted a duplicate");
  } catch (const auth::users_file_error& e) {
    BOOST_TEST(e.line() == 3U);
    BOOST_TEST(std::string(e.what()) ==
               "users:3: duplicate user 'admin' (first defined on line 1)");
  }
}

BOOST_AUTO_TEST_CASE(loads_a_file_and_names_it_in_errors) {
  temp_dir dir;
  const auto file = dir.path / "users";
  write_file(file, vector_line + "\n");
  BOOST_TEST(auth::user_store::load(file).find("admin") != nullptr);

  write_file(file, vector_line + "\nbroken\n");
  try {
    (void)auth::user_store::load(file);
    BOOST_ERROR("accepted a broken file");
  } catch (const auth::users_file_error& e) {
    BOOST_TEST(std::string(e.what()).starts_with(file.string() + ":2: "), e.what());
  }

  try {
    (void)auth::user_store::load(dir.path / "missing");
    BOOST_ERROR("loaded a missing file");
  } catch (const auth::users_file_error& e) {
    BOOST_TEST(e.line() == 0U);
    BOOST_TEST(std::string(e.what()).find("missing: cannot open") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(roles_round_trip) {
  for (const auto r : {auth::role::user, auth::role::admin}) {
    BOOST_TEST((auth::parse_role(auth::role_name(r)) == r));
  }
  BOOST_TEST(!auth::parse_role("").has_value());
  BOOST_TEST(!auth::parse_role("ADMIN").has_value());
}

BOOST_AUTO_TEST_CASE(validates_names) {
  BOOST_TEST(auth::is_valid_user_name("a"));
  BOOST_TEST(auth::is_valid_user_name(std::string(64, 'z')));
  BOOST_TEST(auth::is_valid_user_name("A-Z.a_z@0-9"));
  BOOST_TEST(!auth::is_valid_user_name(""));
  BOOST_TEST(!auth::is_valid_user_name(std::string(65, 'z')));
  for (const std::string_view bad : {"a:b", "a b", "a/b", "a\\b", "a#", "a\n", "a+b"}) {
    BOOST_TEST(!auth::is_valid_user_name(bad), bad);
  }
}

BOOST_AUTO_TEST_CASE(formatted_line_parses_and_verifies) {
  const auto line = auth::format_user_line("carol", auth::role::admin, "s3cret", cheap);
  const auto store = auth::user_store::parse(line, "generated");
  const auto carol = store.find("carol");
  BOOST_REQUIRE(carol);
  BOOST_TEST((carol->role == auth::role::admin));
  BOOST_TEST(carol->iterations == cheap);
  BOOST_TEST(carol->salt.size() == auth::min_salt_bytes);
  auth::credential_verifier verifier;
  BOOST_TEST((verifier.verify(store, "carol", auth::md5_hex("s3cret")).status ==
              auth::verify_status::success));
  BOOST_TEST(line.find("s3cret") == std::string::npos);
  BOOST_TEST(line.find(auth::md5_hex("s3cret")) == std::string::npos);
  // A fresh salt each time.
  BOOST_TEST(line != auth::format_user_line("carol", auth::role::admin, "s3cret", cheap));
}

BOOST_AUTO_TEST_CASE(format_refuses_what_the_parser_would_reject) {
  BOOST_CHECK_THROW(auth::format_user_line("bad name", auth::role::user, "pw", cheap),
                    std::invalid_argument);
  BOOST_CHECK_THROW(auth::format_user_line("bob", auth::role::user, "", cheap),
                    std::invalid_argument);
  BOOST_CHECK_THROW(auth::format_user_line("bob", auth::role::user, "pw", cheap - 1),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_credential_verifier)

namespace {

auth::user_store store_with(
    std::initializer_list<std::pair<std::string_view, std::string_view>> accounts) {
  std::string text;
  for (const auto& [name, password] : accounts) {
    text += auth::format_user_line(name, auth::role::user, password, cheap) + "\n";
  }
  return auth::user_store::parse(text, "test");
}

auth::verify_status status(auth::credential_verifier& verifier, const auth::user_store& store,
                           std::string_view name, std::string_view wire) {
  return verifier.verify(store, name, wire).status;
}

}  // namespace

BOOST_AUTO_TEST_CASE(protocol_test_vector_logs_in_with_either_case) {
  const auto store = auth::user_store::parse(vector_line, "users");
  auth::credential_verifier verifier;
  const auto result = verifier.verify(store, "admin", upper(std::string(vector_wire)));
  BOOST_TEST((result.status == auth::verify_status::success));
  BOOST_REQUIRE(result.account);
  BOOST_TEST((result.account->role == auth::role::admin));
  // The lower-case form is the same credential, so the cache answers it.
  BOOST_TEST((status(verifier, store, "admin", vector_wire) == auth::verify_status::success));
  BOOST_TEST(verifier.derivations() == 1U);
}

BOOST_AUTO_TEST_CASE(rejects_wrong_password_and_unknown_user_with_one_derivation_each) {
  const auto store = store_with({{"alice", "right"}});
  auth::credential_verifier verifier;
  const auto wrong = verifier.verify(store, "alice", auth::md5_hex("wrong"));
  BOOST_TEST((wrong.status == auth::verify_status::wrong_credentials));
  BOOST_TEST(!wrong.account);
  BOOST_TEST(verifier.derivations() == 1U);
  using namespace std::string_view_literals;
  for (const auto name : {"bob"sv, "Alice"sv, ""sv, "a:b"sv, "alice\0"sv}) {
    BOOST_TEST((status(verifier, store, name, auth::md5_hex("right")) ==
                auth::verify_status::wrong_credentials));
  }
  BOOST_TEST(verifier.derivations() == 6U);
  BOOST_TEST(verifier.cache_size() == 0U);
}

BOOST_AUTO_TEST_CASE(malformed_digest_is_refused_without_derivation) {
  const auto store = store_with({{"alice", "right"}});
  auth::credential_verifier verifier;
  const auto good = auth::md5_hex("right");
  for (const std::string& bad : {good.substr(1), good + "0", std::string(), "g" + good.substr(1),
                                 " " + good.substr(1), std::string("right")}) {
    const auto result = verifier.verify(store, "alice", bad);
    BOOST_TEST((result.status == auth::verify_status::malformed_password), bad);
    BOOST_TEST(!result.account);
  }
  BOOST_TEST((status(verifier, store, "nobody", "") == auth::verify_status::malformed_password));
  BOOST_TEST(verifier.derivations() == 0U);
}

BOOST_AUTO_TEST_CASE(cache_skips_derivation_only_for_the_verified_digest) {
  const auto store = store_with({{"alice", "right"}, {"bob", "other"}});
  auth::credential_verifier verifier;
  const auto right = auth::md5_hex("right");

  BOOST_TEST((status(verifier, store, "alice", right) == auth::verify_status::success));
  BOOST_TEST(verifier.derivations() == 1U);
  BOOST_TEST(verifier.cache_size() == 1U);
  const auto again = verifier.verify(store, "alice", right);
  BOOST_TEST((again.status == auth::verify_status::success));
  BOOST_TEST(again.account == store.find("alice"));
  BOOST_TEST(verifier.derivations() == 1U);

  // A wrong password after a cached success pays the full price and still fails...
  BOOST_TEST((status(verifier, store, "alice", auth::md5_hex("wrong")) ==
              auth::verify_status::wrong_credentials));
  BOOST_TEST(verifier.derivations() == 2U);
  // ...as does alice's digest presented for bob...
  BOOST_TEST((status(verifier, store, "bob", right) == auth::verify_status::wrong_credentials));
  BOOST_TEST(verifier.derivations() == 3U);
  // ...and neither disturbs alice's entry.
  BOOST_TEST((status(verifier, store, "alice", right) == auth::verify_status::success));
  BOOST_TEST(verifier.derivations() == 3U);
}

BOOST_AUTO_TEST_CASE(cache_follows_a_reloaded_store) {
  const auto right = auth::md5_hex("right");
  const auto text = auth::format_user_line("alice", auth::role::user, "right", cheap);
  auth::credential_verifier verifier;
  BOOST_TEST((status(verifier, auth::user_store::parse(text, "test"), "alice", right) ==
              auth::verify_status::success));
  // Reloading an unchanged file builds new objects for the same credential: still cached.
  BOOST_TEST((status(verifier, auth::user_store::parse(text, "test"), "alice", right) ==
              auth::verify_status::success));
  BOOST_TEST(verifier.derivations() == 1U);

  const auto changed = store_with({{"alice", "changed"}});
  BOOST_TEST((status(verifier, changed, "alice", right) == auth::verify_status::wrong_credentials));
  BOOST_TEST(verifier.derivations() == 2U);
  BOOST_TEST((status(verifier, changed, "alice", auth::md5_hex("changed")) ==
              auth::verify_status::success));
  BOOST_TEST(verifier.derivations() == 3U);

  const auto removed = store_with({{"bob", "other"}});
  BOOST_TEST((status(verifier, removed, "alice", auth::md5_hex("changed")) ==
              auth::verify_status::wrong_credentials));
  BOOST_TEST(verifier.derivations() == 4U);
}

BOOST_AUTO_TEST_CASE(verifies_from_many_threads_at_once) {
  const auto store = store_with({{"alice", "right"}});
  auth::credential_verifier verifier;
  const auto right = auth::md5_hex("right");
  const auto wrong = auth::md5_hex("wrong");
  std::atomic<int> mistakes{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 3; ++i) {
          const bool use_right = (t + i) % 2 == 0;
          const auto expected =
              use_right ? auth::verify_status::success : auth::verify_status::wrong_credentials;
          if (status(verifier, store, "alice", use_right ? right : wrong) != expected) ++mistakes;
        }
      });
    }
  }
  BOOST_TEST(mistakes.load() == 0);
  BOOST_TEST(verifier.cache_size() == 1U);
}

BOOST_AUTO_TEST_CASE(cache_is_bounded) {
  const auto store = store_with({{"a", "pa"}, {"b", "pb"}, {"c", "pc"}});
  auth::credential_verifier verifier(2);
  for (const auto* name : {"a", "b", "c"}) {
    BOOST_TEST((status(verifier, store, name, auth::md5_hex(std::string("p") + name)) ==
                auth::verify_status::success));
  }
  BOOST_TEST(verifier.cache_size() == 2U);

  auth::credential_verifier uncached(0);
  for (int i = 0; i < 2; ++i) {
    BOOST_TEST((status(uncached, store, "a", auth::md5_hex("pa")) == auth::verify_status::success));
  }
  BOOST_TEST(uncached.cache_size() == 0U);
  BOOST_TEST(uncached.derivations() == 2U);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_add_user)

BOOST_AUTO_TEST_CASE(creates_a_private_file_and_appends) {
  temp_dir dir;
  const auto file = dir.path / "users";
  auth::add_user(file, "alice", auth::role::admin, returning("pa"), cheap);
  BOOST_TEST((fs::status(file).permissions() == (fs::perms::owner_read | fs::perms::owner_write)));
  auth::add_user(file, "bob", auth::role::user, returning("pb"), cheap);

  const auto text = read_file(file);
  BOOST_TEST(text.starts_with("alice:admin:pbkdf2-sha256:10000:"));
  BOOST_TEST(text.find("\nbob:user:pbkdf2-sha256:10000:") != std::string::npos);
  BOOST_TEST(text.ends_with('\n'));
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 2);

  const auto store = auth::user_store::load(file);
  auth::credential_verifier verifier;
  BOOST_TEST((verifier.verify(store, "alice", auth::md5_hex("pa")).status ==
              auth::verify_status::success));
  BOOST_TEST(
      (verifier.verify(store, "bob", auth::md5_hex("pb")).status == auth::verify_status::success));
}

BOOST_AUTO_TEST_CASE(completes_a_last_line_without_line_break) {
  temp_dir dir;
  const auto file = dir.path / "users";
  write_file(file, "# no line break at the end");
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auth::add_user(file, "alice", auth::role::user, returning("pa"), cheap);
  const auto text = read_file(file);
  BOOST_TEST(text.starts_with("# no line break at the end\nalice:user:"));
  BOOST_TEST(text.ends_with('\n'));
  // An existing file keeps the permissions its owner chose.
  BOOST_TEST((fs::status(file).permissions() ==
              (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read)));
}

BOOST_AUTO_TEST_CASE(refuses_before_asking_for_the_password) {
  temp_dir dir;
  const auto file = dir.path / "users";
  auth::add_user(file, "alice", auth::role::user, returning("pa"), cheap);
  const auto before = read_file(file);

  bool asked = false;
  BOOST_CHECK_THROW(auth::add_user(file, "alice", auth::role::admin, returning("x", &asked), cheap),
                    std::invalid_argument);
  BOOST_CHECK_THROW(
      auth::add_user(file, "bad name", auth::role::user, returning("x", &asked), cheap),
      std::invalid_argument);
  BOOST_CHECK_THROW(
      auth::add_user(file, "carol", auth::role::user, returning("x", &asked), cheap - 1),
      std::invalid_argument);
  BOOST_TEST(!asked);
  BOOST_CHECK_THROW(auth::add_user(file, "carol", auth::role::user, returning(""), cheap),
                    std::invalid_argument);
  BOOST_TEST(read_file(file) == before);

  write_file(file, "broken line\n");
  BOOST_CHECK_THROW(auth::add_user(file, "carol", auth::role::user, returning("x", &asked), cheap),
                    auth::users_file_error);
  BOOST_TEST(!asked);
}

BOOST_AUTO_TEST_CASE(refused_request_creates_no_file) {
  temp_dir dir;
  const auto file = dir.path / "users";
  BOOST_CHECK_THROW(auth::add_user(file, "alice", auth::role::user, returning(""), cheap),
                    std::invalid_argument);
  BOOST_TEST(!fs::exists(file));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_user_command)

namespace {

struct command_result {
  int exit_code;
  std::string out;
  std::string err;
};

command_result run(std::vector<std::string> args, std::string password = "pw") {
  std::vector<const char*> argv{"user"};
  for (const auto& a : args)
    argv.push_back(a.c_str());
  std::ostringstream out;
  std::ostringstream err;
  const asyncsvr::app::user_command_io io{returning(std::move(password)), out, err};
  const int code = asyncsvr::app::run_user_command(static_cast<int>(argv.size()), argv.data(), io);
  return {code, out.str(), err.str()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(help_succeeds) {
  const auto result = run({"--help"});
  BOOST_TEST(result.exit_code == 0);
  BOOST_TEST(result.out.find("asyncsvr user add NAME --role admin|user") != std::string::npos);
  BOOST_TEST(result.out.find("--users-file") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(adds_an_account) {
  temp_dir dir;
  const auto file = (dir.path / "users").string();
  const auto result =
      run({"add", "alice", "--role", "admin", "--users-file", file, "--iterations", "10000"}, "pa");
  BOOST_TEST(result.exit_code == 0, result.err);
  BOOST_TEST(result.out.find("alice") != std::string::npos);
  const auto alice = auth::user_store::load(file).find("alice");
  BOOST_REQUIRE(alice);
  BOOST_TEST((alice->role == auth::role::admin));
  BOOST_TEST(alice->iterations == 10000U);

  const auto duplicate =
      run({"add", "alice", "--role", "user", "--users-file", file, "--iterations", "10000"});
  BOOST_TEST(duplicate.exit_code == 2);
  BOOST_TEST(duplicate.err.find("already exists") != std::string::npos, duplicate.err);
}

BOOST_AUTO_TEST_CASE(refuses_bad_requests_with_exit_code_2) {
  temp_dir dir;
  const auto file = (dir.path / "users").string();
  const std::vector<std::vector<std::string>> bad{
      {},
      {"remove", "alice", "--role", "user", "--users-file", file},
      {"add", "--role", "user", "--users-file", file},
      {"add", "alice", "--users-file", file},
      {"add", "alice", "--role", "root", "--users-file", file},
      {"add", "alice", "--role", "user", "--users-file", file, "--iterations", "9999"},
      {"add", "alice", "--role", "user", "--users-file", file, "--iterations", "-1"},
      {"add", "alice", "--role", "user", "--users-file", file, "--iterations", "lots"},
      {"add", "bad name", "--role", "user", "--users-file", file},
      {"add", "alice", "extra", "--role", "user", "--users-file", file},
      {"add", "alice", "--role", "user", "--users-file", file, "--bogus"},
  };
  for (const auto& args : bad) {
    const auto result = run(args);
    BOOST_TEST(result.exit_code == 2, result.err);
    BOOST_TEST(!result.err.empty());
  }
  const auto empty_password =
      run({"add", "alice", "--role", "user", "--users-file", file, "--iterations", "10000"}, "");
  BOOST_TEST(empty_password.exit_code == 2);
  BOOST_TEST(empty_password.err.find("password is empty") != std::string::npos);
  BOOST_TEST(!fs::exists(file));
}

BOOST_AUTO_TEST_CASE(broken_users_file_is_exit_code_1) {
  temp_dir dir;
  const auto file = dir.path / "users";
  write_file(file, "broken\n");
  const auto result = run({"add", "alice", "--role", "user", "--users-file", file.string()});
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(result.err.find(file.string() + ":1:") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_SUITE_END()

// The per-address login back-off: when it starts, how it grows, when it forgets, and its bound.
BOOST_AUTO_TEST_SUITE(auth_login_throttle)

using namespace std::chrono_literals;
using asyncsvr::auth::login_throttle;

asyncsvr::auth::login_backoff_settings backoff(std::size_t capacity = 65536) {
  return {.failures = 3, .window = 60s, .delay = 1s, .max_delay = 5s, .capacity = capacity};
}

const auto guesser = boost::asio::ip::make_address("192.0.2.1");

BOOST_AUTO_TEST_CASE(delays_start_after_the_threshold_and_double_up_to_the_maximum) {
  login_throttle throttle(backoff());
  const auto t0 = login_throttle::clock::time_point{} + 1h;
  std::vector<long long> delays;  // milliseconds
  for (int i = 0; i < 7; ++i) {
    delays.push_back(throttle.delay_for(guesser, t0).count());
    throttle.record_failure(guesser, t0);
  }
  const std::vector<long long> expected{0, 0, 0, 1000, 2000, 4000, 5000};
  BOOST_TEST(delays == expected, boost::test_tools::per_element());
  BOOST_TEST(throttle.backoffs() == 4u);
  BOOST_TEST(throttle.delay_for(boost::asio::ip::make_address("192.0.2.2"), t0).count() == 0);
}

BOOST_AUTO_TEST_CASE(a_quiet_window_forgets_the_failures) {
  login_throttle throttle(backoff());
  const auto t0 = login_throttle::clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i)
    throttle.record_failure(guesser, t0);
  BOOST_TEST(throttle.delay_for(guesser, t0 + 59s).count() == 1000);
  BOOST_TEST(throttle.delay_for(guesser, t0 + 60s).count() == 0);
  throttle.record_failure(guesser, t0 + 61s);  // starts a new count
  BOOST_TEST(throttle.delay_for(guesser, t0 + 61s).count() == 0);
}

BOOST_AUTO_TEST_CASE(the_table_is_bounded_and_drops_the_stalest_first) {
  login_throttle throttle(backoff(4));
  const auto t0 = login_throttle::clock::time_point{} + 1h;
  for (unsigned i = 0; i < 3; ++i)
    throttle.record_failure(guesser, t0 + 10s);
  for (unsigned i = 0; i < 10; ++i)
    throttle.record_failure(boost::asio::ip::address_v4(0x0a000000U + i),
                            t0 + std::chrono::seconds(i));
  BOOST_TEST(throttle.addresses() == 4u);
  // The guesser's record is among the freshest, so it survived.
  BOOST_TEST(throttle.delay_for(guesser, t0 + 11s).count() == 1000);
}

BOOST_AUTO_TEST_CASE(zero_failures_turns_it_off) {
  auto settings = backoff();
  settings.failures = 0;
  login_throttle throttle(settings);
  for (int i = 0; i < 10; ++i)
    throttle.record_failure(guesser);
  BOOST_TEST(throttle.delay_for(guesser).count() == 0);
  BOOST_TEST(throttle.addresses() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
