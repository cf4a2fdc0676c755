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
#include <jemalloc/jemalloc.h>

// Declared by jemalloc's header, which says what it holds.
const char* malloc_conf = "thp:always";
