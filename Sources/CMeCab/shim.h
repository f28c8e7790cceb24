// MeCab's C API (Debian's libmecab-dev; no pkg-config file, so the module map links mecab and stdc++ itself).
// Nothing variadic is called, so no wrappers are needed.
#ifndef TSUNAGU_CMECAB_SHIM_H
#define TSUNAGU_CMECAB_SHIM_H
#include <mecab.h>
#endif
