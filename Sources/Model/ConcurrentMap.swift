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

/// Batch after batch, `produce` (pure work, e.g. parsing or classifying on every core) runs one
/// batch ahead of `consume` (what must happen in order on the calling thread, e.g. writing to
/// the database): while batch n is consumed, batch n + 1 is produced beside it, so the cores do
/// not wait for the single writer nor it for them. At most one batch waits, so memory stays
/// bounded by two batches. When `consume` throws, the batch being produced is dropped.
public func forEachPipelined<Product: Sendable>(batches count: Int, produce: @escaping @Sendable (Int) -> Product,
                                                consume: (Int, Product) throws -> Void) rethrows {
    func start(_ index: Int) -> PipelineSlot<Product> {
        let slot = PipelineSlot<Product>()
        DispatchQueue.global().async {
            slot.value = produce(index)
            slot.done.signal()
        }
        return slot
    }
    var next = count > 0 ? start(0) : nil
    for index in 0..<count {
        let current = next!
        current.done.wait()
        next = index + 1 < count ? start(index + 1) : nil
        try consume(index, current.value!)
    }
}

/// A batch being produced: `value` is written by the producer before `done` is signalled, and
/// read by the consumer after waiting for it.
private final class PipelineSlot<Product>: @unchecked Sendable {
    var value: Product?
    let done = DispatchSemaphore(value: 0)
}
