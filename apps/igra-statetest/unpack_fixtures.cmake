# Unpacks a fixture archive once into DIR (same layout and stamp as tests/support/testing.cpp's
# unpacked_fixture). Usage: cmake -DARCHIVE=<.tar.xz> -DDIR=<dir> -P unpack_fixtures.cmake
if(EXISTS "${DIR}/.unpacked")
  return()
endif()
file(MAKE_DIRECTORY "${DIR}")
execute_process(COMMAND tar -xJf "${ARCHIVE}" -C "${DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot unpack ${ARCHIVE}")
endif()
file(WRITE "${DIR}/.unpacked" "ok\n")
