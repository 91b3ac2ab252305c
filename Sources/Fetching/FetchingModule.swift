/// # Fetching
///
/// Owns getting bytes from sources: libcurl's multi interface drives every transfer of a round
/// on one thread (no thread per feed), under a global and a per-host connection limit, with
/// conditional GET, bounded redirects, timeouts, a body limit that also holds after
/// decompression, and protocols restricted to http(s) (file only for local sources).
/// It hands back bytes and response metadata; what they mean is the caller's business.
public enum FetchingModule {}
