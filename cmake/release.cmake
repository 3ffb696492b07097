# Release integrity: signed manifest library, the offline verifier that runs on
# the gateway (bulwark-verify) and the release-machine tool that makes keys,
# manifests and signatures (bulwark-release). Included from the root
# CMakeLists.txt before bulwark_executable exists, hence plain add_executable.

bulwark_library(bulwark_release release bulwark_common OpenSSL::Crypto)
list(APPEND BULWARK_PARSER_LIBS bulwark_release)

if(NOT BULWARK_FUZZ)
  file(GLOB bulwark_verify_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/verify/*.cc)
  add_executable(bulwark-verify ${bulwark_verify_srcs})
  target_link_libraries(bulwark-verify PRIVATE bulwark_release nlohmann_json::nlohmann_json)

  file(GLOB bulwark_release_tool_srcs CONFIGURE_DEPENDS
       ${CMAKE_SOURCE_DIR}/src/release_tool/*.cc)
  add_executable(bulwark-release ${bulwark_release_tool_srcs})
  target_link_libraries(bulwark-release PRIVATE bulwark_release bulwark_mitigation)

  install(TARGETS bulwark-verify bulwark-release RUNTIME DESTINATION sbin)

  if(BULWARK_TESTS)
    enable_testing()
    # Runs unprivileged: builds a fake installed tree in a temporary directory.
    add_test(NAME verify_tree
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/verify/test_verify_tree.sh
                     $<TARGET_FILE:bulwark-verify> $<TARGET_FILE:bulwark-release>)
    set_tests_properties(verify_tree PROPERTIES LABELS release TIMEOUT 120)
    # scripts/package.sh + install-release.sh on the real installed tree.
    add_test(NAME release_install
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/verify/test_release_install.sh ${CMAKE_BINARY_DIR})
    set_tests_properties(release_install PROPERTIES LABELS package TIMEOUT 300)
  endif()
endif()
