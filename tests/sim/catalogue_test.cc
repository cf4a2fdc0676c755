// The SKU catalogues: names, popularity and daily demand of the two laws.
#include "sim/catalogue.h"

#include "gtest/gtest.h"

namespace orderflow {
namespace {

TEST(SkuCatalogue, PowerLawSharesAddUpToTheDemand) {
  const SkuCatalogue skus = SkuCatalogue::PowerLaw(200, 2.2, 1000, 1.6, 1.4);
  double total = 0;
  for (int i = 0; i < skus.size(); ++i) total += skus.DailyDemand(i);
  EXPECT_NEAR(total, 1000 * 1.6 * 1.4, 1e-6);
  EXPECT_EQ(skus.Name(0), "SKU-1000");
  EXPECT_EQ(skus.Pick(0.0), 0u);
  EXPECT_EQ(skus.Pick(0.999999), 199u);
  EXPECT_GT(skus.DailyDemand(0), skus.DailyDemand(199));
}

TEST(SkuCatalogue, ZipfPicksThePopularSkuMostOften) {
  Random rng(1);
  const SkuCatalogue skus = SkuCatalogue::Zipf(1000, 1.0, 500, rng);
  EXPECT_EQ(skus.Name(42), "SKU-000042");
  double total = 0;
  uint32_t most = 0;
  for (int i = 0; i < skus.size(); ++i) {
    total += skus.DailyDemand(i);
    if (skus.DailyDemand(i) > skus.DailyDemand(most)) most = i;
  }
  EXPECT_NEAR(total, 500, 1e-6);
  EXPECT_EQ(skus.Pick(0.0), most);  // the first rank
}

}  // namespace
}  // namespace orderflow
