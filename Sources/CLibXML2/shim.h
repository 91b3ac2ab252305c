/* libxml2 for Swift.
 * Debian builds libxml2 with ICU, and <libxml/encoding.h> then pulls the system <unicode/*.h>,
 * whose UErrorCode clashes with Foundation's bundled ICU on a clean build. We never touch the
 * ICU parts of xmlCharEncodingHandler, so hide them. */
#include <stddef.h>
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function pointer, which Swift 6 refuses as shared mutable state. */
static inline void cv_xmlFree(void *p) { xmlFree(p); }

/* glibc's vectorised substring search, for the byte scans that run before libxml2 does.
 * Declared here rather than through _GNU_SOURCE, which would change system header definitions
 * that other modules (Dispatch) import too, and break clean builds. */
extern void *memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);
static inline const void *cv_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}

/* libxml2 prints some errors (I/O, encoding) through its generic handler, straight to stderr,
 * whatever the parser options say. Errors that matter reach us through the structured handlers;
 * these are swallowed. The handler is per thread: call this on each thread that parses. */
static void cv_ignore_generic_error(void *context, const char *message, ...) { (void)context; (void)message; }
static inline void cv_silence_generic_errors(void) { xmlSetGenericErrorFunc(NULL, cv_ignore_generic_error); }
