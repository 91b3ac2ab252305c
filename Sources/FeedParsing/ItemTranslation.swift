import CLibXML2
import Dispatch
import Foundation
import Model
import Synchronization

/// Turns item element trees into items, on a second thread for large documents: libxml2 reads
/// the XML on the calling thread while items already read are translated (HTML sanitizing,
/// dates, URLs) beside it, in order. At most `maxBatchesInFlight` batches wait, so memory stays
/// bounded by a few dozen items, not by the document.
final class ItemTranslation: @unchecked Sendable {
    private static let batchSize = 16
    private static let maxBatchesInFlight = 2

    private let translate: @Sendable (XMLElementNode) -> ParsedItem
    /// Receives each item in order, on the translating thread; nil: items are collected.
    private let deliver: (@Sendable (ParsedItem) -> Void)?
    private let maxItems: Int
    private let queue: DispatchQueue?
    private let slots = DispatchSemaphore(value: ItemTranslation.maxBatchesInFlight)
    private let cancelled = Atomic<Bool>(false)
    /// Counts delivered items across the passes over one document, so that a second pass
    /// (recovery, another encoding) does not deliver again what the first one did.
    private let ledger: DeliveryLedger
    /// Touched by the worker only (or by the reader when there is no worker), read after `finish`.
    private var items: [ParsedItem] = []
    private var emitted = 0
    private var pending: [XMLElementNode] = []
    private var accepted = 0

    init(maxItems: Int, concurrent: Bool, ledger: DeliveryLedger, deliver: (@Sendable (ParsedItem) -> Void)?,
         translate: @escaping @Sendable (XMLElementNode) -> ParsedItem) {
        self.maxItems = maxItems
        self.ledger = ledger
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

    /// All items, in document order (none when they were delivered as they came).
    func finish() -> [ParsedItem] {
        if let queue {
            dispatchPending()
            queue.sync {}
        }
        return items
    }

    /// The reader gave up on this pass: what is queued is dropped, and nothing more is delivered
    /// once this returns.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        pending = []
        queue?.sync {}
    }

    private func emit(_ item: ParsedItem) {
        emitted += 1
        if let deliver {
            // Items before `ledger.delivered` came already, in an earlier pass over the same bytes.
            if emitted > ledger.delivered {
                deliver(item)
                ledger.delivered = emitted
            }
        } else {
            items.append(item)
        }
    }

    private func dispatchPending() {
        guard let queue, !pending.isEmpty else { return }
        let batch = HandOff(nodes: pending)
        pending = []
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            cv_silence_generic_errors()  // libxml2's error handlers are per thread
            for node in batch.nodes {
                guard !cancelled.load(ordering: .relaxed) else { return }
                emit(translate(node))
            }
        }
    }
}

/// How many items of a document were delivered so far, across passes. Written by one
/// translation at a time (the previous one is cancelled and drained before the next starts).
final class DeliveryLedger: @unchecked Sendable {
    var delivered = 0
}

/// Element trees moving from the reader to the worker. Not Sendable in general; here ownership
/// moves whole: the reader keeps no reference once a batch is handed off.
private struct HandOff: @unchecked Sendable {
    let nodes: [XMLElementNode]
}
