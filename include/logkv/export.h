/* LOGKV_EXPORT: marks what liblogkv.so exports.
 *
 * liblogkv is compiled with -fvisibility=hidden, so a symbol is exported only when its
 * declaration here in include/logkv/ carries LOGKV_EXPORT: every C function of logkv.h and the
 * public C++ classes and functions. Everything else (the engine, the index, the file system,
 * the libraries logkv uses) stays inside the shared library, so that no embedder can come to
 * depend on it and no symbol of it can clash with the embedder's own. The static library
 * liblogkv.a is built from the same objects; visibility does not matter there.
 *
 * Valid C and C++: logkv.h includes it. tests/capi/exported_symbols_test.py checks that the
 * shared library exports exactly what is marked.
 */
#ifndef LOGKV_EXPORT_H_
#define LOGKV_EXPORT_H_

#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
/* The same attribute in C++'s spelling, which may follow [[nodiscard]] in a class head. */
#define LOGKV_EXPORT [[gnu::visibility("default")]]
#elif defined(__GNUC__) || defined(__clang__)
#define LOGKV_EXPORT __attribute__((visibility("default")))
#else
#define LOGKV_EXPORT
#endif

#endif /* LOGKV_EXPORT_H_ */
