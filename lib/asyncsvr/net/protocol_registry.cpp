#include "asyncsvr/net/protocol_registry.hpp"

#include <stdexcept>
#include <string>

namespace asyncsvr::net {

void protocol_registry::add(std::uint8_t flag, std::string_view name, session_factory make) {
  if (flag == 0 || entries_[flag].make) {
    throw std::logic_error("protocol flag " + std::to_string(flag) + " registered twice or zero");
  }
  entries_[flag] = {name, std::move(make)};
}

const session_factory* protocol_registry::find(std::uint8_t flag) const noexcept {
  return entries_[flag].make ? &entries_[flag].make : nullptr;
}

}  // namespace asyncsvr::net
