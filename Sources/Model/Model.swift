/// # Model
///
/// The plain value types that every stage of cyberveille shares: what a source is, what a parsed
/// feed looks like, what a stored item carries when it is published. No I/O and no dependency
/// lives here, so that each stage can be read, tested and replaced on its own.
public enum ModelModule {}
