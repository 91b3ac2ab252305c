import Foundation
import GRDB
import Model

/// An editor of the desk.
public struct AppUser: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        case editor, admin
    }

    public var name: String
    public var role: Role
    public var passwordHash: String
    public var createdAt: Date
    /// Set while an administrator has disabled the account: no sign-in, no session.
    public var disabledAt: Date?
}

/// A signed-in desk session, found by the hash of its token.
public struct DeskSession: Sendable, Equatable {
    public var user: AppUser
    public var csrf: String
    public var expiresAt: Date
}

extension Store {
    public func users() throws -> [AppUser] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM app_user ORDER BY name").map(Self.user) }
    }

    public func user(named name: String) throws -> AppUser? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE name = ?", arguments: [name]).map(Self.user) }
    }

    /// Adds a user, or (`replace`) changes the password of an existing one; audited without
    /// the hash.
    public func saveUser(name: String, role: AppUser.Role?, passwordHash: String, actor: String, replace: Bool, at now: Date = Date()) throws {
        try write { db in
            let existing = try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE name = ?", arguments: [name]).map(Self.user)
            if replace {
                guard let existing else { throw CurationError("no user \"\(name)\"", french: "aucun utilisateur « \(name) »") }
                try db.execute(sql: "UPDATE app_user SET password_hash = ?, role = ? WHERE name = ?",
                               arguments: [passwordHash, (role ?? existing.role).rawValue, name])
                try db.execute(sql: "DELETE FROM desk_session WHERE user_name = ?", arguments: [name])
                try Self.audit(db, at: now, actor: actor, action: "user-password", itemID: nil,
                               before: ["user": name, "role": existing.role.rawValue], after: ["user": name, "role": (role ?? existing.role).rawValue])
            } else {
                guard existing == nil else { throw CurationError("user \"\(name)\" already exists (users passwd changes a password)", french: "l'utilisateur « \(name) » existe déjà") }
                let role = role ?? .editor
                try db.execute(sql: "INSERT INTO app_user (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [name, role.rawValue, passwordHash, now.timeIntervalSince1970])
                try Self.audit(db, at: now, actor: actor, action: "user-add", itemID: nil, before: nil as [String: String]?,
                               after: ["user": name, "role": role.rawValue])
            }
        }
    }

    public func removeUser(name: String, actor: String, at now: Date = Date()) throws {
        try write { db in
            guard let existing = try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE name = ?", arguments: [name]).map(Self.user) else {
                throw CurationError("no user \"\(name)\"", french: "aucun utilisateur « \(name) »")
            }
            try db.execute(sql: "DELETE FROM app_user WHERE name = ?", arguments: [name])
            try Self.audit(db, at: now, actor: actor, action: "user-remove", itemID: nil,
                           before: ["user": name, "role": existing.role.rawValue], after: nil as [String: String]?)
        }
    }

    /// Disables (or enables again) an editor: their sessions end at once; audited.
    public func setUserDisabled(name: String, _ disabled: Bool, actor: String, at now: Date = Date()) throws {
        try write { db in
            guard let existing = try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE name = ?", arguments: [name]).map(Self.user) else {
                throw CurationError("no user \"\(name)\"", french: "aucun utilisateur « \(name) »")
            }
            guard (existing.disabledAt != nil) != disabled else { return }
            if disabled, existing.role == .admin {
                let admins = try Int.fetchOne(db, sql: "SELECT count(*) FROM app_user WHERE role = 'admin' AND disabled_at IS NULL") ?? 0
                guard admins > 1 else {
                    throw CurationError("\(name) is the last active administrator", french: "« \(name) » est le dernier administrateur actif")
                }
            }
            try db.execute(sql: "UPDATE app_user SET disabled_at = ? WHERE name = ?", arguments: [disabled ? now.timeIntervalSince1970 : nil, name])
            if disabled { try db.execute(sql: "DELETE FROM desk_session WHERE user_name = ?", arguments: [name]) }
            try Self.audit(db, at: now, actor: actor, action: disabled ? "user-disable" : "user-enable", itemID: nil,
                           before: nil as [String: String]?, after: ["user": name])
        }
    }

    public func createSession(tokenHash: String, userName: String, csrf: String, expiresAt: Date, at now: Date = Date()) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM desk_session WHERE expires_at < ?", arguments: [now.timeIntervalSince1970])
            try db.execute(sql: "INSERT INTO desk_session (token_hash, user_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [tokenHash, userName, csrf, now.timeIntervalSince1970, expiresAt.timeIntervalSince1970])
        }
    }

    public func session(tokenHash: String, at now: Date = Date()) throws -> DeskSession? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT app_user.*, desk_session.csrf, desk_session.expires_at FROM desk_session
                JOIN app_user ON app_user.name = desk_session.user_name
                WHERE token_hash = ? AND expires_at > ? AND app_user.disabled_at IS NULL
                """, arguments: [tokenHash, now.timeIntervalSince1970]) else { return nil }
            return DeskSession(user: Self.user(row), csrf: row["csrf"], expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
        }
    }

    public func endSession(tokenHash: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM desk_session WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    private static func user(_ row: Row) -> AppUser {
        AppUser(name: row["name"], role: AppUser.Role(rawValue: row["role"]) ?? .editor, passwordHash: row["password_hash"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]), disabledAt: (row["disabled_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
