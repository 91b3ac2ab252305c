import Dispatch
import Model
import Synchronization
import Testing

@Suite struct PipelinedBatchesTests {
    @Test func batchesAreConsumedInOrderWithTheirOwnProducts() {
        var consumed: [Int] = []
        forEachPipelined(batches: 50, produce: { $0 * $0 }, consume: { index, square in
            #expect(square == index * index)
            consumed.append(index)
        })
        #expect(consumed == Array(0..<50))
    }

    @Test func producingRunsAtMostOneBatchAhead() {
        let produced = Atomic<Int>(0)
        forEachPipelined(batches: 20, produce: { index in
            produced.add(1, ordering: .sequentiallyConsistent)
            return index
        }, consume: { index, _ in
            // Batch `index` is consumed; at most the next one has been produced.
            #expect(produced.load(ordering: .sequentiallyConsistent) <= index + 2)
        })
        #expect(produced.load(ordering: .sequentiallyConsistent) == 20)
    }

    @Test func anErrorStopsTheBatchesAfterIt() {
        struct Stop: Error {}
        var consumed: [Int] = []
        #expect(throws: Stop.self) {
            try forEachPipelined(batches: 10, produce: { $0 }, consume: { index, _ in
                if index == 3 { throw Stop() }
                consumed.append(index)
            })
        }
        #expect(consumed == [0, 1, 2])
    }

    @Test func noBatchesNothingProduced() {
        forEachPipelined(batches: 0, produce: { _ -> Int in
            Issue.record("produced with no batches")
            return 0
        }, consume: { _, _ in Issue.record("consumed with no batches") })
    }
}
