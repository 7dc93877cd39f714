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
    set_tests_properties(${name} PROPERTIES LABELS install TIMEOUT 300 SKIP_RETURN_CODE 77)
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
if(OAR_BUILD_TESTS)
  if(OAR_PYTHON3)
    add_test(NAME readme.python_blocks
      COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${CMAKE_SOURCE_DIR}/bindings/python
        OAR_LIBRARY=$<TARGET_FILE:oar_shared>
        ${OAR_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/readme_blocks.py ${CMAKE_SOURCE_DIR}/README.md ${OAR_PYTHON3})
    set_tests_properties(readme.python_blocks PROPERTIES LABELS bindings TIMEOUT 120 SKIP_RETURN_CODE 77)
  else()
    add_test(NAME readme.python_blocks COMMAND sh -c "echo \"SKIP readme.python_blocks: python3 is not installed\"; [ \"$CI\" = true ] && exit 1; exit 77")
    set_tests_properties(readme.python_blocks PROPERTIES LABELS bindings SKIP_RETURN_CODE 77)
  endif()
endif()
