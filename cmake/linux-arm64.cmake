# Cross-compiling for Debian arm64 (aarch64-linux-gnu) on an x86-64 Debian host: the cross
# compiler gcc-aarch64-linux-gnu, libraries from Debian's multiarch packages (libcmocka-dev:arm64,
# libserialport-dev:arm64) and the tests run under qemu-aarch64-static (qemu-user-static).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
# pkg-config must see this architecture's .pc files, not the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
