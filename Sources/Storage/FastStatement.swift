import Foundation
import GRDB
import GRDBSQLite

/// Runs a cached statement with values bound straight from Swift strings and numbers, and reads
/// its rows column by column. A round stores, tags and groups tens of thousands of items, a
/// dozen statements each; building GRDB's `StatementArguments` (an array of boxed values) and
/// its cursors for each was most of that time. Used on those paths only: everywhere else GRDB's
/// API is clearer and fast enough.
struct FastStatement {
    private let statement: Statement

    init(_ statement: Statement) { self.statement = statement }

    init(_ db: Database, _ sql: String) throws { statement = try db.cachedStatement(sql: sql) }

    /// Binds `values` in order and runs the statement to its end (an INSERT, UPDATE or DELETE).
    func run(_ db: Database, _ values: FastValue...) throws {
        try bind(values)
        defer { reset() }
        let result = sqlite3_step(statement.sqliteStatement)
        guard result == SQLITE_DONE || result == SQLITE_ROW else { throw error(db, result) }
    }

    /// Binds `values` in order, and calls `body` with each row.
    func forEachRow(_ db: Database, _ values: FastValue..., body: (FastRow) throws -> Void) throws {
        try bind(values)
        defer { reset() }
        while true {
            let result = sqlite3_step(statement.sqliteStatement)
            if result == SQLITE_DONE { return }
            guard result == SQLITE_ROW else { throw error(db, result) }
            try body(FastRow(handle: statement.sqliteStatement))
        }
    }

    /// The first row, read by `body`; nil when there is none.
    func firstRow<T>(_ db: Database, _ values: FastValue..., body: (FastRow) throws -> T) throws -> T? {
        try bind(values)
        defer { reset() }
        let result = sqlite3_step(statement.sqliteStatement)
        if result == SQLITE_DONE { return nil }
        guard result == SQLITE_ROW else { throw error(db, result) }
        return try body(FastRow(handle: statement.sqliteStatement))
    }

    private func bind(_ values: [FastValue]) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let position = Int32(offset + 1)
            let code: Int32
            switch value {
            case .text(let text?):
                var text = text
                code = text.withUTF8 { bytes in
                    // An empty buffer may have no address: bind an empty string literal then.
                    guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(handle, position, "", 0, Self.transient) }
                    return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(handle, position, $0, Int32(bytes.count), Self.transient)
                    }
                }
            case .blob(let data?):
                code = data.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(handle, position, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), Self.transient)
                }
            case .real(let number?): code = sqlite3_bind_double(handle, position, number)
            case .integer(let number?): code = sqlite3_bind_int64(handle, position, number)
            case .text(nil), .real(nil), .integer(nil), .blob(nil): code = sqlite3_bind_null(handle, position)
            }
            guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "binding value \(position)") }
        }
    }

    private func reset() {
        sqlite3_reset(statement.sqliteStatement)
        sqlite3_clear_bindings(statement.sqliteStatement)
    }

    private func error(_ db: Database, _ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
    }

    /// SQLite copies the bytes before the call returns (the Swift buffer is only borrowed).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

enum FastValue {
    case text(String?)
    case real(Double?)
    case integer(Int64?)
    case blob(Data?)
}

/// The current row of a `FastStatement`; valid only inside the closure it is given to.
struct FastRow {
    let handle: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func integer(_ column: Int32) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(handle, column) }
    func real(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(handle, column) }

    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
    }

    func blob(_ column: Int32) -> Data? {
        guard !isNull(column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: bytes, count: count)
    }
}
