# Cross build for 64-bit ARM Linux with Debian's cross compiler
# (gcc-aarch64-linux-gnu); tests run under qemu-aarch64 (scripts/cross-test.sh).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# ctest runs the test programs through the emulator (qemu-aarch64-static, or
# qemu-aarch64 where only the dynamic one is installed), with the target's
# libc from /usr/aarch64-linux-gnu.
find_program(OAR_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(OAR_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${OAR_QEMU_AARCH64} -L /usr/aarch64-linux-gnu)
endif()
