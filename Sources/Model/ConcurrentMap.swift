import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` on every core, for work that is a pure function of each element (tagging an item,
    /// making its page view): results in the elements' order. Each worker takes every n-th
    /// element, so that uneven elements spread evenly.
    public func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let workers = Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 2)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let results = ResultSlots(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in stride(from: worker, to: count, by: workers) { results.initialize(index, to: transform(self[index])) }
            }
            initialized = count
        }
    }
}

/// The result buffer, shared by the workers of `concurrentPerform`: each index is initialized by
/// exactly one worker, and `concurrentPerform` returns once all have finished, so no slot is
/// touched by two threads and no lock is needed.
private struct ResultSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    func initialize(_ index: Int, to value: T) { (base + index).initialize(to: value) }
}
