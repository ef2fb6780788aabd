# Third-party dependencies from Debian 12 packages (installed by scripts/setup.sh); blst and libsecp256k1 are built
# from pinned registry sources (cmake/blst.cmake, cmake/secp256k1.cmake).
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)
# gRPC/protobuf for the kaspad protowire client and server (library igra_kaspa_rpc, see src/kaspa/CMakeLists.txt).
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_program(IGRA_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
# LMDB for the state database (layer state). Debian's liblmdb-dev ships lmdb.pc.
pkg_check_modules(LMDB REQUIRED IMPORTED_TARGET lmdb)
# nlohmann/json (nlohmann-json3-dev, header-only): genesis files (layer chain) and the test support code.
find_package(nlohmann_json REQUIRED)
# zlib (zlib1g-dev): Igra 0x95 payloads (layer igra).
find_package(ZLIB REQUIRED)
# spdlog (libspdlog-dev): structured logs of the node.
find_package(spdlog REQUIRED)
