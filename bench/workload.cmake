# The synthetic workload: shared by the benchmark, tests/restore and
# tests/sim, which include this file themselves when the benchmarks are not
# built (or before them); the guard defines the library once.
include_guard(GLOBAL)
add_library(orderflow_workload STATIC ${CMAKE_CURRENT_LIST_DIR}/workload.cc
            ${CMAKE_CURRENT_LIST_DIR}/workload_mix.cc
            ${CMAKE_CURRENT_LIST_DIR}/workload_records.cc)
target_link_libraries(orderflow_workload PUBLIC orderflow_engine orderflow_sim)
