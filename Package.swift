// swift-tools-version: 6.1
import Foundation
import PackageDescription

// One library target per pipeline stage, thin C-interop targets at the bottom, one executable on top.
// Dependencies point one way: cyberveille → Pipeline → stages → Model / C modules.
let package = Package(
    name: "cyberveille",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cyberveille", targets: ["cyberveille"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Already built for Hummingbird: named here for the desk's password-check thread pool.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // C interop: system libraries with small typed inline wrappers (see shim.h).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),

        .target(name: "Model"),
        // Snowball stems shared by the database's and the site's search indexes.
        .target(name: "Stemming", dependencies: ["CStemmer"]),
        // TOML read by a parser of its own (TOMLParser.swift), no dependency.
        .target(name: "Config", dependencies: ["Model"]),
        .target(name: "Fetching", dependencies: [
            "Model", "CCurl", .product(name: "Logging", package: "swift-log"),
        ]),
        // Parsing is the hot loop of every round: its classes' stored properties are checked for
        // exclusive access at compile time only (the run-time checks cost 5% of parsing).
        .target(name: "FeedParsing", dependencies: ["Model", "CLibXML2"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "Storage", dependencies: [
            "Model", "Stemming", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .target(name: "Tagging", dependencies: ["Model", "Config"]),
        .target(name: "Advisories", dependencies: ["Model"]),
        .target(name: "Publishing", dependencies: [
            "Model", "Config", "Stemming",
        ]),
        .target(name: "Incidents", dependencies: ["Model"]),
        .target(name: "Curation", dependencies: [
            "Model", "Storage", "FeedParsing", .product(name: "Ink", package: "Ink"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        ]),
        .target(name: "Desk", dependencies: [
            "Model", "Storage", "Curation", "Config", "Publishing", "Incidents", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"), .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .target(name: "Pipeline", dependencies: [
            "Model", "Config", "Fetching", "FeedParsing", "Advisories", "Storage", "Tagging", "Publishing", "Incidents", "Curation",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "cyberveille", dependencies: [
            "Pipeline", "Model", "Config", "FeedParsing", "Fetching", "Storage", "Advisories", "Curation", "Desk", "Incidents",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            // The desk's bind errors, told apart by errno.
            .product(name: "NIOCore", package: "swift-nio"),
        ]),

        // Test helpers (a loopback HTTP server); never linked into the product.
        .target(name: "TestSupport", dependencies: ["Model"], path: "Tests/TestSupport"),
        .testTarget(name: "FeedParsingTests", dependencies: ["FeedParsing", "Model", "TestSupport"]),
        .testTarget(name: "FetchingTests", dependencies: ["Fetching", "Model", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Model", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TaggingTests", dependencies: ["Tagging", "Config", "Model", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PublishingTests", dependencies: [
            "Publishing", "FeedParsing", "Config", "Model"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Model"]),
        .testTarget(name: "IncidentsTests", dependencies: ["Incidents", "Storage", "Model", "TestSupport"]),
        .testTarget(name: "CurationTests", dependencies: ["Curation", "Storage", "Model"]),
        .testTarget(name: "DeskTests", dependencies: ["Desk", "Curation", "Storage", "Config", "Model", "TestSupport",
                                                     .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "AdvisoriesTests", dependencies: ["Advisories", "FeedParsing", "Model", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "StressTests", dependencies: [
            "Pipeline", "Desk", "Curation", "Storage", "Config", "Model", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "PipelineTests", dependencies: [
            "Pipeline", "Fetching", "FeedParsing", "Storage", "Config", "Model", "TestSupport", "Incidents"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, only when scripts/fuzz builds them: compiled here with -sanitize=fuzzer,
// linked by the script (SwiftPM's executables bring their own entry point; libFuzzer brings main).
if ProcessInfo.processInfo.environment["CYBERVEILLE_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzFeedParser", ["FeedParsing", "Model"]), ("FuzzDateParser", ["FeedParsing", "Model"]),
        ("FuzzSanitizer", ["FeedParsing", "Model"]), ("FuzzCSAF", ["FeedParsing", "Model"]),
        ("FuzzCERTFR", ["FeedParsing", "Model"]), ("FuzzKEV", ["FeedParsing", "Model"]), ("FuzzOPML", ["FeedParsing", "Model"]),
        ("FuzzIncidentsCSV", ["Incidents", "Model"]), ("FuzzIncidentsJSONLines", ["Incidents", "Model"]),
        ("FuzzSourcesTOML", ["Config", "Model"]), ("FuzzConfigTOML", ["Config", "Model"]),
        // The desk's forms (a link to their file) with Hummingbird's decoder, without the server.
        ("FuzzDeskForm", [.product(name: "Hummingbird", package: "hummingbird")]),
    ]
    for target in fuzzTargets {
        package.targets.append(.target(name: target.name, dependencies: target.dependencies, path: "Fuzz/\(target.name)"))
    }
}
