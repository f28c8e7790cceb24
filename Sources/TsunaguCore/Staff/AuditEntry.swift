/// One line of the audit log: who did what, when, to which case. Never message text.
///
/// Entries are hash-chained: each one's ``hash`` covers its fields and the previous entry's hash, so
/// changing, removing or reordering any entry breaks every hash after it, which ``AuditChain`` detects; the
/// hash is keyed for entries written since the chain was keyed (``chainVersion``).
public struct AuditEntry: Sendable, Hashable, Codable {
    /// 1, 2, 3, … in the order written.
    public var sequence: Int64
    /// Milliseconds since the epoch.
    public var at: Int64
    /// The staff member's name, or `operator` for `tsunagud` commands run on the server.
    public var actor: String
    /// What was done, e.g. `staff.add`, `case.read`, `case.reply`.
    public var action: String
    /// The case it concerns, if any.
    public var caseID: String?
    /// A short, non-personal detail, e.g. the role given.
    public var detail: String?
    /// Lowercase hex of the previous entry's hash and this entry's fields, hashed as ``chainVersion`` says.
    public var hash: String
    /// How ``hash`` was made, as stored (``AuditChain/Version``); kept raw, so that a value no version knows
    /// fails verification instead of failing to load.
    public var chainVersion: Int

    /// The version ``chainVersion`` names, `nil` for one no version knows.
    public var version: AuditChain.Version? { AuditChain.Version(rawValue: chainVersion) }

    public init(
        sequence: Int64, at: Int64, actor: String, action: String, caseID: String?, detail: String?, hash: String, chainVersion: Int
    ) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.caseID = caseID
        self.detail = detail
        self.hash = hash
        self.chainVersion = chainVersion
    }

    /// The bytes the hash covers after the previous hash: every field, each length-prefixed so that no two
    /// different entries can read the same.
    public var chainedFields: [UInt8] {
        var bytes: [UInt8] = []
        for field in ["\(sequence)", "\(at)", actor, action, caseID ?? "\u{0}", detail ?? "\u{0}"] {
            let utf8 = Array(field.utf8)
            bytes += Array("\(utf8.count):".utf8) + utf8
        }
        return bytes
    }
}
