#include "asyncsvr/codec/result_code.hpp"

#include <array>
#include <ostream>

namespace asyncsvr::codec {

namespace {

struct code_text {
  result_code code;
  std::string_view name;
  std::string_view message;
};

constexpr std::array<code_text, 28> table{{
    {result_code::success, "Success", "success"},
    {result_code::not_exist_command, "NotExistCommand", "unknown command"},
    {result_code::packet_length_error, "PacketLengthError", "length field out of range"},
    {result_code::packet_format_error, "PacketFormatError", "malformed text block"},
    {result_code::unknown_error, "UnknownError", "unexpected server error"},
    {result_code::command_no_completed, "CommandNoCompleted", "command not completed"},
    {result_code::parameter_error, "ParameterError", "missing, repeated or invalid parameter"},
    {result_code::user_or_password_error, "UserOrPasswordError", "wrong user name or password"},
    {result_code::not_login, "NotLogin", "login required"},
    {result_code::file_not_exist, "FileNotExist", "file does not exist"},
    {result_code::not_open_file, "NotOpenFile", "no file is open"},
    {result_code::file_is_in_use, "FileIsInUse", "file is in use"},
    {result_code::dir_not_exist, "DirNotExist", "directory does not exist"},
    {result_code::create_dir_error, "CreateDirError", "directory could not be created"},
    {result_code::delete_dir_error, "DeleteDirError", "directory could not be deleted"},
    {result_code::delete_file_failed, "DeleteFileFailed", "file could not be deleted"},
    {result_code::file_size_error, "FileSizeError", "size or offset disagrees with the file"},
    {result_code::path_not_allowed, "PathNotAllowed", "path not allowed"},
    {result_code::permission_denied, "PermissionDenied", "permission denied"},
    {result_code::session_not_found, "SessionNotFound", "no such session"},
    {result_code::upload_taken_over, "UploadTakenOver", "upload taken over by another connection"},
    {result_code::kicked, "Kicked", "kicked by administrator"},
    {result_code::server_shutting_down, "ServerShuttingDown", "server is shutting down"},
    {result_code::quota_exceeded, "QuotaExceeded", "size limit exceeded"},
    {result_code::too_many_login_failures, "TooManyLoginFailures", "too many failed logins"},
    {result_code::idle_timeout, "IdleTimeout", "idle too long"},
    {result_code::login_timeout, "LoginTimeout", "no login in time"},
    {result_code::not_a_file, "NotAFile", "not a regular file"},
}};

const code_text* find(result_code code) noexcept {
  for (const auto& entry : table) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

}  // namespace

std::string_view name(result_code code) noexcept {
  const auto* entry = find(code);
  return entry ? entry->name : "Unknown";
}

std::string_view default_message(result_code code) noexcept {
  const auto* entry = find(code);
  return entry ? entry->message : "error";
}

std::ostream& operator<<(std::ostream& out, result_code code) {
  return out << name(code) << " (" << value(code) << ')';
}

}  // namespace asyncsvr::codec
