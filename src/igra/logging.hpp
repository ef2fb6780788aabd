#pragma once
// Log setup for the node's binaries: human-readable lines ("2026-11-21T23:23:35.952 info sync: ...") or JSON
// lines ({"time":"...","level":"info","msg":"..."}) for log shippers, written to stderr.
#include <string>

#include "core/error.hpp"

namespace igra::igra {

enum class LogFormat { kText, kJson };

// format "text" | "json"; level "trace" | "debug" | "info" | "warn" | "error".
core::Result<void> setup_logging(const std::string& format, const std::string& level);

// JSON string escaping (RFC 8259): quotes, backslashes and control characters; other bytes as they are.
std::string json_escape(std::string_view s);

}  // namespace igra::igra
