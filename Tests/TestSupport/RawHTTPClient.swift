import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Plain sockets to a server on 127.0.0.1, for what URLSession will not do: a forged Host
/// header, a request that never finishes, hundreds of idle connections.
public enum RawHTTPClient {
    /// A connected socket, or -1.
    public static func connect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return -1
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    public static func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything the server sends until it closes the connection (or 10 s pass without a byte).
    public static func readAll(_ fd: Int32) -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// One request on a new connection (closed after the answer), and the whole response.
    public static func exchange(port: Int, _ request: String) -> String {
        let fd = connect(port: port)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        send(fd, request)
        return readAll(fd)
    }

    /// Whether this process may open `count` files, raising its soft limit to the hard one.
    public static func fileLimit(atLeast count: Int) -> Bool {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return false }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(count)
    }

    /// `exchange` on a thread of its own: an async test must not block a thread of the
    /// cooperative pool (two on two cores) that the server under test needs.
    public static func exchangeOffPool(port: Int, _ request: String) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: exchange(port: port, request)) }
        }
    }

    /// `readAll` on a thread of its own (see `exchangeOffPool`).
    public static func readAllOffPool(_ fd: Int32) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: readAll(fd)) }
        }
    }

    /// The status code of a response's first line, 0 when there is none.
    public static func status(_ response: String) -> Int {
        let parts = response.prefix { $0 != "\r" }.split(separator: " ")
        return parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    }
}
