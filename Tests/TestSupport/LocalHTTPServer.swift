import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests: a thread per connection, `Connection: close`. Enough to drive libcurl through real sockets without any network.
public final class LocalHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var path: String
        public var headers: [String: String]
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: Data
        /// The body is sent this many times over (a long stream without holding it in memory).
        public var repeatBody: Int
        /// false: no Content-Length, the body ends when the connection closes.
        public var announceLength: Bool
        /// Pause between repetitions of the body (a slow drip).
        public var pauseBetweenRepeats: TimeInterval
        /// Hang up after this many repetitions, whatever Content-Length promised (a reset mid-body).
        public var hangUpAfter: Int?

        public init(status: Int, headers: [(String, String)] = [], body: Data = Data(), repeatBody: Int = 1,
                    announceLength: Bool = true, pauseBetweenRepeats: TimeInterval = 0, hangUpAfter: Int? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
            self.repeatBody = repeatBody
            self.announceLength = announceLength
            self.pauseBetweenRepeats = pauseBetweenRepeats
            self.hangUpAfter = hangUpAfter
        }
    }

    public let port: UInt16
    private let socketFD: Int32
    private let lock = NSLock()
    private var receivedRequests: [Request] = []

    public var requests: [Request] { lock.withLock { receivedRequests } }

    public init(handler: @escaping @Sendable (Request) -> Response) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in
            // The accept thread owns the socket and closes it: closing it from stop() would let
            // the descriptor number be reused by another server while this thread still accepts on it.
            defer { close(fd) }
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                // One thread per connection: a slow client must not hold up the others.
                Thread.detachNewThread { [self] in serve(client, handler: handler) }
            }
        }
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting: the blocked accept() fails and the thread closes the socket.
    public func stop() {
        shutdown(socketFD, Int32(SHUT_RDWR))
    }

    private func serve(_ client: Int32, handler: @Sendable (Request) -> Response) {
        defer { close(client) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var received = Data()
        while !received.contains(Data("\r\n\r\n".utf8)) {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { return }
            received.append(contentsOf: buffer[0..<count])
        }
        let head = String(decoding: received, as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let request = Request(path: requestLine.count > 1 ? String(requestLine[1]) : "/", headers: headers)
        lock.withLock { receivedRequests.append(request) }
        let response = handler(request)
        var text = "HTTP/1.1 \(response.status) X\r\nConnection: close\r\n"
        if response.announceLength { text += "Content-Length: \(response.body.count * response.repeatBody)\r\n" }
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        guard send(client, Data(text.utf8)) else { return }
        for repetition in 0..<response.repeatBody {
            if let hangUpAfter = response.hangUpAfter, repetition >= hangUpAfter {
                var linger = linger(l_onoff: 1, l_linger: 0)  // RST, not a clean close
                setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                return
            }
            guard send(client, response.body) else { return }  // the client hung up: fine
            if response.pauseBetweenRepeats > 0 { Thread.sleep(forTimeInterval: response.pauseBetweenRepeats) }
        }
    }

    /// MSG_NOSIGNAL: a client that hangs up must not kill the test process with SIGPIPE.
    private func send(_ client: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(client, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 { return false }
                sent += n
            }
            return true
        }
    }
}
