/// A failure the user can act on, in one sentence: the executable prints it on standard error and exits 1.
public struct CLIFailure: Error, Sendable, Equatable {
    public let sentence: String

    public init(_ sentence: String) { self.sentence = sentence }
}

/// Arguments that cannot work, in one sentence: the executable reports it as a usage error (exit 2).
public struct UsageError: Error, Sendable, Equatable {
    public let sentence: String

    public init(_ sentence: String) { self.sentence = sentence }
}

/// A case handle as typed: letters and digits, upper-cased; anything else is refused.
func validHandle(_ text: String) throws(CLIFailure) -> String {
    let handle = text.uppercased()
    guard (4...10).contains(handle.count), handle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
        throw CLIFailure("\(text.prefix(12)) is not a case handle; handles are 4 letters and digits, such as A7K2.")
    }
    return handle
}
