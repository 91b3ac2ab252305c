/// Durations as written in configuration files: a number and a unit, `30m`, `2h`, `1d`, `45s`.
public enum ConfigDuration {
    public static func seconds(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let unit = trimmed.last, let value = Int(trimmed.dropLast()), value > 0, value <= 1_000_000 else { return nil }
        switch unit {
        case "s": return value
        case "m": return value * 60
        case "h": return value * 3600
        case "d": return value * 86_400
        default: return nil
        }
    }
}
