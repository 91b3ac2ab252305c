/// Text from outside (a user name typed at sign-in, a title from a feed) made safe to put in a
/// log line: control and invisible formatting characters become `\u{…}` escapes, so that a
/// newline cannot forge a second log line and an ANSI escape cannot rewrite the terminal.
public enum LogText {
    public static func escaped<S: StringProtocol>(_ text: S, limit: Int = 200) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            if InvisibleCharacters.isControlOrFormat(scalar) || scalar == "\\" {
                out += scalar == "\\" ? "\\\\" : "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
