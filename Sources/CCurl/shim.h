// Typed wrappers for libcurl's variadic calls, which Swift cannot call directly: one per argument kind.
// Only `static inline` functions here, so that including this header twice defines nothing twice.
#ifndef TSUNAGU_CCURL_SHIM_H
#define TSUNAGU_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*tsunagu_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);

static inline CURLcode tsunagu_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tsunagu_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tsunagu_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tsunagu_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tsunagu_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tsunagu_curl_easy_setopt_callback(
    CURL *handle, CURLoption option, tsunagu_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tsunagu_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode tsunagu_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode tsunagu_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/// The result code of a finished transfer (a field of an anonymous union in CURLMsg).
static inline CURLcode tsunagu_curl_msg_result(CURLMsg *message) {
    return message->data.result;
}

#endif
