/// A failure to open or use the database, described in one sentence an operator can act on.
///
/// It never carries statement arguments: GRDB keeps them out of its errors by default
/// (`publicStatementArguments` is false), and this type adds none.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public static let notWritable = Code(name: "notWritable")
        public static let notFound = Code(name: "notFound")
        public static let durabilityNotApplied = Code(name: "durabilityNotApplied")
        public static let notMigrated = Code(name: "notMigrated")
        /// A file is where a new one would be made (a backup, a restored database).
        public static let exists = Code(name: "exists")
        /// A backup that fails its integrity check or its audit chain.
        public static let invalidBackup = Code(name: "invalidBackup")
        public var description: String { name }
    }

    public let code: Code
    public let message: String
    public let cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
