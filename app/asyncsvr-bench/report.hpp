#pragma once
// Turns each mode's result into a human summary or one JSON object (every figure, so that scripts
// can compute ratios without parsing prose).

#include <ostream>

#include "accept_rate.hpp"
#include "capacity.hpp"
#include "throughput.hpp"

namespace asyncsvr::bench {

void print(std::ostream& out, const throughput_result& r, bool json);
void print(std::ostream& out, const capacity_result& r, bool json);
void print(std::ostream& out, const accept_result& r, bool json);

}  // namespace asyncsvr::bench
