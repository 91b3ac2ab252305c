import Desk
import Foundation
import Logging
import Model
import Storage
import Synchronization
import Testing
import TestSupport

@testable import Desk

/// The attacks of the hardening pass, replayed against a running desk: each as it was found,
/// and what the desk does now.
@Suite(.serialized) struct DeskHardeningTests {
    /// Behind a trusted reverse proxy, X-Forwarded-For says which client is asking.
    private func client(_ base: String, _ address: String) -> Browser {
        let browser = Browser(base: base)
        browser.headers["X-Forwarded-For"] = address
        return browser
    }

    @Test func fiveWrongPasswordsForAliceDoNotLockAliceOut() async throws {
        let (base, _, stop) = try await startDesk { $0.trustedProxies = ["127.0.0.1"] }
        defer { stop() }
        let attacker = client(base, "203.0.113.9")
        for _ in 0..<5 { #expect(await signIn(attacker, "alice", "a guess at her password").status == 401) }
        #expect(await signIn(attacker, "alice", "another guess").status == 429, "the guessing client waits")
        // Before: alice's right password got 429 for 15 minutes, from anywhere.
        #expect(await signIn(client(base, "198.51.100.7"), "alice", "alice's long password").status == 303)
    }

    @Test func fiftyMadeUpNamesDoNotLockTheDeskOut() async throws {
        let (base, _, stop) = try await startDesk { $0.trustedProxies = ["127.0.0.1"] }
        defer { stop() }
        var statuses: [Int] = []
        for index in 0..<50 {
            statuses.append(await signIn(client(base, "203.0.113.\(index % 2 + 10)"), "nobody\(index)", "whatever password").status)
        }
        #expect(statuses.prefix(40).allSatisfy { $0 == 401 })
        #expect(statuses.suffix(10).allSatisfy { $0 == 429 }, "each client waits after 20 failures: \(statuses)")
        // Before: a global counter of 50 locked every editor out.
        #expect(await signIn(client(base, "198.51.100.7"), "bob", "bob's long password!").status == 303)
        #expect(await signIn(client(base, "198.51.100.8"), "alice", "alice's long password").status == 303)
    }

    /// An attacker with many addresses guesses alice's password: the name's own limit applies to
    /// every client that has failed, alice's too after one typo — except on a browser she has
    /// signed in with before.
    @Test func aBrowserAliceSignedInWithBeforeIsNeverTurnedAway() async throws {
        let (base, _, stop) = try await startDesk { $0.trustedProxies = ["127.0.0.1"] }
        defer { stop() }
        let laptop = client(base, "198.51.100.7")
        #expect(await signIn(laptop, "alice", "alice's long password").status == 303)
        #expect(laptop.cookies["cv_device"] != nil)
        for index in 0..<12 { #expect(await signIn(client(base, "203.0.113.\(index)"), "alice", "a guess").status == 401) }
        let newBrowser = client(base, "198.51.100.8")
        #expect(await signIn(newBrowser, "alice", "a typo").status == 401)
        #expect(await signIn(newBrowser, "alice", "alice's long password").status == 429, "a failing client, a name under attack")
        laptop.headers["X-Forwarded-For"] = "198.51.100.8"  // her laptop, now on that network
        #expect(await signIn(laptop, "alice", "alice's long password").status == 303)
        let forged = client(base, "198.51.100.8")
        forged.cookies["cv_device"] = laptop.cookies["cv_device"]
        #expect(await signIn(forged, "bob", "bob's long password!").status == 303, "the cookie proves alice only, bob is not under attack")
    }

    @Test func aChainOfTrustedProxiesIsWalkedFromTheRight() async throws {
        let (base, _, stop) = try await startDesk { $0.trustedProxies = ["127.0.0.1", "10.0.0.2"] }
        defer { stop() }
        for _ in 0..<5 { #expect(await signIn(client(base, "6.6.6.6, 203.0.113.9, 10.0.0.2"), "alice", "a guess").status == 401) }
        #expect(await signIn(client(base, "7.7.7.7, 203.0.113.9, 10.0.0.2"), "alice", "a guess").status == 429,
                "the client is the first untrusted hop from the right, whatever it prepends")
        #expect(await signIn(client(base, "198.51.100.7, 10.0.0.2"), "alice", "alice's long password").status == 303)
    }

    @Test func anUntrustedPeersForwardedForIsIgnored() async throws {
        let (base, _, stop) = try await startDesk()
        defer { stop() }
        for index in 0..<5 { #expect(await signIn(client(base, "203.0.113.\(index)"), "alice", "wrong").status == 401) }
        #expect(await signIn(client(base, "203.0.113.99"), "alice", "wrong").status == 429,
                "without a trusted proxy, the header does not make new clients")
    }

    @Test func logoutEndsTheServerSessionEvenWithoutItsToken() async throws {
        let (base, _, stop) = try await startDesk()
        defer { stop() }
        let browser = Browser(base: base)
        #expect(await signIn(browser, "alice", "alice's long password").status == 303)
        let cookie = try #require(browser.cookies["cv_session"])
        #expect(await browser.post("/logout", ["csrf": "stale"]).status == 303)
        // Before: the cookie was cleared, the session lived on for 8 hours.
        let replay = Browser(base: base)
        replay.cookies["cv_session"] = cookie
        #expect(await replay.get("/queue").status == 303, "the old cookie no longer opens the queue")
    }

    @Test func theDeskLinksOnlyWebAddresses() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        _ = try store.upsertItems(sourceID: "s", [
            ParsedItem(id: "js", title: "Lien piégé", link: " JaVaScript:alert(document.cookie)"),
            ParsedItem(id: "data", title: "Lien data", link: "data:text/html,<script>alert(1)</script>"),
        ])
        let browser = Browser(base: base)
        #expect(await signIn(browser, "alice", "alice's long password").status == 303)
        for id in [3, 4] {
            let page = await browser.get("/items/\(id)")
            #expect(page.status == 200)
            let lower = page.body.lowercased()
            #expect(!lower.contains("href=\" javascript") && !lower.contains("href=\"javascript") && !lower.contains("href=\"data:"),
                    "item \(id)")
        }
    }

    @Test func userNamesCannotForgeLogLines() async throws {
        let lines = LogLines()
        let (base, _, stop) = try await startDesk(logger: Logger(label: "desk-test", factory: { _ in lines }))
        defer { stop() }
        _ = await signIn(Browser(base: base), "eve\nFORGED user=admin\u{1B}[2J\u{202E}x", "wrong")
        let logged = lines.all.joined(separator: "\n")
        #expect(logged.contains("desk sign-in refused"))
        #expect(!logged.contains("\nFORGED") && !logged.contains("\u{1B}") && !logged.contains("\u{202E}"), "\(logged)")
        #expect(logged.contains("\\u{a}FORGED"), "the newline is shown, escaped")
    }

    @Test func otherHostNamesAreRefused() async throws {
        let (base, _, stop) = try await startDesk()
        defer { stop() }
        let port = try #require(URLComponents(string: base)?.port)
        let rebound = await RawHTTPClient.exchangeOffPool(port: port, "GET /health HTTP/1.1\r\nHost: attacker.example:\(port)\r\nConnection: close\r\n\r\n")
        #expect(RawHTTPClient.status(rebound) == 421, "DNS rebinding: a foreign name is refused")
        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"] {
            let own = await RawHTTPClient.exchangeOffPool(port: port, "GET /health HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
            #expect(RawHTTPClient.status(own) == 200, "\(host)")
        }
        let (configuredBase, _, stopConfigured) = try await startDesk { $0.allowedHosts = ["desk.example.org"] }
        defer { stopConfigured() }
        let configuredPort = try #require(URLComponents(string: configuredBase)?.port)
        let named = await RawHTTPClient.exchangeOffPool(port: configuredPort, "GET /health HTTP/1.1\r\nHost: desk.example.org\r\nConnection: close\r\n\r\n")
        #expect(RawHTTPClient.status(named) == 200)
    }

    @Test func aClientThatNeverFinishesItsRequestIsDisconnected() async throws {
        let (base, _, stop) = try await startDesk { $0.idleTimeout = 0.5 }
        defer { stop() }
        let port = try #require(URLComponents(string: base)?.port)
        let fd = RawHTTPClient.connect(port: port)
        #expect(fd >= 0)
        defer { close(fd) }
        RawHTTPClient.send(fd, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        let started = Date()
        let answer = await RawHTTPClient.readAllOffPool(fd)
        #expect(answer.isEmpty, "closed without an answer")
        #expect(Date().timeIntervalSince(started) < 5, "closed by the idle timeout, not by the client's 10 s")
    }

    /// Before: 1,100 idle connections made the desk unreachable. The test process holds both ends
    /// of each connection, hence the file limit it needs.
    @Test(.enabled(if: RawHTTPClient.fileLimit(atLeast: 2400), "the hard limit on open files is below 2,400"))
    func anEditorSignsInPast1100IdleConnections() async throws {
        let (base, _, stop) = try await startDesk()
        defer { stop() }
        let port = try #require(URLComponents(string: base)?.port)
        let idle = (0..<1100).map { _ in RawHTTPClient.connect(port: port) }
        defer { for fd in idle where fd >= 0 { close(fd) } }
        #expect(idle.filter { $0 >= 0 }.count == 1100)
        let started = Date()
        #expect(await signIn(Browser(base: base), "alice", "alice's long password").status == 303)
        #expect(Date().timeIntervalSince(started) < 5, "at once, not after the idle connections time out")
    }

    @Test func passwordChecksBeyondTheQueueAreRefusedAtOnce() async throws {
        let checks = PasswordChecks(concurrent: 1, waiting: 0)
        let started = DispatchSemaphore(value: 0), gate = DispatchSemaphore(value: 0)
        let running = Task { try await checks.run { started.signal(); gate.wait(); return true } }
        // Wait (off the cooperative pool) until the first check holds the only slot.
        await withCheckedContinuation { continuation in DispatchQueue.global().async { started.wait(); continuation.resume() } }
        #expect(try await checks.run({ true }) == nil, "no slot, no queue: refused")
        gate.signal()
        #expect(try await running.value == true)
        #expect(try await checks.run({ true }) == true, "free again")
    }
}

@Suite struct ClientAddressTests {
    @Test func normalizesAndGroups() {
        #expect(ClientAddress.normalized("::FFFF:192.0.2.1") == "192.0.2.1")
        #expect(ClientAddress.network("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(ClientAddress.network("2001:db8:1:2::9") == ClientAddress.network("2001:db8:1:2:ffff::1"))
        #expect(ClientAddress.network("192.0.2.1") == "192.0.2.1")
    }
}

@Suite struct SignInLimiterTests {
    let limiter = SignInLimiter(.init(perClient: 20, perUserAndClient: 5, perUser: 10, window: 900))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func theOwnerOfANameUnderAttackIsNotRefused() {
        for index in 0..<30 { _ = limiter.attempt(user: "alice", client: "10.0.0.\(index)", now: now) }
        #expect(limiter.attempt(user: "alice", client: "10.0.0.1", now: now) != nil, "a failing client waits")
        #expect(limiter.attempt(user: "alice", client: "192.0.2.1", now: now) == nil, "a client that has not been failing is checked")
    }

    @Test func failuresAgeOut() {
        for _ in 0..<5 { _ = limiter.attempt(user: "bob", client: "10.0.0.1", now: now) }
        #expect(limiter.attempt(user: "bob", client: "10.0.0.1", now: now) == 900)
        #expect(limiter.attempt(user: "bob", client: "10.0.0.1", now: now.addingTimeInterval(901)) == nil)
    }

    @Test func theRightPasswordDoesNotCount() {
        for _ in 0..<10 {
            #expect(limiter.attempt(user: "carol", client: "10.0.0.2", now: now) == nil)
            limiter.succeeded(user: "carol", client: "10.0.0.2", at: now)
        }
    }
}

/// Log lines as a handler receives them, message and metadata rendered as a text logger would.
final class LogLines: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var all: [String] { lines.withLock { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
    }
}
