# `cmake --install BUILD [--prefix PREFIX]` (included by the top-level
# CMakeLists.txt). What goes where, under PREFIX:
#   bin/oar                                  the command line program (static, no runtime deps)
#   include/oar/oar.h, include/oar/oar.hpp   the C API and the header-only C++17 wrapper
#   include/paddle_inference_c/pd_*.h        Paddle Inference's C API
#   include/paddle_inference/paddle_*.h      Paddle Inference's C++ API
#   LIBDIR/liboar.so.X.Y.Z (+ .so.X, .so), LIBDIR/liboar.a
#   LIBDIR/libpaddle_inference_c.so, LIBDIR/libpaddle_inference.so (RUNPATH $ORIGIN -> liboar.so)
#   LIBDIR/cmake/oar/                        find_package(oar): oar::oar (shared), oar::oar_static,
#                                            oar::paddle_inference_c, oar::paddle_inference
#   LIBDIR/pkgconfig/oar.pc, paddle_inference_c.pc, paddle_inference.pc
#   share/doc/oar/                           README.md, LICENSE, CHANGELOG.md
# LIBDIR is GNUInstallDirs' (lib, or lib/<multiarch> under /usr on Debian).
# The Paddle libraries are left out when bindings are off (OAR_BUILD_BINDINGS)
# or, for the C++ one, when there is no C++ compiler.
include(CMakePackageConfigHelpers)

set(oar_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/oar)
set_target_properties(oar_shared PROPERTIES EXPORT_NAME oar)
set_target_properties(oar_static PROPERTIES EXPORT_NAME oar_static)
set(oar_install_targets oar_shared oar_static)
set(oar_pc_files oar)
foreach(lib paddle_inference_c paddle_inference)
  if(TARGET ${lib})
    list(APPEND oar_install_targets ${lib})
    list(APPEND oar_pc_files ${lib})
  endif()
endforeach()

install(TARGETS ${oar_install_targets} EXPORT oarTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS oar RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES ${CMAKE_SOURCE_DIR}/include/oar/oar.h ${CMAKE_SOURCE_DIR}/bindings/cpp/include/oar/oar.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/oar)
if(TARGET paddle_inference_c)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/paddle_inference_c
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
endif()
if(TARGET paddle_inference)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/bindings/paddle_cpp/include/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/paddle_inference FILES_MATCHING PATTERN "*.h")
endif()

install(EXPORT oarTargets NAMESPACE oar:: DESTINATION ${oar_cmake_dir})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/oarConfig.cmake.in
  ${CMAKE_BINARY_DIR}/cmake/oarConfig.cmake INSTALL_DESTINATION ${oar_cmake_dir})
# 0.x: a minor release may change the API, so only the same minor matches.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/oarConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cmake/oarConfig.cmake ${CMAKE_BINARY_DIR}/cmake/oarConfigVersion.cmake
  DESTINATION ${oar_cmake_dir})

# pkg-config files name the prefix given at install time (--prefix, or
# CMAKE_INSTALL_PREFIX), so they are written by the install step itself.
set(oar_pc_oar_desc "oar inference engine for PaddlePaddle and ONNX models (C API)")
set(oar_pc_oar_cflags "-I\${includedir}")
set(oar_pc_oar_libs "-L\${libdir} -loar")
set(oar_pc_oar_private "-lm -lpthread")
set(oar_pc_paddle_inference_c_desc "Paddle Inference's C API on the oar engine")
set(oar_pc_paddle_inference_c_cflags "-I\${includedir}/paddle_inference_c")
set(oar_pc_paddle_inference_c_libs "-L\${libdir} -lpaddle_inference_c")
set(oar_pc_paddle_inference_c_private "")
set(oar_pc_paddle_inference_desc "Paddle Inference's C++ API on the oar engine")
set(oar_pc_paddle_inference_cflags "-I\${includedir}/paddle_inference")
set(oar_pc_paddle_inference_libs "-L\${libdir} -lpaddle_inference")
set(oar_pc_paddle_inference_private "")
foreach(pc ${oar_pc_files})
  install(CODE "
    set(PC_NAME \"${pc}\")
    set(PC_DESCRIPTION \"${oar_pc_${pc}_desc}\")
    set(PC_VERSION \"${PROJECT_VERSION}\")
    set(PC_CFLAGS [==[${oar_pc_${pc}_cflags}]==])
    set(PC_LIBS [==[${oar_pc_${pc}_libs}]==])
    set(PC_LIBS_PRIVATE [==[${oar_pc_${pc}_private}]==])
    set(PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
    set(PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
    set(PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    configure_file(\"${CMAKE_SOURCE_DIR}/cmake/pkgconfig.pc.in\" \"${CMAKE_BINARY_DIR}/cmake/${pc}.pc\" @ONLY)
    file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig\"
      TYPE FILE FILES \"${CMAKE_BINARY_DIR}/cmake/${pc}.pc\")")
endforeach()

foreach(doc README.md LICENSE CHANGELOG.md)
  if(EXISTS ${CMAKE_SOURCE_DIR}/${doc})
    install(FILES ${CMAKE_SOURCE_DIR}/${doc} DESTINATION ${CMAKE_INSTALL_DOCDIR})
  endif()
endforeach()

