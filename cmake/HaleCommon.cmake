# Settings every Hale target shares, in one INTERFACE target so that no
# directory-wide flag leaks into third-party code.
add_library(hale_common INTERFACE)
target_compile_features(hale_common INTERFACE cxx_std_20)
target_compile_definitions(hale_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    HALE_VERSION="${PROJECT_VERSION}")
if(MSVC)
    target_compile_options(hale_common INTERFACE /W3 /utf-8)
else()
    target_compile_options(hale_common INTERFACE -Wall -Wextra -Werror -Wpedantic)
endif()
target_include_directories(hale_common INTERFACE ${PROJECT_SOURCE_DIR})

# Hardened binaries in optimised builds (what the packages ship):
# fortified libc calls, stack protection, read-only relocations bound now.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT APPLE)
    target_compile_options(hale_common INTERFACE
        $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2 -fstack-protector-strong
        -fstack-clash-protection>)
    target_link_options(hale_common INTERFACE $<$<NOT:$<CONFIG:Debug>>:LINKER:-z,relro,-z,now>)
endif()

option(HALE_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(HALE_SANITIZE)
    target_compile_options(hale_common INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(hale_common INTERFACE -fsanitize=address,undefined)
endif()
