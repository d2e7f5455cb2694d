# Installs the libraries, dfota.h, dfota.pc and a CMake package giving dfota::dfota.
include(CMakePackageConfigHelpers)

install(TARGETS dfota dfota_static EXPORT dfotaTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES include/dfota.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(EXPORT dfotaTargets NAMESPACE dfota:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dfota)
configure_package_config_file(cmake/dfotaConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/dfotaConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dfota)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dfotaConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dfotaConfig.cmake ${PROJECT_BINARY_DIR}/dfotaConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dfota)

# Relative to the .pc file, so the installed tree can move (cmake --install --prefix).
file(RELATIVE_PATH DFOTA_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
configure_file(cmake/dfota.pc.in ${PROJECT_BINARY_DIR}/dfota.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/dfota.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
