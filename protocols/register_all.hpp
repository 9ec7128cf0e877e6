#pragma once

#include "asyncsvr/net/protocol_registry.hpp"

namespace asyncsvr::protocols {

// Registers every protocol this build serves under its flag byte.
void register_all(net::protocol_registry& registry);

}  // namespace asyncsvr::protocols
