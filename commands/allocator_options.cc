// jemalloc's options for the processes that run the engine (`orderflow`,
// and the core benchmark that measures it as it runs): jemalloc reads this
// symbol once, at the first allocation. MALLOC_CONF in the environment
// overrides any of them (MALLOC_CONF=thp:default turns the first off).
//
// thp:always: jemalloc asks the kernel for transparent huge pages
// (madvise MADV_HUGEPAGE) for its memory. The engine's state is a few
// large, randomly read tables (orders by id, SKUs, stock per warehouse),
// so with 4 KiB pages nearly every lookup also misses the TLB; with
// 2 MiB pages the core runs 6-8 % faster (bench/README.md). It takes
// effect where the kernel allows huge pages on request
// (/sys/kernel/mm/transparent_hugepage/enabled: `always` or `madvise`);
// on `never` nothing changes.
//
// slab_sizes:1-4096:16: the slabs that small objects (up to 4 KiB) are cut
// from are 16 pages (64 KiB) instead of one to a few, as many regions as
// jemalloc allows. The engine keeps most of what it allocates (orders,
// their lines, parcels and extras, a SKU's stock per warehouse and placed
// lines), so its per-thread caches empty and are refilled all the time,
// and a refill from small slabs keeps asking for a new slab.
// tcache_nslots_small_max:1000 and lg_tcache_nslots_mul:3: a per-thread
// cache holds up to 1000 objects of a size (8 times a slab's regions, at
// most 1000; jemalloc's default is twice, at most 200), so refills come
// fewer times, each for more. Together the v1.1 mix runs 1.04x, the v1
// stream 1.02x (bench/README.md); heap bytes per open order do not change.
// What stays empty in a slab or cached in a thread is at most a few MiB.
// (slab_sizes is marked experimental by jemalloc 5.3; a jemalloc that
// does not know an option says so on stderr and runs with its default.)
#include <jemalloc/jemalloc.h>

// Declared by jemalloc's header, which says what it holds.
const char* malloc_conf =
    "thp:always,slab_sizes:1-4096:16,tcache_nslots_small_max:1000,"
    "lg_tcache_nslots_mul:3";
