# Cross-compiling for Debian armhf (arm-linux-gnueabihf) on an x86-64 Debian host: the cross
# compiler gcc-arm-linux-gnueabihf, libraries from Debian's multiarch packages (libcmocka-dev:armhf,
# libserialport-dev:armhf) and the tests run under qemu-arm-static (qemu-user-static).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm-static)
# pkg-config must see this architecture's .pc files, not the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig)
