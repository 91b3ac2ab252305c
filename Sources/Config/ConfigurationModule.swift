/// # Configuration
///
/// Owns the files an operator edits — `cyberveille.toml` (paths, site, fetch settings) and the
/// sources file (`Feeds/sources.toml`) — and the precedence between them: command-line flag,
/// then environment variable, then config file, then built-in default. Every error names the
/// file and, where it can, the line.
public enum ConfigurationModule {}
