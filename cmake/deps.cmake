# Third-party dependencies, all from Debian 12 packages (installed by scripts/setup.sh).
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
find_package(Threads REQUIRED)
