# Tests of what a user installs (included by the top-level CMakeLists.txt
# after the bindings, so that it knows which libraries exist).

# install.find_package, install.pkg_config and readme.compile_lines
# (tests/install/install_test.sh): the first two install into their own
# scratch prefix under the build directory and build tests/install/consumer
# (C, C++, the Paddle C and C++ APIs) against it, with find_package(oar) and
# with README.md's pkg-config lines; the third runs README.md's compile lines
# against the build tree. Every program runs the digits CNN fixture against
# Paddle's scores. The install tests need the C++ compiler and the Paddle
# libraries (bindings on), and pkg-config for the second.
find_program(OAR_PKG_CONFIG pkg-config)
if(OAR_BUILD_TESTS)
  set(oar_install_flags "")
  if(OAR_SANITIZE)
    set(oar_install_flags "-fsanitize=address,undefined")
  endif()
  foreach(mode find_package pkg_config build_tree)
    set(name install.${mode})
    if(mode STREQUAL build_tree)
      set(name readme.compile_lines)
    endif()
    set(skip "")
    if(NOT mode STREQUAL build_tree AND NOT TARGET paddle_inference)
      set(skip "needs a C++ compiler and OAR_BUILD_BINDINGS=ON")
    elseif(mode STREQUAL pkg_config AND NOT OAR_PKG_CONFIG)
      set(skip "pkg-config is not installed (apt-get install pkg-config)")
    endif()
    if(skip)
      add_test(NAME ${name} COMMAND sh -c "echo \"SKIP ${name}: ${skip}\"; [ \"$CI\" = true ] && exit 1; exit 77")
    else()
      add_test(NAME ${name} COMMAND sh ${CMAKE_SOURCE_DIR}/tests/install/install_test.sh ${mode} ${CMAKE_BINARY_DIR}
        ${CMAKE_BINARY_DIR}/install_test/${mode} ${CMAKE_SOURCE_DIR}/tests/data/models/digits_cnn
        ${CMAKE_C_COMPILER} ${CMAKE_CXX_COMPILER} "${oar_install_flags}")
    endif()
    # One `cmake --install` of the build tree at a time: each writes the
    # build directory's install_manifest.txt.
    set_tests_properties(${name} PROPERTIES LABELS install TIMEOUT 300 SKIP_RETURN_CODE 77
                                            RESOURCE_LOCK oar_build_tree_install)
  endforeach()
endif()

# meta.version: one version, from include/oar/oar.h (tests/version_check.sh).
if(OAR_BUILD_TESTS)
  add_test(NAME meta.version
    COMMAND sh ${CMAKE_SOURCE_DIR}/tests/version_check.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:oar> ${PROJECT_VERSION})
  set_tests_properties(meta.version PROPERTIES LABELS meta TIMEOUT 30)
endif()

# readme.python_blocks: the README's ```python blocks (tests/readme_blocks.py)
# run against this build's liboar.so and the package's sources, so that
# `ctest -R readme` checks the README's Python as cli.readme_c_example checks
# its C. bindings/test_all.sh runs them again against the installed wheel.
# In a sanitizer build python loads an instrumented liboar.so: the
# sanitizer runtime is preloaded, and leak checks are left to the C tests
# (the interpreter's own allocations at exit are not the engine's).
set(oar_python_env "")
if(OAR_SANITIZE)
  if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
    set(oar_asan_name libclang_rt.asan-${CMAKE_SYSTEM_PROCESSOR}.so)
  else()
    set(oar_asan_name libasan.so)
  endif()
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${oar_asan_name}
    OUTPUT_VARIABLE oar_asan_runtime OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(oar_python_env LD_PRELOAD=${oar_asan_runtime} ASAN_OPTIONS=detect_leaks=0)
endif()
if(OAR_BUILD_TESTS)
  if(OAR_PYTHON3)
    add_test(NAME readme.python_blocks
      COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${CMAKE_SOURCE_DIR}/bindings/python
        OAR_LIBRARY=$<TARGET_FILE:oar_shared> ${oar_python_env}
        ${OAR_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/readme_blocks.py ${CMAKE_SOURCE_DIR}/README.md ${OAR_PYTHON3})
    set_tests_properties(readme.python_blocks PROPERTIES LABELS bindings TIMEOUT 120 SKIP_RETURN_CODE 77)
  else()
    add_test(NAME readme.python_blocks COMMAND sh -c "echo \"SKIP readme.python_blocks: python3 is not installed\"; [ \"$CI\" = true ] && exit 1; exit 77")
    set_tests_properties(readme.python_blocks PROPERTIES LABELS bindings SKIP_RETURN_CODE 77)
  endif()
endif()

# readme.programs: the README's C and C++ programs that start with their
# compile command (Paddle's C API, oar.hpp, Paddle's C++ API) compiled with
# it and run (tests/readme_programs.py). Needs the Paddle libraries and C++.
if(OAR_BUILD_TESTS)
  if(OAR_PYTHON3 AND TARGET paddle_inference)
    add_test(NAME readme.programs
      COMMAND ${OAR_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/readme_programs.py ${CMAKE_SOURCE_DIR}/README.md
        ${CMAKE_BINARY_DIR} ${CMAKE_C_COMPILER} ${CMAKE_CXX_COMPILER} "${oar_install_flags}")
    set_tests_properties(readme.programs PROPERTIES LABELS install TIMEOUT 300)
  else()
    add_test(NAME readme.programs COMMAND sh -c "echo \"SKIP readme.programs: needs python3, a C++ compiler and OAR_BUILD_BINDINGS=ON\"; [ \"$CI\" = true ] && exit 1; exit 77")
    set_tests_properties(readme.programs PROPERTIES LABELS install SKIP_RETURN_CODE 77)
  endif()
endif()
