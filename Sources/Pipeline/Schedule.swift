import Foundation
import Model
import Storage

/// When each source is polled next.
enum Schedule {
    /// Failing sources back off exponentially but are retried at this cap forever, never dropped.
    static let maxBackoff: TimeInterval = 24 * 3600

    static func isDue(_ source: Source, state: SourceState?, now: Date) -> Bool {
        // Reading a local file costs no server anything: local sources are read every run.
        if source.local { return true }
        guard let next = state?.nextDueAt else { return true }
        return next <= now
    }

    static func nextAfterSuccess(_ source: Source, now: Date) -> Date {
        now.addingTimeInterval(TimeInterval(source.interval))
    }

    static func nextAfterFailure(_ source: Source, previousFailures: Int, now: Date) -> Date {
        let exponent = min(previousFailures, 16)
        let delay = min(TimeInterval(source.interval) * pow(2, Double(exponent)), maxBackoff)
        return now.addingTimeInterval(delay)
    }
}
