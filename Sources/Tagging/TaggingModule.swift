/// # Tagging
///
/// Owns deciding what concerns the health sector, and saying why: the taxonomy file
/// (`Feeds/tagging.toml`), a one-pass multi-term matcher (a trie over folded words: case- and
/// accent-insensitive, whole words, longest match wins), the relevance score with its incident
/// bonus, and what else the text says: CVE ids, CVSS scores, its language. Also reads the
/// enrichment files (CISA's KEV catalog, FIRST's EPSS scores). Every tag comes with its
/// evidence: the rule and the words that matched.
public enum TaggingModule {}
