# The synthetic workload: shared by the benchmark and tests/restore, which
# includes this file itself when the benchmarks are not built.
add_library(orderflow_workload STATIC ${CMAKE_CURRENT_LIST_DIR}/workload.cc)
target_link_libraries(orderflow_workload PUBLIC orderflow_engine)
