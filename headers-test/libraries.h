// headers-test/libraries.h — small uses of Debian's nlohmann-json, Eigen and fmt, called from JS.
#pragma once
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#define FMT_HEADER_ONLY
#include <fmt/format.h>

namespace libs {

inline double determinant3(const std::vector<double>& rowMajor) {
  Eigen::Matrix3d m;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) m(r, c) = rowMajor.at(static_cast<size_t>(r * 3 + c));
  return m.determinant();
}

inline Eigen::Vector3d cross(const Eigen::Vector3d& a, const Eigen::Vector3d& b) { return a.cross(b); }

inline std::string greet(const std::string& who, int times) { return fmt::format("hello {} x{}", who, times); }

inline nlohmann::json make_config(const std::string& name, int level) {
  return nlohmann::json{{"name", name}, {"level", level}, {"tags", {"a", "b"}}};
}

}  // namespace libs
