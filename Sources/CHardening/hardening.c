#include "hardening.h"

#include <sys/resource.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

// prctl is variadic, which Swift cannot call; hence this small C file. Each step is tried even when the other
// fails: under systemd's SystemCallFilter=~@resources setrlimit is refused (the unit sets LimitCORE=0 instead),
// and the process must still become undumpable.
int tsunagu_disable_dumping(void) {
    int failed = 0;
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0) failed = 1;
#if defined(__linux__)
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) failed = 1;
#endif
    return failed ? -1 : 0;
}

int tsunagu_is_dumpable(void) {
#if defined(__linux__)
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
#else
    return -1;
#endif
}
