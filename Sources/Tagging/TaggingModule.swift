/// # Tagging
///
/// Owns deciding what concerns the health sector, and saying why: the taxonomy file
/// (`Feeds/tagging.toml`), a one-pass multi-term matcher (a trie over folded words: case- and
/// accent-insensitive, whole words, longest match wins), the relevance score, and CVE
/// extraction. Every tag comes with its evidence: the rule and the words that matched.
public enum TaggingModule {}
