// The SKUs a simulated shop sells: their names, how often an order line
// asks for each (popular SKUs far more often than slow ones) and the units
// a day each sells on average, from which stock counts, receipts and
// reorder points are sized.
//
//   SkuCatalogue skus = SkuCatalogue::PowerLaw(200, 2.2, 1500, 1.6, 1.4);
//   const uint32_t sku = skus.Pick(rng.Uniform());
//   line->set_sku(skus.Name(sku));
//
// A catalogue draws nothing itself except the Zipf ranking's shuffle: the
// caller's generator gives Pick its uniform number, so each simulator
// keeps its own sequence of draws.
#ifndef ORDERFLOW_SIM_CATALOGUE_H_
#define ORDERFLOW_SIM_CATALOGUE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sim/random.h"

namespace orderflow {

class SkuCatalogue {
 public:
  // The demo's ERP: `count` SKUs named SKU-1000, SKU-1001, ...; a line asks
  // for SKU floor(count * u^exponent), u uniform, so SKU i's share of lines
  // is ((i + 1) / count)^(1 / exponent) - (i / count)^(1 / exponent), and
  // it sells that share x orders a day x lines an order x units a line.
  static SkuCatalogue PowerLaw(int count, double exponent, double orders_per_day,
                               double lines_per_order, double units_per_line);

  // The synthetic workload: `count` SKUs named SKU-000000, SKU-000001, ...;
  // popularity follows a Zipf law by rank (rank r weighs 1 / r^exponent),
  // ranks given to SKUs in an order shuffled with `rng` (count - 1 draws),
  // and each sells its share of `units_per_day`.
  static SkuCatalogue Zipf(int32_t count, double exponent, double units_per_day,
                           Random& rng);

  int32_t size() const { return static_cast<int32_t>(names_.size()); }
  const std::string& Name(uint32_t sku) const { return names_[sku]; }
  double DailyDemand(uint32_t sku) const { return daily_demand_[sku]; }
  // The SKU an order line asks for, `uniform` in [0, 1) the draw.
  uint32_t Pick(double uniform) const;

 private:
  enum class Law { kPowerLaw, kZipf };
  explicit SkuCatalogue(Law law) : law_(law) {}

  Law law_;
  double exponent_ = 1;              // the power law's
  std::vector<std::string> names_;
  std::vector<double> daily_demand_;  // by SKU
  std::vector<double> cdf_;           // Zipf: by rank
  std::vector<uint32_t> by_rank_;     // Zipf: rank -> SKU
};

// "SKU-000042": `prefix`, then `n` with at least `digits` digits.
std::string Padded(const char* prefix, uint64_t n, int digits);

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_CATALOGUE_H_
