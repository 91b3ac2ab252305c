// libFuzzer target: any text through the date parser; every date it returns must be valid.
@testable import FeedParsing
import Foundation
import Model

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDateParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let date = DateParser.parse(text) {
        // Round trip: what we print must read back as the same instant.
        let printed = ISO8601UTC.string(from: date)
        guard let again = DateParser.parse(printed), Int(again.timeIntervalSince1970) == Int(date.timeIntervalSince1970.rounded(.down)) else {
            fatalError("date \(text.debugDescription) printed as \(printed) does not read back")
        }
    }
    return 0
}
