// reflex/src/diagnostics.cpp — turns Clang's diagnostics into structured records per input.
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/SmallString.h>

#include "Internal.h"

namespace reflex {

void DiagnosticCollector::HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) {
  clang::DiagnosticConsumer::HandleDiagnostic(level, info);
  if (level == clang::DiagnosticsEngine::Ignored || level == clang::DiagnosticsEngine::Remark) return;
  Diagnostic d;
  switch (level) {
    case clang::DiagnosticsEngine::Note: d.severity = "note"; break;
    case clang::DiagnosticsEngine::Warning: d.severity = "warning"; break;
    case clang::DiagnosticsEngine::Fatal: d.severity = "fatal"; break;
    default: d.severity = "error"; break;
  }
  llvm::SmallString<256> text;
  info.FormatDiagnostic(text);
  d.message = text.str().str();
  if (info.hasSourceManager() && info.getLocation().isValid()) {
    const auto& sm = info.getSourceManager();
    auto presumed = sm.getPresumedLoc(sm.getExpansionLoc(info.getLocation()));
    if (presumed.isValid()) {
      d.file = presumed.getFilename();
      d.line = presumed.getLine();
      d.column = presumed.getColumn();
    }
  }
  items_.push_back(std::move(d));
}

std::vector<Diagnostic> DiagnosticCollector::take() {
  std::vector<Diagnostic> out;
  out.swap(items_);
  return out;
}

bool DiagnosticCollector::hasErrors() const {
  for (const auto& d : items_)
    if (d.severity == "error" || d.severity == "fatal") return true;
  return false;
}

std::string firstError(const std::vector<Diagnostic>& diags, const std::string& fallback) {
  for (const auto& d : diags) {
    if (d.severity != "error" && d.severity != "fatal") continue;
    std::string where = d.file.empty() ? "" : d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": ";
    return where + d.message;
  }
  return fallback;
}

}  // namespace reflex
