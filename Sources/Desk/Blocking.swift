import Dispatch

/// Slow, blocking work (bcrypt, a publication) on a thread of its own: never on the event
/// loops, nor on the few threads of the cooperative pool the other requests need.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
