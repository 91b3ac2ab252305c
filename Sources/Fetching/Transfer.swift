import CCurl
import Foundation

/// The state of one transfer while curl runs it: the body so far, the last response's headers,
/// and why it was cut short. Reached from C callbacks through an unretained pointer, so the
/// fetcher keeps every Transfer alive until curl is done with it.
final class Transfer {
    let request: FetchRequest
    let easy: CurlEasy
    let maxBodyBytes: Int
    var body = Data()
    var headers: [String: String] = [:]
    var bodyOverLimit = false
    /// The status of each response of the transfer, redirects first.
    var statuses: [Int] = []
    /// Set when AddressPolicy refused to connect, in words.
    var refusedAddress: String?
    /// The endpoints of this transfer's proxy, which AddressPolicy lets through.
    var allowedProxyEndpoints: Set<ProxySettings.Endpoint> = []
    let started = DispatchTime.now()

    init(request: FetchRequest, easy: CurlEasy, maxBodyBytes: Int) {
        self.request = request
        self.easy = easy
        self.maxBodyBytes = maxBodyBytes
    }

    /// Appends decoded bytes; refuses (so curl aborts) past the limit, which therefore holds
    /// after decompression too.
    static let writeCallback: curl_write_callback = { pointer, size, count, context in
        guard let pointer, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard transfer.body.count + length <= transfer.maxBodyBytes else {
            transfer.bodyOverLimit = true
            return 0
        }
        pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            transfer.body.append($0, count: length)
        }
        return length
    }

    /// Collects the headers of the final response: a new status line (after a redirect or a
    /// 100 Continue) starts the set over.
    static let headerCallback: curl_write_callback = { pointer, size, count, context in
        guard let pointer, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let line = pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            transfer.headers.removeAll()
            let fields = line.split(separator: " ")
            if fields.count >= 2, let status = Int(fields[1]), status != 100, transfer.statuses.count < 20 {
                transfer.statuses.append(status)
            }
        } else if let colon = line.firstIndex(of: ":"), transfer.headers.count < 100 {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            transfer.headers[name] = value
        }
        return length
    }
}
