#include "sim/catalogue.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "engine/text.h"

namespace orderflow {

std::string Padded(const char* prefix, uint64_t n, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%0*llu", prefix, digits,
                static_cast<unsigned long long>(n));
  return buf;
}

SkuCatalogue SkuCatalogue::PowerLaw(int count, double exponent,
                                    double orders_per_day, double lines_per_order,
                                    double units_per_line) {
  SkuCatalogue c(Law::kPowerLaw);
  c.exponent_ = exponent;
  for (int i = 0; i < count; ++i) {
    c.names_.push_back(Cat("SKU-", 1000 + i));
    // Pick's chance of SKU i.
    const double share = std::pow((i + 1.0) / count, 1 / exponent) -
                         std::pow(static_cast<double>(i) / count, 1 / exponent);
    c.daily_demand_.push_back(share * orders_per_day * lines_per_order * units_per_line);
  }
  return c;
}

SkuCatalogue SkuCatalogue::Zipf(int32_t count, double exponent,
                                double units_per_day, Random& rng) {
  SkuCatalogue c(Law::kZipf);
  const int32_t n = std::max<int32_t>(1, count);
  c.names_.reserve(n);
  for (int32_t i = 0; i < n; ++i) c.names_.push_back(Padded("SKU-", i, 6));
  // Popularity by rank, and a shuffle so that rank is not SKU number.
  c.cdf_.resize(n);
  double sum = 0;
  for (int32_t r = 0; r < n; ++r) {
    sum += 1.0 / std::pow(static_cast<double>(r + 1), exponent);
    c.cdf_[r] = sum;
  }
  c.by_rank_.resize(n);
  std::iota(c.by_rank_.begin(), c.by_rank_.end(), 0u);
  for (int32_t i = n - 1; i > 0; --i) {
    std::swap(c.by_rank_[i], c.by_rank_[rng.Between(0, i)]);
  }
  c.daily_demand_.resize(n);
  for (int32_t r = 0; r < n; ++r) {
    const double share = (c.cdf_[r] - (r == 0 ? 0 : c.cdf_[r - 1])) / sum;
    c.daily_demand_[c.by_rank_[r]] = share * units_per_day;
  }
  for (double& p : c.cdf_) p /= sum;
  return c;
}

uint32_t SkuCatalogue::Pick(double uniform) const {
  if (law_ == Law::kPowerLaw) {
    return static_cast<uint32_t>(
        static_cast<int>(size() * std::pow(uniform, exponent_)));
  }
  const size_t rank = static_cast<size_t>(
      std::upper_bound(cdf_.begin(), cdf_.end(), uniform) - cdf_.begin());
  return by_rank_[std::min(rank, by_rank_.size() - 1)];
}

}  // namespace orderflow
