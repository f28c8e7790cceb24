/// Why `tsunagud` refuses to start, in one plain sentence that names the setting and says what to do.
///
/// It never quotes a secret's value.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let cause: (any Error)?

    public init(_ message: String, cause: (any Error)? = nil) {
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
