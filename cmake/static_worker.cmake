# bulwark-worker as a static PIE.
#
# bulwarkd execs a fresh worker for every connection (its own address space
# and ASLR layout, nothing inherited from main). Dynamically linked, each of
# those execs maps fifteen libraries and resolves about 7,500 symbol
# relocations before main() (-z now), several milliseconds of CPU per
# connection, and leaves private GOT pages in every worker. A static PIE keeps
# ASLR and full RELRO and starts with relative relocations only.
#
# Debian ships no static spdlog or fmt, so the worker's sources (and those of
# the libraries it may use: the list below is the worker's whole allowance,
# see docs/design/privsep.md) are compiled into it with both header-only.
# Sanitizer builds keep the dynamic worker (ASan needs its shared runtime).
set(BULWARK_WORKER_SOURCE_DIRS worker common ipc privsep proto/http proto/anyconnect tls packet)
set(worker_srcs)
foreach(dir ${BULWARK_WORKER_SOURCE_DIRS})
  file(GLOB dir_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${dir}/*.cc)
  list(FILTER dir_srcs EXCLUDE REGEX "_(test|fuzz)\\.cc$")
  list(APPEND worker_srcs ${dir_srcs})
endforeach()
# Account lookups (NSS) are main's; the worker gets numeric ids.
list(FILTER worker_srcs EXCLUDE REGEX "/privsep/account\\.cc$")
add_executable(bulwark-worker ${worker_srcs})
target_include_directories(bulwark-worker PRIVATE ${CMAKE_SOURCE_DIR}/src ${PUGIXML_INCLUDE_DIRS}
                           ${SECCOMP_INCLUDE_DIRS} ${LIBCAP_INCLUDE_DIRS})
target_compile_definitions(bulwark-worker PRIVATE SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY
                           BULWARK_ZYGOTE_CODE_TO_ANON=1)
# Segments at 2 MiB boundaries: the zygote moves its code and read-only data
# into huge pages that forked workers share (worker/code_in_anon_memory.h).
# The file grows by the padding (about 4 MiB); the memory image does not.
target_link_options(bulwark-worker PRIVATE -static-pie -Wl,-z,max-page-size=0x200000
                    -Wl,-z,separate-code)
# Plain names: with -static-pie the linker takes the .a archives.
target_link_libraries(bulwark-worker PRIVATE ssl crypto seccomp cap pugixml)
