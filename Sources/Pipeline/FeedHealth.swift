import Foundation
import Model
import Storage

/// The health of each source, from the sources file and the fetch state in the database: what
/// `cyberveille feeds health` shows and what `run` reports when a critical source falls silent.
public struct FeedHealth: Sendable, Equatable {
    public enum Status: String, Sendable {
        case ok, failing, disabled, never = "never polled"
    }

    public var source: Source
    public var state: SourceState?
    public var status: Status
    /// A critical source that has not succeeded for longer than the configured silence.
    public var criticalSilent: Bool

    public static func report(sources: [Source], states: [String: SourceState], criticalSilence: TimeInterval,
                              now: Date) -> [FeedHealth] {
        sources.map { source in
            let state = states[source.id]
            let status: Status
            if !source.enabled || state?.disabledReason != nil {
                status = .disabled
            } else if state?.lastAttemptAt == nil {
                status = .never
            } else if (state?.consecutiveFailures ?? 0) > 0 {
                status = .failing
            } else {
                status = .ok
            }
            // Silent: no success for longer than allowed, while failing or overdue (a source
            // that is merely waiting for its next poll is not silent).
            let lastGood = state?.lastSuccessAt
            let overdue = state?.nextDueAt.map { $0 <= now } ?? true
            let silent = source.critical && status != .disabled && state?.lastAttemptAt != nil
                && (status == .failing || overdue)
                && (lastGood.map { now.timeIntervalSince($0) > criticalSilence } ?? true)
            return FeedHealth(source: source, state: state, status: status, criticalSilent: silent)
        }
    }

    /// One line for people: "certfr-avis  failing  3 failures  last success 2026-11-27T06:15:00Z  HTTP 503".
    public var line: String {
        var parts = [source.id, status.rawValue]
        if let failures = state?.consecutiveFailures, failures > 0 { parts.append("\(failures) failure\(failures > 1 ? "s" : "")") }
        parts.append("last success " + (state?.lastSuccessAt.map(ISO8601UTC.string) ?? "never"))
        if let next = state?.nextDueAt, status != .disabled { parts.append("next " + ISO8601UTC.string(from: next)) }
        if let reason = state?.disabledReason { parts.append("disabled: " + reason) }
        else if !source.enabled { parts.append("disabled in the sources file") }
        else if let error = state?.lastError { parts.append(error) }
        else if let last = state?.lastStatus { parts.append(last) }
        if criticalSilent { parts.append("CRITICAL SOURCE SILENT") }
        return parts.joined(separator: "  ")
    }

    /// The `feeds health --json` object of one source (keys are a contract).
    public var json: [String: Any] {
        func date(_ value: Date?) -> Any { value.map(ISO8601UTC.string) ?? NSNull() }
        return [
            "id": source.id, "title": source.title, "url": source.url, "critical": source.critical,
            "status": status.rawValue, "critical_silent": criticalSilent,
            "last_success": date(state?.lastSuccessAt), "last_attempt": date(state?.lastAttemptAt),
            "last_status": state?.lastStatus ?? NSNull(), "consecutive_failures": state?.consecutiveFailures ?? 0,
            "last_error": state?.lastError ?? NSNull(), "next_due": date(state?.nextDueAt),
            "disabled_reason": state?.disabledReason ?? (source.enabled ? NSNull() : "disabled in the sources file" as Any),
        ]
    }
}
