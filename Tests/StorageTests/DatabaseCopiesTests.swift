import Foundation
import GRDB
import Model
import Testing

@testable import Storage

/// Backups an operator can run every night, and a restore that cannot make things worse.
@Suite struct DatabaseCopiesTests {
    private static let source = Source(id: "s", title: "S", url: "https://example.org/feed")

    private func storeWithItems(_ titles: [String]) throws -> Store {
        let store = try temporaryStore()
        try store.syncSources([Self.source])
        _ = try store.upsertItems(sourceID: "s", titles.enumerated().map { ParsedItem(id: "\($0.offset)", title: $0.element) })
        return store
    }

    private func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cv-backups-\(UUID().uuidString)").path
    }

    @Test func aFolderKeepsTheNewestCopiesAndNothingElse() throws {
        let store = try storeWithItems(["a"])
        let backups = folder()
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        try "mine".write(toFile: backups + "/notes.txt", atomically: true, encoding: .utf8)
        let start = Date(timeIntervalSince1970: 1_796_000_000)
        var copies: [String] = []
        for night in 0..<5 {
            let (copy, removed) = try store.backup(intoFolder: backups, keep: 3, now: start.addingTimeInterval(Double(night) * 86_400))
            copies.append(copy)
            #expect(removed == (night >= 3 ? [copies[night - 3]] : []), "night \(night): the oldest beyond 3 goes")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: backups).sorted()
        #expect(left == ["cyberveille-20261202-005320Z.sqlite", "cyberveille-20261203-005320Z.sqlite",
                         "cyberveille-20261204-005320Z.sqlite", "notes.txt"])
        try Store.checkCopy(at: copies.last!)
        // Two in the same second do not overwrite each other.
        let again = try store.backup(intoFolder: backups, keep: nil, now: start.addingTimeInterval(4 * 86_400)).copy
        #expect(again.hasSuffix("cyberveille-20261204-005320Z-2.sqlite"))
    }

    @Test func forceReplacesAFileWithANewCopy() throws {
        let store = try storeWithItems(["a"])
        let path = folder() + "/nightly.sqlite"
        try store.backup(to: path)
        #expect(throws: StoreError.self) { try store.backup(to: path) }
        _ = try store.upsertItems(sourceID: "s", [ParsedItem(id: "new", title: "b")])
        try store.backup(replacing: path)
        #expect(try Store(path: path).counts().items == 2, "the copy replaced holds the new item")
        #expect(try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            .filter { $0.contains("partial") }.isEmpty)
    }

    @Test func restoreRefusesACorruptCopyAndChangesNothing() throws {
        let store = try storeWithItems(["a", "b"])
        let path = store.path
        let corrupt = folder() + "/corrupt.sqlite"
        try store.backup(to: corrupt)
        // Damage the headers of pages past the first: b-tree pages of no known type.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: corrupt))
        let pageSize = try DatabaseQueue(path: store.path).read { try Int.fetchOne($0, sql: "PRAGMA page_size") ?? 4096 }
        for page in 1...6 {
            try handle.seek(toOffset: UInt64(page * pageSize))
            try handle.write(contentsOf: Data(repeating: 0xFF, count: 16))
        }
        try handle.close()
        let garbage = folder() + "/garbage.sqlite"
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: garbage).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: garbage))
        withExtendedLifetime(store) {}
        for bad in [corrupt, garbage, folder() + "/missing.sqlite"] {
            let error = #expect(throws: StoreError.self) { try Store.restore(from: bad, to: path) }
            #expect(error?.description.hasPrefix(bad) == true, "the error names the copy: \(error?.description ?? "")")
        }
        #expect(try Store(path: path).counts().items == 2, "the database is untouched")
    }

    @Test func restoreRefusesADatabaseInUseThenKeepsTheOneItReplaces() throws {
        var store: Store? = try storeWithItems(["a", "b", "c"])
        let path = store!.path
        let backup = folder() + "/before.sqlite"
        try store!.backup(to: backup)
        _ = try store!.upsertItems(sourceID: "s", [ParsedItem(id: "late", title: "d")])
        // The daemon (here, this open store) holds the database.
        let busy = #expect(throws: StoreError.self) { try Store.restore(from: backup, to: path) }
        #expect(busy?.description.contains("in use by another process") == true)
        store = nil
        let replaced = try #require(try Store.restore(from: backup, to: path, now: Date(timeIntervalSince1970: 1_796_000_000)))
        #expect(replaced == path + ".replaced-20261130-005320Z")
        #expect(try Store(path: path).counts().items == 3, "the backup is in place")
        #expect(try Store(path: replaced).counts().items == 4, "and the database replaced is kept whole, with its log")
    }

    @Test func aDatabaseFromANewerVersionIsRefusedWithWhatToDo() throws {
        let path = try temporaryStore().path
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.description.contains("newer cyberveille") == true && error?.description.contains("restore the backup") == true)
        #expect(throws: StoreError.self) { try Store.checkCopy(at: path) }
    }
}
