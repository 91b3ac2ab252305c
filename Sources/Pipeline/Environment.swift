import Config
import Fetching
import Foundation
import Logging
import Model
import Storage
import Tagging

/// What a run works with, opened once from the settings.
public struct RunEnvironment: Sendable {
    public let settings: Settings
    public let store: Store
    public let logger: Logger

    public init(settings: Settings, logger: Logger) throws {
        try self.init(settings: settings, store: try Store(path: settings.databasePath), logger: logger)
    }

    public init(settings: Settings, store: Store, logger: Logger) throws {
        self.settings = settings
        self.store = store
        self.logger = logger
    }

    public static let version = "0.1.0"

    public var fetcherConfiguration: FetcherConfiguration {
        let fetch = settings.fetch
        return FetcherConfiguration(
            userAgent: FetcherConfiguration.userAgent(version: Self.version, contactURL: fetch.contactURL),
            timeoutSeconds: fetch.timeoutSeconds, connectTimeoutSeconds: fetch.connectTimeoutSeconds,
            maxBodyBytes: fetch.maxBodyBytes, maxConnections: fetch.maxConnections,
            maxConnectionsPerHost: fetch.maxConnectionsPerHost, allowPrivateNetworks: fetch.allowPrivateNetworks)
    }
}
