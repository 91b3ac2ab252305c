import Dispatch

/// Runs `body` on a queue of its own, for work a test waits on (a daemon's loop).
///
/// Not `Thread.detachNewThread`: a Foundation thread keeps its closure, and all the closure
/// holds, until the thread's exit. When the closure held the last reference to a store, the
/// database's deinit ran dispatch code after dispatch had torn down that thread's block cache,
/// and a freed block was later freed again (heap corruption seen under AddressSanitizer when
/// suites ran in parallel). A dispatch queue releases the closure as soon as it returns.
public func runInBackground(_ label: String, _ body: @escaping @Sendable () -> Void) {
    DispatchQueue(label: label).async(execute: body)
}
