// The simulators' random numbers. A simulated stream is a function of its
// seed: every generator here gives the same numbers on every machine run
// after run, and each simulator draws from its own generators in a fixed
// order, so that a change to one part of the world does not move the
// records another part draws.
//
//   Random rng(seed);                      // the synthetic workload's
//   if (rng.Chance(0.03)) ...;             // true 3 % of the time
//   const int64_t units = rng.Between(1, 3);
//
//   StdRandom erp(seed);                   // the demo's ERP and warehouse
//   const double u = erp.Uniform();        // in [0, 1)
#ifndef ORDERFLOW_SIM_RANDOM_H_
#define ORDERFLOW_SIM_RANDOM_H_

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>

namespace orderflow {

// xoshiro256** seeded by splitmix64, with no std:: distribution anywhere:
// the same numbers on every platform and standard library.
class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& s : s_) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      s = z ^ (z >> 31);
    }
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // In [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // In [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return Uniform() < p; }
  double Exponential(double mean) { return -mean * std::log1p(-Uniform()); }
  // An index drawn with the given weights.
  template <size_t N>
  int Weighted(const std::array<int, N>& weights) {
    const int total = std::accumulate(weights.begin(), weights.end(), 0);
    int x = static_cast<int>(Between(0, total - 1));
    for (size_t i = 0; i < N; ++i) {
      if (x < weights[i]) return static_cast<int>(i);
      x -= weights[i];
    }
    return static_cast<int>(N - 1);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// The mean of the one-based index Weighted draws: 1 + the expected index.
template <size_t N>
double MeanOneBased(const std::array<int, N>& weights) {
  double sum = 0, total = 0;
  for (size_t i = 0; i < N; ++i) {
    sum += static_cast<double>(i + 1) * weights[i];
    total += weights[i];
  }
  return sum / total;
}

// The ERP's and the warehouse's generator since they were first written:
// mt19937_64 through std::uniform_real_distribution. Its numbers are those
// of this standard library (libstdc++); the demo's seeded weeks and the
// replay files `orderflow simulate erp` wrote are made of them, so they
// stay.
class StdRandom {
 public:
  explicit StdRandom(uint64_t seed) : engine_(seed) {}
  // In [0, 1).
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(engine_); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_RANDOM_H_
