import Foundation
import GRDB
import GRDBSQLite

/// `cv_rank(item_search, title_weight, body_weight, df1, df2, …)`: the Okapi BM25 score of FTS5's
/// own `bm25()` (same k1, b, column weights and document length), negated so that better sorts
/// first, but with each query word's document frequency given by the caller.
///
/// Why: `bm25()` counts the documents holding each word by reading the word's whole posting
/// list on every query. For a word found in most of a million items that alone cost 25–45 ms.
/// The store estimates these counts from the most recent matches instead (`documentFrequency`),
/// which keeps ranking close to bm25's and search in a few milliseconds at any archive size.
enum SearchRank {
    static let functionName = "cv_rank"

    /// Registers the function on one connection (FTS5 functions are per connection).
    static func register(_ db: Database) throws {
        let connection = db.sqliteConnection
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "SELECT fts5(?1)", -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StoreError("full-text search (FTS5) is not available in this SQLite")
        }
        defer { sqlite3_finalize(statement) }
        // SQLite writes the API's address through the bound pointer during the step: the
        // pointer must stay valid across both calls.
        let slot = UnsafeMutablePointer<UnsafeMutablePointer<fts5_api>?>.allocate(capacity: 1)
        slot.initialize(to: nil)
        defer { slot.deallocate() }
        sqlite3_bind_pointer(statement, 1, slot, pointerType, nil)
        _ = sqlite3_step(statement)
        guard let api = slot.pointee, api.pointee.iVersion >= 2, let create = api.pointee.xCreateFunction else {
            throw StoreError("full-text search (FTS5) is not available in this SQLite")
        }
        guard create(api, functionName, nil, rank, nil) == SQLITE_OK else {
            throw StoreError("cannot register the search ranking function")
        }
    }

    /// SQLite keeps the type name's address and compares it during the step: a C string that
    /// lives as long as the process (a Swift string literal passed directly is a temporary).
    nonisolated(unsafe) private static let pointerType: UnsafePointer<CChar> = UnsafePointer(strdup("fts5_api_ptr")!)

    private static let k1 = 1.2
    private static let b = 0.75

    private static let rank: fts5_extension_function = { apiPointer, fts, context, argumentCount, arguments in
        guard let api = apiPointer?.pointee, let fts, let arguments,
              let columnCount = api.xColumnCount?(fts), let phraseCount = api.xPhraseCount?(fts) else {
            sqlite3_result_error(context, "cv_rank: no full-text context", -1)
            return
        }
        var rows: sqlite3_int64 = 0
        _ = api.xRowCount?(fts, &rows)
        var totalTokens: sqlite3_int64 = 0
        var rowTokens = 0
        for column in 0..<columnCount {
            var columnTotal: sqlite3_int64 = 0
            _ = api.xColumnTotalSize?(fts, column, &columnTotal)
            totalTokens += columnTotal
            var size: Int32 = 0
            _ = api.xColumnSize?(fts, column, &size)
            rowTokens += Int(size)
        }
        let averageTokens = rows > 0 ? max(1, Double(totalTokens) / Double(rows)) : 1
        // Weighted frequency of each phrase in this row.
        var frequency = [Double](repeating: 0, count: Int(phraseCount))
        var instances: Int32 = 0
        _ = api.xInstCount?(fts, &instances)
        for instance in 0..<instances {
            var phrase: Int32 = 0, column: Int32 = 0, offset: Int32 = 0
            guard api.xInst?(fts, instance, &phrase, &column, &offset) == SQLITE_OK, phrase < phraseCount else { continue }
            // Arguments: one weight per column, then one document count per phrase.
            frequency[Int(phrase)] += column < argumentCount ? sqlite3_value_double(arguments[Int(column)]) : 1
        }
        let lengthFactor = k1 * (1 - b + b * Double(rowTokens) / averageTokens)
        var score = 0.0
        for phrase in 0..<Int(phraseCount) where frequency[phrase] > 0 {
            let dfArgument = Int(columnCount) + phrase
            let documents = dfArgument < Int(argumentCount) ? sqlite3_value_double(arguments[dfArgument]) : 1
            var idf = log((Double(rows) - documents + 0.5) / (documents + 0.5))
            if idf <= 0 { idf = 1e-6 }
            score += idf * frequency[phrase] * (k1 + 1) / (frequency[phrase] + lengthFactor)
        }
        sqlite3_result_double(context, -score)
    }
}
