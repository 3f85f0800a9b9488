# libsodium: the server's password hashes and tokens (sync/server) and the
# device's end-to-end encryption (sync/client), through one imported target,
# PkgConfig::SODIUM: Debian's pkg-config file, or vcpkg's CMake package
# (Windows has no pkg-config).
if(VCPKG_TOOLCHAIN)
    find_package(unofficial-sodium CONFIG REQUIRED)
    add_library(PkgConfig::SODIUM ALIAS unofficial-sodium::sodium)
else()
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET GLOBAL libsodium)
endif()
