/// A configuration file that cannot be used; `description` names the file and line.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(file)" + (line.map { ":\($0)" } ?? "") + ": " + message
    }
}
