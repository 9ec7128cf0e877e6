#include "register_all.hpp"

#include "control/control_session.hpp"
#include "download/download_session.hpp"
#include "log_output/log_output_session.hpp"
#include "remote_stream/remote_stream_session.hpp"
#include "throughput/throughput_session.hpp"
#include "upload/upload_session.hpp"

namespace asyncsvr::protocols {

// One line per protocol: adding a protocol touches its own folder and this list.
void register_all(net::protocol_registry& registry) {
  register_control(registry);
  register_download(registry);
  register_log_output(registry);
  register_remote_stream(registry);
  register_throughput(registry);
  register_upload(registry);
}

}  // namespace asyncsvr::protocols
