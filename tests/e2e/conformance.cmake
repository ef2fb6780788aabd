# JSON-RPC conformance end-to-end tests against `igrad dev` (each starts its own dev node on a free port):
#   e2e.execution_apis  shapes of ethereum/execution-apis .io fixtures (../shared/fixtures/execution-apis-tests.tar.xz)
#   e2e.rpc_malformed   malformed / hostile input over HTTP and WebSocket, and the per-IP rate limiter
# Included from tests/e2e/CMakeLists.txt (or tests/CMakeLists.txt); uses IGRA_VENV_PYTHON from tests/CMakeLists.txt.
if(NOT DEFINED IGRA_VENV_PYTHON)
  set(IGRA_VENV_PYTHON "${CMAKE_SOURCE_DIR}/.venv/bin/python")
endif()
foreach(t execution_apis rpc_malformed)
  add_test(NAME e2e.${t}
           COMMAND ${IGRA_VENV_PYTHON} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_LIST_DIR}/test_${t}.py)
  set_tests_properties(e2e.${t} PROPERTIES LABELS "integration" TIMEOUT 300
    ENVIRONMENT "IGRAD=$<TARGET_FILE:igrad>;IGRA_SHARED_DIR=${IGRA_SHARED_DIR}")
endforeach()
# The malformed-input suite measures transport behaviour (close frames of rejected WebSocket messages, the rate
# limiter's timing): run it alone so that a loaded machine does not change what it observes.
set_tests_properties(e2e.rpc_malformed PROPERTIES RUN_SERIAL TRUE)
