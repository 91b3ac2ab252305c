import Foundation

/// Where this binary was installed from: `scripts/install PREFIX` and the Debian package put the
/// binary in `PREFIX/bin` and the default templates, rules, products and demo feeds in
/// `PREFIX/share/cyberveille`, which the settings fall back on.
enum Installation {
    /// `BIN/../share/cyberveille` when it exists, the binary found through /proc/self/exe (so a
    /// symbolic link to it, or a call through PATH, finds the same folder).
    static let shareDirectory: String? = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? ""
        let share = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/cyberveille")
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: share.path, isDirectory: &isDirectory) && isDirectory.boolValue ? share.path : nil
    }()

    /// A file the installation ships (`cyberveille.example.toml`, `Feeds/sources.toml`): in the
    /// working folder first (the repository), then in the share folder.
    static func shipped(_ relative: String) -> String? {
        if FileManager.default.fileExists(atPath: relative) { return relative }
        let shares = [ProcessInfo.processInfo.environment["CYBERVEILLE_SHARE"], shareDirectory].compactMap { $0 }
        return shares.map { URL(fileURLWithPath: $0).appendingPathComponent(relative).path }
            .first { FileManager.default.fileExists(atPath: $0) }
    }
}
