import Dispatch
import NIOPosix
import Synchronization

/// Runs the slow bcrypt checks of sign-ins on threads of their own, never on the event loops
/// that serve pages: a burst of sign-ins then delays other sign-ins, not the queue or /health.
/// At most `concurrent` checks run at once and `waiting` more may queue; beyond that a sign-in
/// is refused at once (the caller answers 503 with Retry-After) rather than piling up. The
/// typical duration of a check is kept, so that a sign-in with an unknown name can take as long
/// without using a thread (it waits, it does not hash).
final class PasswordChecks: Sendable {
    let concurrent: Int
    let waiting: Int
    private let pool: NIOThreadPool
    private let admitted = Mutex(0)
    /// How long one check takes, on average (exponential moving average, in seconds).
    private let average = Mutex<Double>(0)

    /// `concurrent`: by default one core is left to the event loops (DeskConfiguration).
    init(concurrent: Int, waiting: Int) {
        self.concurrent = max(1, concurrent)
        self.waiting = max(0, waiting)
        pool = NIOThreadPool(numberOfThreads: self.concurrent)
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// The check's result, or nil when too many are already running or waiting.
    func run<T: Sendable>(_ check: @escaping @Sendable () throws -> T) async throws -> T? {
        let limit = concurrent + waiting
        let taken = admitted.withLock { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard taken else { return nil }
        defer { admitted.withLock { $0 -= 1 } }
        return try await pool.runIfActive { [self] in
            let started = DispatchTime.now().uptimeNanoseconds
            defer {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                average.withLock { $0 = $0 == 0 ? seconds : 0.8 * $0 + 0.2 * seconds }
            }
            return try check()
        }
    }

    /// How long a check takes on this machine at the configured cost.
    var typicalDuration: Duration {
        .nanoseconds(Int64(average.withLock { $0 } * 1e9))
    }

    /// Times `check` once, off the event loops, so that `typicalDuration` is known before the
    /// first sign-in.
    func calibrate(_ check: @escaping @Sendable () -> Void) {
        pool.submit { [self] state in
            guard state == .active else { return }
            let started = DispatchTime.now().uptimeNanoseconds
            check()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            average.withLock { if $0 == 0 { $0 = seconds } }
        }
    }
}
