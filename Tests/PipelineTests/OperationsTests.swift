import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Storage
import Testing
import TestSupport

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func emptyFolder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cv-ops-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// What an operator meets running the commands from cron, a shell, or the wrong folder.
@Suite struct OperationsTests {
    @Test(arguments: [["stats"], ["items", "list"], ["items", "search", "rançongiciel"], ["items", "show", "1"], ["feeds", "health"],
                      ["db", "check"], ["db", "backup", "copy.sqlite"], ["alerts", "list"], ["incidents", "list"], ["serve", "--port", "0"]])
    func aCommandThatReadsNeverCreatesADatabase(arguments: [String]) throws {
        let folder = try emptyFolder("readonly")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandLineRun.run(arguments, in: folder)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("cyberveille: var/cyberveille.sqlite: no database here"), "\(arguments): \(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing created by \(arguments)")
    }

    @Test func aRunWhereEverySourceFailsPublishesThenSaysWhyWithStatusThree() throws {
        let folder = try emptyFolder("down")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Nothing listens on port 1 of the loopback: every poll fails, as with no network.
        try """
            [[source]]
            id = "cert"
            url = "http://127.0.0.1:1/feed.xml"
            critical = true

            [[source]]
            id = "news"
            url = "http://127.0.0.1:1/news.xml"
            """.write(to: folder.appendingPathComponent("sources.toml"), atomically: true, encoding: .utf8)
        try """
            [paths]
            sources = "sources.toml"
            templates = "\(root.appendingPathComponent("Templates").path)"
            rules = "\(root.appendingPathComponent("Feeds/tagging.toml").path)"
            urgency_rules = "\(root.appendingPathComponent("Feeds/urgency.toml").path)"
            """.write(to: folder.appendingPathComponent("cyberveille.toml"), atomically: true, encoding: .utf8)
        let result = try CommandLineRun.run(["run", "--allow-private-networks", "--json"], in: folder)
        #expect(result.status == 3)
        #expect(result.stderr.contains("cyberveille: sources.toml: every source polled failed (2)"), "\(result.stderr)")
        #expect(result.stdout.contains("\"feeds_failed\":2"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("Output/index.html").path), "the site is published first")
    }

    @Test func aPortInUseIsNamedWithWhatToDo() throws {
        let folder = try emptyFolder("port")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Store(path: folder.appendingPathComponent("var/cyberveille.sqlite").path)
        // Hold a port of the loopback, as another desk would.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(listen(listener, 1) == 0)
        var bound = sockaddr_in(), length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: bound.sin_port))
        // The repository stands in for an installation's share folder (templates, rules).
        let result = try CommandLineRun.run(["serve", "--port", "\(port)"], in: folder, environment: ["CYBERVEILLE_SHARE": root.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cyberveille: 127.0.0.1:\(port): the port is in use by another process"), "\(result.stderr)")
    }

    @Test func restoreRefusesWhileTheDatabaseIsOpenElsewhere() throws {
        let folder = try emptyFolder("restore")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Store(path: folder.appendingPathComponent("var/cyberveille.sqlite").path)
        try store.backup(to: folder.appendingPathComponent("copy.sqlite").path)
        let busy = try CommandLineRun.run(["db", "restore", "copy.sqlite"], in: folder)
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("var/cyberveille.sqlite: in use by another process"), "\(busy.stderr)")
        withExtendedLifetime(store) {}
    }
}
