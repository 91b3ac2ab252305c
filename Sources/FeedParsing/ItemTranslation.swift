import CLibXML2
import Dispatch
import Foundation
import Model

/// Turns item element trees into items, on a second thread for large documents: libxml2 reads
/// the XML on the calling thread while items already read are translated (HTML sanitizing,
/// dates, URLs) beside it, in order. At most `maxBatchesInFlight` batches wait, so memory stays
/// bounded by a few hundred items, not by the document.
final class ItemTranslation: @unchecked Sendable {
    private static let batchSize = 32
    private static let maxBatchesInFlight = 4

    private let translate: @Sendable (XMLElementNode) -> ParsedItem
    /// Receives each item in order, on the translating thread; nil: items are collected.
    private let deliver: (@Sendable (ParsedItem) -> Void)?
    private let maxItems: Int
    private let queue: DispatchQueue?
    private let slots = DispatchSemaphore(value: ItemTranslation.maxBatchesInFlight)
    /// Touched by the worker only (or by the reader when there is no worker), read after `finish`.
    private var items: [ParsedItem] = []
    private var pending: [XMLElementNode] = []
    private var accepted = 0
    private var cancelled = false

    init(maxItems: Int, concurrent: Bool, deliver: (@Sendable (ParsedItem) -> Void)?,
         translate: @escaping @Sendable (XMLElementNode) -> ParsedItem) {
        self.maxItems = maxItems
        self.deliver = deliver
        self.translate = translate
        queue = concurrent ? DispatchQueue(label: "cyberveille.item-translation") : nil
    }

    /// Called by the reader for each item element, in document order.
    func add(_ node: XMLElementNode) {
        guard accepted < maxItems else { return }
        accepted += 1
        guard queue != nil else {
            emit(translate(node))
            return
        }
        pending.append(node)
        if pending.count == Self.batchSize { dispatchPending() }
    }

    /// All items, in document order.
    func finish() -> [ParsedItem] {
        if let queue {
            dispatchPending()
            queue.sync {}
        }
        return items
    }

    /// The reader gave up on this pass: drop what is queued.
    func cancel() {
        guard let queue else { return }
        queue.sync { cancelled = true }
    }

    private func emit(_ item: ParsedItem) {
        if let deliver { deliver(item) } else { items.append(item) }
    }

    private func dispatchPending() {
        guard let queue, !pending.isEmpty else { return }
        let batch = HandOff(nodes: pending)
        pending = []
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard !cancelled else { return }
            cv_silence_generic_errors()  // libxml2's error handlers are per thread
            for node in batch.nodes { emit(translate(node)) }
        }
    }
}

/// Element trees moving from the reader to the worker. Not Sendable in general; here ownership
/// moves whole: the reader keeps no reference once a batch is handed off.
private struct HandOff: @unchecked Sendable {
    let nodes: [XMLElementNode]
}
