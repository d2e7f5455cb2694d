# Installs the libraries, dfota.h, dfota.pc and a CMake package giving dfota::dfota.
include(CMakePackageConfigHelpers)

# Install components, one per Debian package (cmake/DfotaPackaging.cmake): runtime (the
# shared library), dev (everything to build against it), tool (the dfota command).
# A shared library is not an executable: 0644, as Debian policy wants.
install(TARGETS dfota EXPORT dfotaTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(TARGETS dfota_static EXPORT dfotaTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(FILES include/dfota.h ${PROJECT_BINARY_DIR}/include/dfota_version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)

install(EXPORT dfotaTargets NAMESPACE dfota:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dfota
        COMPONENT dev)
configure_package_config_file(cmake/dfotaConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/dfotaConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dfota)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dfotaConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dfotaConfig.cmake ${PROJECT_BINARY_DIR}/dfotaConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dfota COMPONENT dev)

# Relative to the .pc file, so the installed tree can move (cmake --install --prefix).
file(RELATIVE_PATH DFOTA_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
configure_file(cmake/dfota.pc.in ${PROJECT_BINARY_DIR}/dfota.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/dfota.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT dev)
