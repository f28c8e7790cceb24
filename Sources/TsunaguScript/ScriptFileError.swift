/// What is wrong with a conversation script file, in one sentence naming the file, the line and the key (the core's
/// ``ScriptProblem`` is one rule broken, at a key path, without the file).
public struct ScriptFileError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
