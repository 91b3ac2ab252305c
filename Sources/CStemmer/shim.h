// Snowball stemmers (libstemmer, Debian's libstemmer-dev): the same French and English
// algorithms for the database's full-text index and the site's search index.
#include <libstemmer.h>
