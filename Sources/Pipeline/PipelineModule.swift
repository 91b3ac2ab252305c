/// # Pipeline
///
/// Owns the order of things: the daily publication run walks fetch → parse → store → tag →
/// publish, one step after the other, each step a small type. A failing feed is recorded on
/// its health row and the run goes on; only a failure to publish fails the run.
public enum PipelineModule {}
