import Foundation
import HummingbirdBcrypt
import Synchronization
import Storage

/// The editors: names, roles and bcrypt password hashes (salted, slow: `cost` rounds).
public struct Editors: Sendable {
    public let store: Store
    public let cost: Int

    public init(store: Store, cost: Int = 12) {
        self.store = store
        self.cost = cost
    }

    public static let minimumPasswordLength = 12

    public func add(_ name: String, role: AppUser.Role, password: String, actor: String) throws {
        try Self.checkName(name)
        try store.saveUser(name: name, role: role, passwordHash: try hash(password), actor: actor, replace: false)
    }

    public func changePassword(_ name: String, password: String, role: AppUser.Role? = nil, actor: String) throws {
        try store.saveUser(name: name, role: role, passwordHash: try hash(password), actor: actor, replace: true)
    }

    public func remove(_ name: String, actor: String) throws {
        try store.removeUser(name: name, actor: actor)
    }

    public func setDisabled(_ name: String, _ disabled: Bool, actor: String) throws {
        try store.setUserDisabled(name: name, disabled, actor: actor)
    }

    /// The user when the password is theirs. An unknown name costs a hash too, so that timing
    /// does not tell which names exist.
    public func authenticate(_ name: String, password: String) throws -> AppUser? {
        guard let user = try store.user(named: name), user.disabledAt == nil else {
            _ = Bcrypt.verify(password, hash: decoyHash)
            return nil
        }
        return Bcrypt.verify(password, hash: user.passwordHash) ? user : nil
    }

    /// The stored user of that name who may sign in, nil when there is none or they are
    /// disabled (no password is checked).
    public func user(named name: String) throws -> AppUser? {
        try store.user(named: name).flatMap { $0.disabledAt == nil ? $0 : nil }
    }

    /// Whether `password` is `user`'s: one bcrypt verification, slow by design.
    public func verify(_ password: String, of user: AppUser) -> Bool {
        Bcrypt.verify(password, hash: user.passwordHash)
    }

    /// A decoy verification at this cost, for timing how long a real one takes.
    public func verifyDecoy() {
        _ = Bcrypt.verify("a decoy password", hash: decoyHash)
    }

    private func hash(_ password: String) throws -> String {
        guard password.count >= Self.minimumPasswordLength else {
            throw CurationError("a password has at least \(Self.minimumPasswordLength) characters",
                                french: "un mot de passe a au moins \(Self.minimumPasswordLength) caractères")
        }
        guard password.utf8.count <= 72 else { throw CurationError("a password has at most 72 bytes (bcrypt reads no more)", french: "un mot de passe a au plus 72 octets") }
        return Bcrypt.hash(password, cost: UInt8(cost))
    }

    static func checkName(_ name: String) throws {
        guard (1...40).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw CurationError("a user name is 1 to 40 characters among a-z, A-Z, 0-9, '.', '_' and '-'",
                                french: "un nom d'utilisateur a de 1 à 40 caractères parmi a-z, A-Z, 0-9, « . », « _ » et « - »")
        }
    }

    /// At the same cost as real hashes: an unknown name must take as long as a known one.
    private var decoyHash: String { Self.decoys.withLock { decoys in
        if let hash = decoys[cost] { return hash }
        let hash = Bcrypt.hash("decoy password for unknown names", cost: UInt8(cost))
        decoys[cost] = hash
        return hash
    } }

    private static let decoys = Mutex<[Int: String]>([:])
}
