import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's metrics over HTTP, for Prometheus: `GET /metrics` (text format 0.0.4) and
/// `GET /health`, on 127.0.0.1 only. Deliberately small: one connection at a time, requests cut
/// at 8 KiB and 2 s, no keep-alive; a scraper asks every few seconds at most.
public final class MetricsEndpoint: @unchecked Sendable {
    private let socket: Int32
    private let metrics: DaemonMetrics
    /// The port bound (useful when 0 asked the system for a free one).
    public let port: UInt16

    public init(port: UInt16, metrics: DaemonMetrics) throws {
        self.metrics = metrics
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw MetricsEndpointError("cannot open a socket for the metrics endpoint") }
        var reuse: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 16) == 0 else {
            close(socket)
            throw MetricsEndpointError("cannot listen on 127.0.0.1:\(port) for metrics (\(String(cString: strerror(errno))))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        self.socket = socket
        self.port = UInt16(bigEndian: actual.sin_port)
    }

    /// Serves until the process ends, on a thread of its own.
    public func start() {
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(socket, nil, nil)
                if client < 0 {
                    // Out of descriptors or a connection aborted: wait a little, and serve on.
                    if errno != EINTR { Thread.sleep(forTimeInterval: 0.1) }
                    continue
                }
                serve(client)
                close(client)
            }
        }
    }

    private func serve(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        let deadline = Date().addingTimeInterval(2)  // for the whole request, not each read
        while request.count < 8192 && Date() < deadline {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { break }
            request.append(contentsOf: buffer[0..<count])
            if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let (status, type, body): (String, String, String)
        if line.hasPrefix("GET /metrics ") || line == "GET /metrics" {
            (status, type, body) = ("200 OK", "text/plain; version=0.0.4; charset=utf-8", metrics.text)
        } else if line.hasPrefix("GET /health ") {
            (status, type, body) = ("200 OK", "text/plain; charset=utf-8", "ok\n")
        } else {
            (status, type, body) = ("404 Not Found", "text/plain; charset=utf-8", "not found: GET /metrics or /health\n")
        }
        let response = Array("HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)
        var sent = 0
        while sent < response.count {
            let count = response[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }
            sent += count
        }
    }
}

public struct MetricsEndpointError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
