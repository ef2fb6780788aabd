# igra_pinned_version(OUT NAME): the value of `NAME=...` in scripts/setup.sh, which pins the third-party sources it
# unpacks into third_party/ (the single place a version is written, so CMake and setup.sh never drift).
function(igra_pinned_version out name)
  file(STRINGS "${CMAKE_SOURCE_DIR}/scripts/setup.sh" line REGEX "^${name}=")
  string(REGEX REPLACE "^${name}=([0-9A-Za-z.-]+).*" "\\1" value "${line}")
  if(NOT value)
    message(FATAL_ERROR "cannot read ${name} from scripts/setup.sh")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/scripts/setup.sh")
endfunction()
