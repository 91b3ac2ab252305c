import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` on every core, for work that is a pure function of each element (tagging an item,
    /// making its page view): results in the elements' order. Each worker takes every n-th
    /// element, so that uneven elements spread evenly.
    public func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let slots = ConcurrentSlots<T>(count: count)
        let workers = Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 2)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: count, by: workers) { slots.set(index, transform(self[index])) }
        }
        return slots.values
    }
}

/// One slot per index, each filled by exactly one worker of `concurrentPerform`.
private final class ConcurrentSlots<T: Sendable>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) { lock.withLock { slots[index] = value } }
    /// Every slot's value; each must have been set.
    var values: [T] { lock.withLock { slots.map { $0! } } }
}
