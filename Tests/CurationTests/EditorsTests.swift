import Curation
import Foundation
import Storage
import Testing

@Suite struct EditorsTests {
    private func editors() throws -> Editors {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cv-users-\(UUID().uuidString).sqlite").path
        return Editors(store: try Store(path: path), cost: 4)
    }

    @Test func usersAreAddedAuthenticatedChangedAndRemoved() throws {
        let editors = try editors()
        try editors.add("alice", role: .editor, password: "correct horse battery", actor: "admin")
        let stored = try #require(try editors.store.user(named: "alice"))
        #expect(stored.passwordHash.hasPrefix("$2"), "a bcrypt hash, never the password")
        #expect(!stored.passwordHash.contains("correct horse"))
        #expect(try editors.authenticate("alice", password: "correct horse battery")?.role == .editor)
        #expect(try editors.authenticate("alice", password: "wrong password!!") == nil)
        #expect(try editors.authenticate("nobody", password: "correct horse battery") == nil)
        #expect(throws: CurationError.self) { try editors.add("alice", role: .admin, password: "another long one", actor: "admin") }
        #expect(throws: CurationError.self) { try editors.add("bob", role: .editor, password: "short", actor: "admin") }
        #expect(throws: CurationError.self) { try editors.add("bob smith", role: .editor, password: "long enough password", actor: "admin") }

        try editors.changePassword("alice", password: "a new long password", actor: "admin")
        #expect(try editors.authenticate("alice", password: "correct horse battery") == nil)
        #expect(try editors.authenticate("alice", password: "a new long password") != nil)
        try editors.remove("alice", actor: "admin")
        #expect(try editors.store.users().isEmpty)
        let actions = try editors.store.auditLog().map(\.action)
        #expect(actions == ["user-remove", "user-password", "user-add"])
        #expect(try editors.store.auditLog().allSatisfy { !($0.after ?? "").contains("$2") }, "no hash in the audit log")
    }
}
