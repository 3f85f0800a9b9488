# vcpkg triplet for Hale's macOS builds on Apple silicon (preset "macos").
# Like vcpkg's community triplet arm64-osx-dynamic, with two changes:
# release builds only (the DMG ships nothing else; half the build time), and
# macOS 13 as the oldest system the libraries run on, the minimum Qt 6.11
# supports (without it they would need the macOS the build machine runs).
# Shared libraries because Qt's deploy script (app/CMakeLists.txt) deploys a
# shared Qt only; macdeployqt copies them into the app bundle.
set(VCPKG_TARGET_ARCHITECTURE arm64)
set(VCPKG_CRT_LINKAGE dynamic)
set(VCPKG_LIBRARY_LINKAGE dynamic)
set(VCPKG_BUILD_TYPE release)

set(VCPKG_CMAKE_SYSTEM_NAME Darwin)
set(VCPKG_OSX_ARCHITECTURES arm64)
set(VCPKG_OSX_DEPLOYMENT_TARGET 13.0)
